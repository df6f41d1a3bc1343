"use strict";
const form = document.getElementById("analyze-form");
const statusLine = document.getElementById("status");

function element(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

const VERDICTS = {spun_text: "Likely spun", machine_paraphrase: "Likely machine-rewritten"};
// Kinds of rewriter whose favoured wording a span shows (span kind "<kind>_wording").
const REWRITERS = {llm_polish: "LLMs polishing text", paraphraser: "paraphrasing tools"};

function explain(span) {
  const rewriter = span.kind.endsWith("_wording") ? span.kind.slice(0, -"_wording".length) : null;
  const why = span.kind === "hidden_characters" ? `hidden characters; reads as “${span.likely_original}”`
    : span.likely_original ? `likely original: “${span.likely_original}”`
    : rewriter ? `wording ${REWRITERS[rewriter] || rewriter} favour` : "machine-translation wording";
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

const KINDS = {copied: "copied", spun: "spun: words swapped one for one", paraphrased: "paraphrased: sentences reworded"};

function percent(share) {
  return `${Math.round(share * 100)}%`;
}

// The characters of text from begin to end (code points), the spans inside marked; spans are
// {begin, end, title} in code points of text, in increasing order. Text goes in as text nodes.
function markedSlice(text, begin, end, spans) {
  const unitsAt = utf16Offsets(text);
  const container = element("div", {className: "passage-text"});
  let done = unitsAt(begin);
  let cursor = begin;
  for (const span of spans) {
    if (span.begin < cursor || span.begin < begin || span.end > end) continue;
    const from = unitsAt(span.begin);
    const to = unitsAt(span.end);
    const mark = element("mark", {title: span.title}, [text.slice(from, to)]);
    mark.setAttribute("aria-label", `${text.slice(from, to)}: ${span.title}`);
    container.append(text.slice(done, from), mark);
    done = to;
    cursor = span.end;
  }
  container.append(text.slice(done, unitsAt(end)));
  return container;
}

// One aligned sentence pair: this text's sentence beside the source's, with the swaps marked.
function passageRow(text, match, passage) {
  const swaps = match.substitutions.filter((s) => s.begin >= passage.begin && s.end <= passage.end);
  const here = swaps.map((s) => ({begin: s.begin, end: s.end, title: `was “${s.original}”`}));
  const there = swaps.map((s) => ({begin: s.source_begin - passage.source_begin,
                                   end: s.source_end - passage.source_begin, title: `now “${s.replacement}”`}));
  return element("tr", {}, [
    element("td", {}, [markedSlice(text, passage.begin, passage.end, here)]),
    element("td", {}, [markedSlice(passage.source_text, 0, [...passage.source_text].length, there)]),
    element("td", {className: "similarity", textContent: passage.similarity.toFixed(2)})]);
}

function matchView(text, match) {
  const summary = `${match.source_id}: ${KINDS[match.kind] || match.kind}; ${percent(match.coverage)} of this ` +
                  `text, ${percent(match.source_coverage)} of the source`;
  const head = element("tr", {}, ["This text", "Source", "Similarity"].map((name) =>
    element("th", {scope: "col", textContent: name})));
  const rows = [...match.passages].sort((a, b) => a.begin - b.begin).map((p) => passageRow(text, match, p));
  return element("li", {className: "match"}, [element("h4", {textContent: summary}),
    element("table", {className: "passages"}, [element("thead", {}, [head]), element("tbody", {}, rows)])]);
}

function showMatches(text, matches) {
  document.getElementById("matches").hidden = !(matches && matches.length);
  document.getElementById("match-list").replaceChildren(...(matches || []).map((m) => matchView(text, m)));
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
    showMatches(text, []);
    return;
  }
  const flagged = Object.keys(result.categories).filter((name) => result.categories[name]);
  verdict.textContent = flagged.length ? flagged.map((name) => VERDICTS[name] || name).join("; ")
                                       : "No sign of spinning or machine rewriting";
  verdict.className = result.flagged ? "flagged" : "clean";
  const scores = Object.entries(result.category_scores).map(([name, score]) =>
    `${name} score ${score.toFixed(3)} (threshold ${result.thresholds[name].toFixed(3)})`);
  const notes = [];
  if (result.signals.too_short_to_tell) notes.push("too short to tell: one suspicious word is not enough");
  if (result.signals.hidden_character_words) notes.push(`${result.signals.hidden_character_words} words hold hidden characters or look-alike letters`);
  if (result.most_suspicious) notes.push(`most suspicious passage: characters ${result.most_suspicious.begin}-${result.most_suspicious.end}`);
  document.getElementById("summary").textContent =
    `${scores.join(", ")}, ${result.num_words} words, ${result.spans.length} suspicious.` +
    (notes.length ? ` ${notes.join("; ")}.` : "");
  highlight(text, result.spans);
  list.replaceChildren(...result.spans.slice(0, 20).map((s) =>
    element("li", {textContent: `“${s.text}”: ${explain(s)}`})));
  showMatches(text, result.matches);
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
