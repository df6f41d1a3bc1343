"""Token-evidence variants compared where they count, at the document level, with the model's own
statistics and context model.

    python benchmarks/evidence_variants.py --data ../shared/data [--model DIR] [--cache-dir DIR]
        [--variants base ...] [--context SETTING=VALUE ...]

A variant is a set of pair features for the token model: the model's own (``base``), those plus
features from an extension, or those less some. Extensions:
- topic similarity (``topic``, ``topic_gain``): how much better a candidate original fits the
  document's topic than the word does, from latent-semantic (LSA) vectors of 200-word segments of
  the statistics texts. A context-free spinner writes "docks" for "orchestras" into an article
  about jazz, and the four words on each side may accept it where the rest of the article does not.
- context probability (``context_probability``, ``context_pmi``): how likely the word itself is in
  its slot, by the context model normalised over its whole vocabulary, with no candidate involved.
  A spinner that prefers common synonyms writes "or" for "rose" ("sales or 5%"), and the true
  original can be missing from the word's capped candidate list.
- function-word weights (``function_word_weights``): the main fit and gain features again, for
  function words only, so that the linear token model weighs them separately there: a misfit
  function word ("the bank said on it expected") breaks the grammar, where a misfit content word
  often only strains the sense.
``no_spinner_prior`` drops the four features that weigh a candidate by the chance that a spinner
choosing uniformly from its synonym list picked the word: a prior of the training spinners' kind.

Every document's candidate pairs are computed once, with every feature. Each variant then refits
what training fits on them (the token model, the document classifier, the length thresholds on
clean validation documents and out-of-fold training articles) and reports recall and ROC AUC by
policy and rate on spun validation articles of 200+ words that none of them saw. The test pool
of benchmarks/accuracy.py is never read: it stays for the bundled model's figures. The document
sets are smaller than training's (``--articles``), so compare variants with each other, not with
the model card. ``--positive-weights none 2 inf`` runs every variant with each weighting of the
token model's examples (``detector.training.token_model.frequency_balanced_weights``): unweighted, swapped
words weighed up to 2 times, and complete frequency balancing. ``--context window=8`` trains
another context model on the same statistics ids, with that change to the recipe, and uses it
instead of the model's: context models compared the same way."""
from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from detector.evaluation.spin import benchmark_articles
from detector.evaluation.variants import (
    CONTEXT_PROBABILITY_FEATURES,
    FUNCTION_WORD_FEATURES,
    TOPIC_FEATURES,
    VARIANTS,
    ContextProbabilityFeatures,
    DocumentSet,
    ExtendedRecognizer,
    FunctionWordFeatures,
    TopicFeatures,
    TopicVectors,
    evaluate,
    paired_comparison,
    prepare,
    spun_benchmark_texts,
)
from detector.evidence import PAIR_FEATURES, SubstitutionRecognizer
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.context_model import ContextTrainingConfig, train_context_model
from detector.training.recipe import (
    classifier_documents,
    classifier_pools,
    default_config,
    split_pools,
    spun_pairs,
    statistics_ids,
    validation_documents,
)
from detector.training.thesaurus import Thesaurus
from detector.training.token_model import MAX_POSITIVE_WEIGHT, example_weights, pair_examples, stacked_examples


def changed(config: ContextTrainingConfig, settings: list[str]) -> ContextTrainingConfig:
    """``config`` with ``name=value`` settings, each value of the field's own type."""
    values = dict(setting.split("=", 1) for setting in settings)
    return dataclasses.replace(config, **{name: type(getattr(config, name))(value) for name, value in values.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--cache-dir", default=None, help="where training cached the statistics ids, if it did")
    parser.add_argument("--articles", type=int, nargs=3, default=(3000, 2000, 500), metavar=("TRAIN", "VALID", "BENCH"),
                        help="articles for the classifier, the thresholds and the benchmark")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--context", nargs="+", metavar="SETTING=VALUE",
                        help="train a context model on the model's statistics with these changes to the recipe's "
                             "(fields of ContextTrainingConfig, e.g. window=8) and use it in place of the model's")
    parser.add_argument("--positive-weights", nargs="+", default=[f"{MAX_POSITIVE_WEIGHT:g}"], metavar="W",
                        help="token-model weightings to run each variant with: the largest weight of a swapped word "
                             "in the frequency balancing (the recipe's; inf: complete balancing) or none (unweighted). "
                             "Paired comparisons are against base with the first")
    parser.add_argument("--output", default="benchmarks/results/evidence_variants.json")
    args = parser.parse_args()

    started = time.time()
    tortured = str(Path(args.data) / "tortured" / "tortured_phrases_dev.csv")
    detector = Detector.load(settings=Settings.from_env(model_path=args.model, tortured_phrases=tortured))
    config = default_config(args.data, output="unused", cache_dir=args.cache_dir)
    base = detector.engine.substitutions
    features = {name for variant in args.variants for name in VARIANTS[variant]}
    needs_topic = bool(features & set(TOPIC_FEATURES))
    ids = statistics_ids(config, base.stats) if args.context or needs_topic else None
    if args.context:
        context = train_context_model(ids, base.stats, changed(config.context, args.context))
        base = SubstitutionRecognizer(base.stats, base.candidates, context, base.token_model, base.shortlist)
    extensions = {TOPIC_FEATURES: lambda: TopicFeatures(TopicVectors.build(ids, base.stats, seed=config.seed)),
                  CONTEXT_PROBABILITY_FEATURES: ContextProbabilityFeatures,
                  FUNCTION_WORD_FEATURES: FunctionWordFeatures}
    recognizer = ExtendedRecognizer(base, [make() for names, make in extensions.items() if features & set(names)])
    thesaurus = Thesaurus.load()
    pools = classifier_pools(config)
    token_articles, classifier_articles = split_pools(pools, config)
    train_count, validation_count, benchmark_count = args.articles

    spins = spun_pairs(token_articles, config, [thesaurus], config.seed + 7)  # the token model's, as in training
    examples = [pair_examples(recognizer, spun)
                for _, spun in tqdm(spins, total=len(token_articles), desc="token pairs", mininterval=5)]
    pair_features, pair_labels, pair_words = stacked_examples(examples)
    pair_features = pair_features.astype(np.float32)

    def token_data(weighting: str):
        if weighting == "none":
            return pair_features, pair_labels, None
        return pair_features, pair_labels, example_weights(recognizer, pair_words, pair_labels, float(weighting))

    def run_name(variant: str, weighting: str) -> str:
        return variant if len(args.positive_weights) == 1 else f"{variant}, positive weights {weighting}"

    def prepared(texts, desc):
        return [prepare(recognizer, detector.engine.tortured, t) for t in tqdm(texts, desc=desc, mininterval=5)]

    training = classifier_documents(classifier_articles[:train_count], config, [thesaurus])
    validation = validation_documents(pools.validation[:validation_count], config, [thesaurus])
    later = benchmark_articles(pools.validation[validation_count:], benchmark_count)
    texts, labels, subsets = spun_benchmark_texts(later, thesaurus, seed=2026)
    sets = {"training": DocumentSet(prepared(training.texts, "training"), training.labels, training.subsets,
                                    training.groups),
            "validation": DocumentSet(prepared(validation.texts, "validation"), validation.labels, validation.subsets),
            "benchmark": DocumentSet(prepared(texts, "benchmark"), np.array(labels), np.array(subsets))}
    runs = {run_name(variant, weighting): (variant, weighting)
            for weighting in args.positive_weights for variant in args.variants}
    results = {name: evaluate(recognizer, token_data(weighting), sets, VARIANTS[variant], config.seed)
               for name, (variant, weighting) in runs.items()}
    reference = run_name("base", args.positive_weights[0])
    report = {"model_version": detector.version, "context_model_changes": args.context or [],
              "documents": {name: len(s.prepared) for name, s in sets.items()}, "variants": {}}
    for name, (metrics, flagged) in results.items():
        variant, weighting = runs[name]
        report["variants"][name] = {"added": [f for f in VARIANTS[variant] if f not in PAIR_FEATURES],
                                    "removed": [f for f in PAIR_FEATURES if f not in VARIANTS[variant]],
                                    "positive_weights": weighting, **metrics}
        if name != reference and reference in results:
            report["variants"][name]["against_base"] = paired_comparison(flagged, results[reference][1],
                                                                         sets["benchmark"].subsets)
    report["seconds"] = round(time.time() - started, 1)
    with open(args.output, "w") as handle:
        json.dump(report, handle, indent=2)
    print(json.dumps({name: {subset: (round(m["recall"], 4), round(m["roc_auc"], 4)) for subset, m in v.items()
                             if isinstance(m, dict) and m.get("roc_auc") is not None}
                      for name, v in report["variants"].items()}, indent=1))


if __name__ == "__main__":
    main()
