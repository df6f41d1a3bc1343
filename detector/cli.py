"""``spun-detector``: score, train, evaluate and spin from the command line."""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

POLICIES = ("uniform", "frequency", "first")  # detector.training.spinner.POLICIES, spelled out to keep start-up light

EXIT_FATAL = 2
INDEX_BATCH = 500  # documents written to the index per transaction


def _open_output(path: str | None, append: bool = False):
    """The output file, or standard output left open for the caller."""
    return open(path, "a" if append else "w", encoding="utf-8") if path else contextlib.nullcontext(sys.stdout)


def _settings(args):
    from detector.settings import Settings

    return Settings.from_env(model_path=args.model, tortured_phrases=args.tortured_phrases,
                             index=getattr(args, "index", None))


def _detector(args):
    from detector.scoring import Detector

    return Detector.load(settings=_settings(args))


def format_text(result: dict, color: bool) -> str:
    """A result for a person at a terminal: score, verdict and the suspicious words."""
    if "error" in result:
        return f"{result['id'] or result['source'] + ':' + str(result['line'])}: ERROR {result['error']['code']}: {result['error']['message']}"
    if not result["supported"]:
        return f"{result['id']}: not scored ({result['reason']})"
    verdict = ", ".join(name.upper() for name, flagged in result["categories"].items() if flagged) or "clean"
    scores = ", ".join(f"{name} {score:.3f} (threshold {result['thresholds'][name]:.3f})"
                       for name, score in result["category_scores"].items())
    mark = (lambda s: f"\033[1;31m{s}\033[0m") if color else (lambda s: f"[{s}]")
    lines = [f"{result['id']}: {verdict}: {scores}, {result['num_words']} words"]
    for span in result["spans"][:15]:
        original = f" <- {span['likely_original']!r}" if span["likely_original"] else ""
        lines.append(f"    {mark(span['text'])}{original}  {span['kind']} {span['score']:.2f}")
    return "\n".join(lines)


def command_score(args) -> int:
    from tqdm import tqdm

    from detector.artifact import ArtifactError
    from detector.batch import Summary, cached_detector, completed_keys, score_stream
    from detector.distributed import run_dask
    from detector.documents import expand_paths, read_documents
    from detector.reference.storage import IndexFormatError

    settings = _settings(args)
    try:
        cached_detector(settings)  # fail fast, before any output, when the model cannot be loaded
    except (ArtifactError, IndexFormatError, OSError) as exc:
        print(f"spun-detector: {exc}", file=sys.stderr)
        return EXIT_FATAL
    if args.engine == "dask":
        if not args.paths or not args.output:
            print("spun-detector: --engine dask needs input files and an --output folder", file=sys.stderr)
            return EXIT_FATAL
        summary = run_dask(expand_paths(args.paths), settings, args.output, args.scheduler, args.workers)
        print(summary, file=sys.stderr)
        return 0
    done = completed_keys(Path(args.output)) if args.resume and args.output else set()
    try:
        sink = _open_output(args.output, append=args.resume)
    except OSError as exc:
        print(f"spun-detector: {exc}", file=sys.stderr)
        return EXIT_FATAL
    summary = Summary()

    def pending():
        for document in read_documents(args.paths, args.stdin_format):
            if document.key in done:
                summary.skipped += 1
            else:
                yield document
    quiet = args.quiet or not sys.stderr.isatty()
    with sink as output, tqdm(desc="scoring", unit=" docs", disable=quiet, mininterval=1) as progress:
        color = output.isatty()
        for record in score_stream(pending(), settings, args.jobs):
            summary.add(record)
            line = format_text(record, color) if args.format == "text" else json.dumps(record, ensure_ascii=False)
            output.write(line + "\n")
            progress.update()
    print(summary, file=sys.stderr)
    return 0


def record_labels(record: dict) -> dict[str, int]:
    """Labels of an evaluation record: ``labels`` per category, or ``label`` for spun_text."""
    labels = dict(record.get("labels") or {})
    if "label" in record:
        labels.setdefault("spun_text", record["label"])
    return {category: int(label) for category, label in labels.items()}


def command_evaluate(args) -> int:
    import numpy as np

    from detector.evaluation.metrics import metrics_by_subset
    from detector.training.corpora import read_jsonl
    from detector.training.model_card import metrics_markdown

    detector = _detector(args)
    rows = {category: [] for category in detector.categories}
    for record in read_jsonl(args.file):
        result = detector.score(record["text"], record.get("id"), return_spans=False)
        if result.supported:
            for category, label in record_labels(record).items():
                rows[category].append((result.category_scores[category], label,
                                       record.get("subset", "all documents"), result.thresholds[category]))
    tables = {category: metrics_by_subset(*map(np.array, zip(*found))) for category, found in rows.items() if found}
    if args.json:
        print(json.dumps(tables, indent=2))
    else:
        print("\n\n".join(f"## {category}\n\n{metrics_markdown(table)}" for category, table in tables.items()))
    return 0


def command_spin(args) -> int:
    from detector.documents import read_documents
    from detector.training.spinner import Spinner
    from detector.training.thesaurus import Thesaurus

    spinner = Spinner(Thesaurus.load(), rate=args.rate, policy=args.policy, seed=args.seed,
                      numeral_rate=args.numeral_rate, phrase_rate=args.phrase_rate)
    with _open_output(args.output) as output:
        for document in read_documents(args.paths):
            if document.error or not isinstance(document.text, str):
                print(f"spun-detector: skipped {document.id or document.line}: unusable input", file=sys.stderr)
                continue
            spun = spinner.spin(document.text)
            output.write(json.dumps({"id": document.id, "original": document.text, **spun.to_dict()},
                                    ensure_ascii=False) + "\n")
    return 0


def command_train(args) -> int:
    from detector.training.recipe import TrainingConfig, default_config, train

    config = default_config(args.data, args.output, seed=args.seed, max_articles=args.max_articles,
                            cache_dir=args.cache_dir, policies=tuple(args.policies or TrainingConfig.policies))
    folder = train(config)
    print(f"model written to {folder}; see {Path(folder) / 'MODEL_CARD.md'}")
    return 0


def command_serve(args) -> int:
    if args.dev:
        from service.app import create_app

        create_app().run(host=args.host, port=args.port)
        return 0
    from service.server import run_gunicorn

    return run_gunicorn(args.host, args.port, args.workers, args.timeout)


def command_index(args) -> int:
    from detector.batch import batches
    from detector.documents import read_documents
    from detector.reference import open_index
    from detector.reference.storage import IndexFormatError
    from detector.settings import Settings

    location = Settings.from_env(index=args.index).index
    if not location:
        print("spun-detector: no index given (--index PATH_OR_URL or SPUN_DETECTOR_INDEX)", file=sys.stderr)
        return EXIT_FATAL
    try:
        index = open_index(location)
    except IndexFormatError as exc:
        print(f"spun-detector: {exc}", file=sys.stderr)
        return EXIT_FATAL
    try:
        if args.action == "add":
            added = failed = 0
            for batch in batches(read_documents(args.targets), INDEX_BATCH):
                unusable = [{"id": d.key, "code": d.error[0], "message": d.error[1]} for d in batch if d.error]
                errors = unusable + index.add_many([(d.id, d.text) for d in batch if not d.error])
                for error in errors:
                    print(json.dumps(error), file=sys.stderr)
                added, failed = added + len(batch) - len(errors), failed + len(errors)
            print(f"indexed {added}, errors {failed}", file=sys.stderr)
        elif args.action == "remove":
            for document_id in args.targets:
                print(f"{document_id}: {'removed' if index.remove(document_id) else 'not found'}")
        elif args.action == "stats":
            print(json.dumps(index.stats()))
        else:
            for document in read_documents(args.targets):
                matches = index.query(document.text) if not document.error else []
                print(json.dumps({"id": document.key, "matches": [m.to_dict() for m in matches]}, ensure_ascii=False))
    finally:
        index.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spun-detector", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def model_options(sub):
        sub.add_argument("--model", help="model folder (default: the bundled model or SPUN_DETECTOR_MODEL_PATH)")
        sub.add_argument("--tortured-phrases", help="CSV of known tortured phrases (tortured_phrase, expected_phrase)")

    score = commands.add_parser("score", help="score .txt / .jsonl files or standard input")
    score.add_argument("paths", nargs="*")
    score.add_argument("--output", "-o")
    score.add_argument("--format", choices=("jsonl", "text"), default="jsonl")
    score.add_argument("--stdin-format", choices=("auto", "text", "jsonl"), default="auto")
    score.add_argument("--jobs", "-j", type=int, default=1, help="processes on this machine (model loaded once each)")
    score.add_argument("--resume", action="store_true", help="append to --output, skipping inputs already there")
    score.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    score.add_argument("--engine", choices=("local", "dask"), default="local")
    score.add_argument("--scheduler", help="Dask scheduler address (tcp://host:port); default: a LocalCluster")
    score.add_argument("--workers", type=int, default=2, help="LocalCluster workers for --engine dask")
    score.add_argument("--index", help="reference index (SQLite path or redis:// URL): adds 'matches' to results")
    model_options(score)
    score.set_defaults(run=command_score)

    evaluate = commands.add_parser("evaluate", help="metrics per attribute on a labelled JSONL file {id, text, "
                                   "label (spun_text) or labels {spun_text, machine_paraphrase}, subset?}")
    evaluate.add_argument("file")
    evaluate.add_argument("--json", action="store_true")
    model_options(evaluate)
    evaluate.set_defaults(run=command_evaluate)

    spin = commands.add_parser("spin", help="spin documents and write the ground truth as JSONL")
    spin.add_argument("paths", nargs="*")
    spin.add_argument("--rate", type=float, default=0.2)
    spin.add_argument("--policy", default="uniform", choices=POLICIES)
    spin.add_argument("--seed", type=int, default=0)
    spin.add_argument("--numeral-rate", type=float, default=0.5)
    spin.add_argument("--phrase-rate", type=float, default=0.5)
    spin.add_argument("--output", "-o")
    spin.set_defaults(run=command_spin)

    train = commands.add_parser("train", help="train a model from the shared corpora")
    train.add_argument("--data", default="../shared/data")
    train.add_argument("--output", default="models/spun-detector-v1")
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--max-articles", type=int, help="cap each split (quick experiments)")
    train.add_argument("--cache-dir", help="reuse the statistics and context model of an identical earlier run (experiments)")
    train.add_argument("--policies", nargs="+", choices=POLICIES,
                       help="spinner policies of the training spins (default: uniform first; frequency is kept "
                            "unseen for evaluation, adding it is a diagnostic)")
    train.set_defaults(run=command_train)

    index = commands.add_parser("index", help="reference index of originals: add, remove, stats, query")
    index.add_argument("action", choices=("add", "remove", "stats", "query"))
    index.add_argument("targets", nargs="*", help="files for add/query, ids for remove")
    index.add_argument("--index", help="SQLite path or redis:// URL (default: SPUN_DETECTOR_INDEX)")
    index.set_defaults(run=command_index)

    serve = commands.add_parser("serve", help="run the HTTP service (gunicorn; --dev for Flask's server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--timeout", type=int, default=60)
    serve.add_argument("--dev", action="store_true")
    serve.set_defaults(run=command_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
