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

function highlight(text, spans) {
  const container = document.getElementById("highlighted");
  container.replaceChildren();
  const ordered = spans.filter((s) => s.kind !== undefined).sort((a, b) => a.begin - b.begin);
  let cursor = 0;
  for (const span of ordered) {
    if (span.begin < cursor) continue;
    container.append(text.slice(cursor, span.begin));
    const tip = explain(span);
    const mark = element("mark", {tabIndex: 0, className: span.score >= 0.9 ? "strong" : "",
                                  title: tip}, [text.slice(span.begin, span.end)]);
    mark.setAttribute("aria-label", `${span.text}: ${tip}`);
    mark.append(element("span", {className: "tip", textContent: tip}));
    container.append(mark);
    cursor = span.end;
  }
  container.append(text.slice(cursor));
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
