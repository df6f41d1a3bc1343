"""The model card next to the artifact: what it was trained on, how, and how well it does."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from detector.evaluation.spin import BENCHMARK_POLICIES

CARD = "MODEL_CARD.md"
ROC_PLOT = "roc.png"
HISTOGRAM_PLOT = "score_histogram.png"


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def _context_line(training: dict) -> str:
    context = training["context_model"]
    return (f"window of {context['window']} words each side, embeddings {context['embedding_dim']}, hidden layer "
            f"{context['hidden_dim']}, output {context['output_dim']}, vocabulary {context['vocabulary_size']:,} "
            f"(count >= {context['min_count']}), {context['examples']:,} training positions (seed {context['seed']}); "
            f"it ranks up to {training['max_candidates']} candidate originals per word.")


def _token_model_line(training: dict) -> str:
    """How the token model's positives were weighed (recorded since model 1.11.0)."""
    if "token_model" not in training:
        return ""
    weighting = training["token_model"]
    return (f"- Token model: swapped words reweighted towards the word-frequency profile of untouched words "
            f"({weighting['frequency_bins']} frequency bands, weight at most {weighting['max_positive_weight']:g}; "
            f"digits for number words keep their weight).\n")


def _libraries(training: dict) -> str:
    """The library versions the arrays were trained with (recorded since code 0.7.1)."""
    return "".join(f"; {name} {version}" for name, version in training.get("libraries", {}).items())


def metrics_markdown(metrics: dict) -> str:
    columns = ("documents", "positives", "roc_auc", "precision", "recall", "f1", "false_positive_rate")
    lines = ["| subset | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in metrics.items():
        if isinstance(row, dict) and "documents" in row:
            lines.append(f"| {name} | " + " | ".join(_fmt(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def write_plots(folder: Path, scores: np.ndarray, labels: np.ndarray, subsets: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    figure, axis = plt.subplots(figsize=(5, 5))
    clean = subsets == "clean"
    for name in dict.fromkeys(subsets[~clean].tolist()):
        pick = clean | (subsets == name)
        fpr, tpr, _ = roc_curve(labels[pick], scores[pick])
        axis.plot(fpr, tpr, label=name)
    axis.set(xlabel="false-positive rate", ylabel="true-positive rate", title="ROC, held-out test articles",
             xscale="log", xlim=(1e-3, 1))
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(folder / ROC_PLOT, dpi=100)
    figure, axis = plt.subplots(figsize=(6, 4))
    bins = np.linspace(0, 1, 41)
    axis.hist(scores[labels == 0], bins=bins, alpha=0.6, label="clean", density=True)
    axis.hist(scores[labels == 1], bins=bins, alpha=0.6, label="spun (all rates)", density=True)
    axis.set(xlabel="spun_text score", ylabel="density", yscale="log", title="Score histograms by class")
    axis.legend()
    figure.tight_layout()
    figure.savefig(folder / HISTOGRAM_PLOT, dpi=100)
    plt.close("all")


def _unseen(policies: list[str]) -> str:
    """What the test spins have that training never saw: new seeds, and the benchmark policies that
    were not among the training policies (a diagnostic run may train on them)."""
    unseen = [p for p in BENCHMARK_POLICIES if p not in policies]
    if not unseen:
        return "spinner seeds never used in training (every test policy was among the training policies)"
    names = " and ".join(f"`{p}`" for p in unseen)
    return f"spinner seeds and the {names} {'policy' if len(unseen) == 1 else 'policies'} never used in training"


def write_model_card(folder: Path, manifest: dict, scores: np.ndarray, labels: np.ndarray,
                     subsets: np.ndarray) -> None:
    write_plots(folder, scores, labels, subsets)
    (folder / CARD).write_text(card_text(manifest))


def card_text(manifest: dict) -> str:
    """The card's text: everything in it comes from the artifact's manifest."""
    training = manifest["training"]
    spans = manifest["metrics"]["test"].get("spans", {})
    return f"""# Model card: spun-detector {manifest['version']}

Detects spun copies of English news (context-free thesaurus substitution) and points at the
swapped words (`spun_text`), and scores machine-translated or round-trip-translated English
(`machine_paraphrase`, see its own section). Artifact format {manifest['format_version']}; code version {manifest['code_version']}.

## Training

- Command: `{training['command']}`
- Seed: {training['seed']}; trained {training['trained_at']} in {training.get('seconds', '?')} s (Python {training['python']}{_libraries(training)}).
- Statistics: {training['statistics']['tokens']:,} tokens, vocabulary {training['statistics']['vocabulary']:,},
  bigrams {training['statistics']['bigram']:,}, trigrams {training['statistics']['trigram']:,},
  skip-bigrams {training['statistics']['skip']:,} (counts >= 2) from the corpora below, excluding every
  document used by the classifier (split by source article id).
- Context model (same texts): {_context_line(training)}
- News: {', '.join(training['news'])}
- Other corpora: {', '.join(training['corpora']) or '-'}
- Hard negatives: {training['paraphrases'] or '-'} (human paraphrases joined into paragraphs)
- Modern clean validation text: {', '.join(training['translations']) or '-'} (human reference translations)
- Tortured phrases (known spinner phrases, shipped in the artifact): {training.get('tortured_phrases') or '-'}
- Spinner: policies {', '.join(f'`{p}`' for p in training['spinner_policies'])}, rates {training['spin_rates'][0]:.0%}-{training['spin_rates'][1]:.0%} of content words (log-uniform).
{_token_model_line(training)}- Documents: {json.dumps(training['documents'])}
- Thresholds by document length (words: threshold): {', '.join(f"{band['min_words']}+: {band['threshold']:.4f}" for band in manifest['thresholds_by_length'])};
  each the lowest that flags at most 0.75% of the clean news of its length band (validation news, and
  clean training news scored out of fold by classifiers fitted without its article), raised where
  needed to flag at most 2% of each other genre of human prose in the band (WMT21 references,
  abstracts, student answers; validation and out-of-fold training documents) when it has 30 or more there.

## Validation (threshold selection)

{metrics_markdown(manifest['metrics']['validation'])}

By document length:

{metrics_markdown(manifest['metrics']['validation_by_length'])}

## Test: held-out articles (200+ words), {_unseen(training['spinner_policies'])}

Each row compares the spun articles against the same clean articles.

{metrics_markdown(manifest['metrics']['test'])}

Spans: {spans.get('top_spans', 0):,} top-10 spans on spun test articles; {spans.get('precision_at_10', 0):.3f} of them
cover a substituted word, and for {spans.get('original_accuracy', 0):.3f} of those `likely_original` is the true original.

![ROC]({ROC_PLOT})

![Score histograms]({HISTOGRAM_PLOT})

{machine_paraphrase_section(manifest)}

## Limits

English only; trained on synthetic spinning by the project's own spinner, so rates are
optimistic for spinners that choose context-aware synonyms. The machine_paraphrase attribute
learned from 2021 news translated into English from seven languages; other domains, source
languages and newer MT systems may score differently.
"""


def machine_paraphrase_section(manifest: dict) -> str:
    record = manifest["machine_paraphrase"]
    test = manifest["metrics"].get("machine_paraphrase_test", {})
    return f"""## machine_paraphrase

- Data: {', '.join(record['translations'])}: human reference translations (label 0) and the
  English output of the MT systems (label 1) for the same sources; `sents` files grouped into
  passages of 180+ words. Sources split {record['splits']} (train / validation / test); systems
  never trained on: {', '.join(record['held_out_systems'])}. Clean native articles of the
  classifier pools are extra negatives.
- Model: a logistic regression on hashed TF-IDF word 1-2-grams, function-word skeleton 2-4-grams
  and character 2-5-grams (C = {record['lexical_regularization']}, chosen on validation translations:
  AUC by C {json.dumps(record['lexical_validation_auc_by_regularization'])}; then refitted on training and
  validation translations, cross-fitted by source for the next stage), plus
  {len(record['feature_names']) - 1} style features, combined by gradient boosting (monotone in the
  lexical score). Documents: {json.dumps(record['documents'])}
- Threshold: {record['threshold']:.4f}, chosen for at most 1% false positives on native validation news.

### Validation (threshold selection)

{metrics_markdown(record['validation'])}

### Test: held-out sources, 150+ words

{metrics_markdown({k: v for k, v in test.items() if isinstance(v, dict) and 'documents' in v})}

By language pair:

{metrics_markdown(test.get('by language pair', {}))}

By system:

{metrics_markdown(test.get('by system', {}))}
{_rewriters_section(record, test)}"""


def _rewriters_section(record: dict, test: dict) -> str:
    """The kinds of rewriter beyond translation, where the model has them."""
    rewriters = record.get("rewriters")
    if not rewriters:
        return ""
    added = rewriters.get("added")
    how = (f"Added to model {added['to']['version']} (everything else kept byte for byte): `{added['command']}`, "
           f"seed {added['seed']}, {added['trained_at']}, {added.get('seconds', '?')} s." if added else "")
    return f"""
### Other kinds of rewriter: {', '.join(rewriters['kinds'])}

Real rewrites from {record.get('rewrites') or 'paraphrase_llm/'}: ChatGPT polish of ACL abstracts
against the abstracts (`llm_polish`), QuillBot output against human answers to the same course
questions (`paraphraser`), split 70 / 10 / 20 by pair and question. Each kind: a gradient-boosted
classifier over the style features and the phrasing profile (words each kind favours, learned from
its training pairs), with native news, the other family's human texts and human translations as
negatives; its threshold flags at most 1% of native validation news and 2% of each set of human
validation texts, and its scores are mapped onto the translation threshold. The attribute's score
is the translation score unless another kind reaches the threshold. {how} Documents: {json.dumps(rewriters['documents'])}; thresholds
{json.dumps({k: round(v, 4) for k, v in rewriters['thresholds'].items()})}.

Validation (the kind's own probability and threshold):

{metrics_markdown(rewriters.get('validation', {}))}

Human validation texts flagged by each kind: {json.dumps(rewriters.get('validation_human_flagged', {}))}

Test (held-out pairs and questions, 50+ words, the attribute's score against the human texts of the same family):

{metrics_markdown(test.get('by kind of rewriter', {}))}
"""



def write_refit_card(folder: Path, manifest: dict) -> None:
    (folder / CARD).write_text(refit_card_text(manifest))


def refit_card_text(manifest: dict) -> str:
    """The card of a refitted model: what it was refitted from and on, and before against after."""
    refit = manifest["refit"]
    attributes = refit["attributes"]
    machine = attributes["machine_paraphrase"]
    worse = refit["before_after"]["worse"]
    return f"""# Model card: spun-detector {manifest['version']} (refitted)

Refitted from model {refit['base']['version']} (`{refit['base']['path']}`) with `{refit['command']}` in
{refit['seconds']} s (seed {refit['seed']}; {refit['trained_at']}). Artifact format {manifest['format_version']}; code version {manifest['code_version']}.

## What was refitted

- Kept byte for byte: the statistics, candidate table, context model and token model of the base.
- `spun_text`: a new document classifier and thresholds by length (words: threshold):
  {', '.join(f"{band['min_words']}+: {band['threshold']:.4f}" for band in manifest['thresholds_by_length'])}.
  Fitted on {json.dumps(attributes['spun_text']['fitted_on'])}; thresholds flag at most
  {attributes['spun_text']['max_false_positive_rate']:.2%} of {attributes['spun_text']['threshold_clean_documents']} held-out clean documents.
- `machine_paraphrase`: {_machine_refit_line(machine, manifest)}

## Data

- Labeled: {', '.join(refit['labeled']) or '-'}
- Clean text: {', '.join(refit['clean']) or '-'}
- Project data (anchors and benchmarks): {refit['data'] or '-'}
- Documents: {json.dumps(refit['documents'])} (split by document, a quarter held out)

## Before and after: held-out labeled documents and clean text

{comparison_markdown(refit['before_after']['labeled'])}
{_project_section(refit['before_after'])}
## Where the refit does worse

{chr(10).join(f'- **Worse:** {line}' for line in worse) if worse else 'Nowhere worse than the base by more than 0.005 in ROC AUC, recall or false-positive rate.'}
"""


def _machine_refit_line(record: dict, manifest: dict) -> str:
    if not record.get("refitted"):
        return f"kept from the base ({record['why']})."
    return (f"a new classifier over the base's lexical model, fitted on {json.dumps(record['fitted_on'])}; threshold "
            f"{manifest['machine_paraphrase']['threshold']:.4f} (at most {record['max_false_positive_rate']:.0%} of "
            f"{record['threshold_documents']} held-out documents).")


def comparison_markdown(by_model: dict) -> str:
    """One table per attribute: each model's metrics per subset ({model: {attribute: {subset: metrics}}})."""
    sections = []
    for attribute in dict.fromkeys(a for tables in by_model.values() for a in tables):
        rows = ["| model | subset | documents | positives | ROC AUC | recall | false-positive rate |",
                "|---|---|---|---|---|---|---|"]
        for name, tables in by_model.items():
            for subset, m in tables.get(attribute, {}).items():
                rows.append(f"| {name} | {subset} | {m['documents']} | {m['positives']} | {_fmt(m['roc_auc'])} | "
                            f"{_fmt(m['recall'])} | {_fmt(m['false_positive_rate'])} |")
        sections.append(f"`{attribute}`:\n\n" + "\n".join(rows) + "\n")
    return "\n".join(sections) or "No held-out labeled documents.\n"


def _project_section(before_after: dict) -> str:
    if "project_news" not in before_after:
        return "\nThe project's benchmarks were not run (give `--data` to run them).\n"
    return ("\n## Before and after: the project's held-out news (spun by the project's spinner)\n\n"
            + comparison_markdown(before_after["project_news"]))
