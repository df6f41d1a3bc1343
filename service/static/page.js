"use strict";
const form = document.getElementById("analyze-form");
const statusLine = document.getElementById("status");

function element(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

const VERDICTS = {spun_text: "Likely spun", machine_paraphrase: "Likely machine-translated"};

function explain(span) {
  const why = span.likely_original ? `likely original: “${span.likely_original}”` : "machine-translation wording";
  return `${why} (${span.kind}, ${span.score.toFixed(2)})`;
}

// The API counts offsets in Unicode code points (Python string indexes); JavaScript strings count
// UTF-16 units, where a character outside the Basic Multilingual Plane (most emoji) takes two.
// The returned function converts offsets given in increasing order, walking the text once in all.
function utf16Offsets(text) {
  let points = 0;
  let units = 0;
  return (offset) => {
    for (; points < offset && units < text.length; points++) {
      units += text.codePointAt(units) > 0xffff ? 2 : 1;
    }
    return units;
  };
}

// A tooltip starts under its word; move it left where it would run past the window's right edge.
function keepTipInView(event) {
  const tip = event.currentTarget.querySelector(".tip");
  tip.style.left = "";
  const past = tip.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
  if (past > 0) tip.style.left = `${-past}px`;
}

function highlight(text, spans) {
  const container = document.getElementById("highlighted");
  container.replaceChildren();
  const ordered = spans.filter((s) => s.kind !== undefined).sort((a, b) => a.begin - b.begin);
  const unitsAt = utf16Offsets(text);
  let cursor = 0;  // end of the last highlight, in code points
  let done = 0;    // the same place in UTF-16 units
  for (const span of ordered) {
    if (span.begin < cursor) continue;
    const begin = unitsAt(span.begin);
    const end = unitsAt(span.end);
    container.append(text.slice(done, begin));
    const tip = explain(span);
    const mark = element("mark", {tabIndex: 0, className: span.score >= 0.9 ? "strong" : "",
                                  title: tip}, [text.slice(begin, end)]);
    mark.setAttribute("aria-label", `${span.text}: ${tip}`);
    mark.append(element("span", {className: "tip", textContent: tip}));
    mark.addEventListener("mouseenter", keepTipInView);
    mark.addEventListener("focus", keepTipInView);
    container.append(mark);
    cursor = span.end;
    done = end;
  }
  container.append(text.slice(done));
}

function show(text, result) {
  const verdict = document.getElementById("verdict");
  const list = document.getElementById("span-list");
  document.getElementById("result").hidden = false;
  if (!result.supported) {
    verdict.textContent = "Not scored";
    verdict.className = "";
    document.getElementById("summary").textContent = result.reason;
    highlight(text, []);
    list.replaceChildren();
    return;
  }
  const flagged = Object.keys(result.categories).filter((name) => result.categories[name]);
  verdict.textContent = flagged.length ? flagged.map((name) => VERDICTS[name] || name).join("; ")
                                       : "No sign of spinning or machine translation";
  verdict.className = result.flagged ? "flagged" : "clean";
  const scores = Object.entries(result.category_scores).map(([name, score]) =>
    `${name} score ${score.toFixed(3)} (threshold ${result.thresholds[name].toFixed(3)})`);
  document.getElementById("summary").textContent =
    `${scores.join(", ")}, ${result.num_words} words, ${result.spans.length} suspicious.`;
  highlight(text, result.spans);
  list.replaceChildren(...result.spans.slice(0, 20).map((s) =>
    element("li", {textContent: `“${s.text}”: ${explain(s)}`})));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = document.getElementById("text").value;
  const key = document.getElementById("api-key").value.trim();
  const headers = {"Content-Type": "application/json"};
  if (key) headers.Authorization = `Bearer ${key}`;
  statusLine.textContent = "Analyzing…";
  try {
    const response = await fetch("/v1/analyze", {method: "POST", headers,
      body: JSON.stringify({documents: [{id: "page", text}], return_spans: true})});
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    if (body.errors.length) throw new Error(body.errors[0].message);
    show(text, body.results[0]);
    statusLine.textContent = "Done.";
  } catch (error) {
    statusLine.textContent = `Error: ${error.message}`;
  }
});
