"""``spun-detector``: score, train, evaluate and spin from the command line."""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

POLICIES = ("uniform", "frequency", "first")  # detector.training.spinner.POLICIES, spelled out to keep start-up light
SYNONYM_SOURCES = ("moby", "embedding", "tortured")  # detector.training.synonym_sources.SYNONYM_SOURCES, the same

EXIT_USER_ERROR = 2
DEFAULT_DATA = "../shared/data"
INDEX_BATCH = 500  # documents written to the index per transaction


class UserError(Exception):
    """A mistake in how the command was called or in its input: reported in one line."""


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes in one line on standard error, exit code 2 (``--help`` has the usage)."""

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _open_output(path: str | None, append: bool = False):
    """The output file, or standard output left open for the caller."""
    return open(path, "a" if append else "w", encoding="utf-8") if path else contextlib.nullcontext(sys.stdout)


def _settings(args, **overrides):
    from detector.settings import Settings

    values = {"model_path": args.model, "tortured_phrases": args.tortured_phrases, "index": getattr(args, "index", None)}
    return Settings.from_env(**{**values, **overrides})


def _detector(args):
    from detector.scoring import Detector

    return Detector.load(settings=_settings(args))


def format_text(result: dict, color: bool) -> str:
    """A result for a person at a terminal: score, verdict, the suspicious words and, with a
    reference index, the originals it matches with their swaps."""
    if "error" in result:
        return f"{result['id'] or result['source'] + ':' + str(result['line'])}: ERROR {result['error']['code']}: {result['error']['message']}"
    if not result["supported"]:
        return f"{result['id']}: not scored ({result['reason']})"
    verdict = ", ".join(name.upper() for name, flagged in result["categories"].items() if flagged) or "clean"
    scores = ", ".join(f"{name} {score:.3f} (threshold {result['thresholds'][name]:.3f})"
                       for name, score in result["category_scores"].items())
    mark = (lambda s: f"\033[1;31m{s}\033[0m") if color else (lambda s: f"[{s}]")
    lines = [f"{result['id']}: {verdict}: {scores}, {result['num_words']} words"]
    if result["signals"].get("too_short_to_tell"):
        lines.append("    too short to tell: one suspicious word does not flag a text under 100 words")
    if result["signals"].get("hidden_character_words"):
        lines.append(f"    {result['signals']['hidden_character_words']} words hold hidden characters or look-alike letters")
    if result.get("most_suspicious"):
        window = result["most_suspicious"]
        lines.append(f"    most suspicious passage: characters {window['begin']}-{window['end']}, score {window['score']:.3f}")
    for span in result["spans"][:15]:
        original = f" <- {span['likely_original']!r}" if span["likely_original"] else ""
        lines.append(f"    {mark(span['text'])}{original}  {span['kind']} {span['score']:.2f}")
    for match in result.get("matches") or []:
        lines.append(f"    {match['kind']} from {match['source_id']}: {match['coverage']:.0%} of this text, "
                     f"{match['source_coverage']:.0%} of the source, {len(match['passages'])} aligned sentences")
        lines += [f"        {mark(s['replacement'])} <- {s['original']!r}" for s in match["substitutions"][:15]]
    return "\n".join(lines)


def command_score(args) -> int:
    from tqdm import tqdm

    from detector.batch import Summary, cached_detector, not_yet_written, score_stream
    from detector.documents import expand_paths, read_documents

    settings = _settings(args)
    if args.engine == "dask":
        if not args.paths or not args.output:
            raise UserError("--engine dask needs input files and an --output folder")
        from detector.distributed import run_dask

        cached_detector(settings)  # fail fast, before any output, when the model cannot be loaded
        print(run_dask(args.paths, settings, args.output, args.scheduler, args.workers, args.blocksize), file=sys.stderr)
        return 0
    paths = expand_paths(args.paths)  # a missing file or a directory fails before the model loads
    cached_detector(settings)
    summary = Summary()
    documents = read_documents(paths, args.stdin_format)
    if args.resume and args.output:
        documents = not_yet_written(documents, Path(args.output), summary)
    quiet = args.quiet or not sys.stderr.isatty()
    with _open_output(args.output, append=args.resume) as output, \
            tqdm(desc="scoring", unit=" docs", disable=quiet, mininterval=1) as progress:
        color = output.isatty()
        for record in score_stream(documents, settings, args.jobs):
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


def labeled_records(path: str) -> list[dict]:
    """The records of a labeled JSONL file as {text, labels, subset}; ``UserError`` names a bad line."""
    from detector.documents import expand_paths
    from detector.inputs import DocumentError, check_text
    from detector.settings import Settings

    max_chars, records = Settings.from_env().max_document_chars, []
    with open(expand_paths([path])[0], "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError("each line must be an object with 'text' and 'labels' (or 'label')")
                check_text(record.get("text"), max_chars)
                records.append({"text": record["text"], "labels": record_labels(record),
                                "subset": record.get("subset", "all documents")})
            except (ValueError, TypeError, RecursionError, DocumentError) as exc:
                raise UserError(f"{path}:{number}: {getattr(exc, 'msg', exc)}") from None
    return records


def command_evaluate(args) -> int:
    from detector.evaluation.comparison import compare_models
    from detector.scoring import Detector
    from detector.training.model_card import comparison_markdown

    records = labeled_records(args.file)
    paths = args.model or [None]
    models = {path or "bundled": Detector.load(settings=_settings(args, model_path=path)) for path in paths}
    table = compare_models(models, records, [], seed=0, worse_by=0.005)
    if args.json:
        print(json.dumps(table if len(models) > 1 else table["labeled"][next(iter(models))], indent=2))
        return 0
    print(comparison_markdown(table["labeled"]))
    if len(models) > 1:
        print("\n".join(f"worse: {line}" for line in table["worse"]) or "the last model is nowhere worse than the first")
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
    if args.add_rewriters:
        return command_add_rewriters(args)
    if args.retrain_spun_text:
        return command_retrain_spun_text(args)
    if args.base:
        return command_refit(args)
    if args.labeled or args.clean:
        raise UserError("--labeled and --clean refit a model: give the model to start from with --from MODEL")
    from detector.training.recipe import train

    folder = train(_recipe(args, cache_dir=args.cache_dir))
    print(f"model written to {folder}; see {Path(folder) / 'MODEL_CARD.md'}")
    return 0


def _recipe(args, **overrides):
    """The bundled recipe on --data with the spinner options given; a recipe that cannot run (the
    tortured source without its list in --data) is a user error, said before any training."""
    from detector.training.recipe import TrainingConfig, default_config

    try:
        return default_config(args.data or DEFAULT_DATA, args.output, seed=args.seed, max_articles=args.max_articles,
                              policies=tuple(args.policies or TrainingConfig.policies),
                              synonym_sources=tuple(args.synonym_sources or TrainingConfig.synonym_sources), **overrides)
    except ValueError as exc:
        raise UserError(f"{exc} (in {args.data or DEFAULT_DATA})") from None


def command_add_rewriters(args) -> int:
    """Train the machine_paraphrase attribute's other kinds of rewriter on --data and add them to --from."""
    from detector.training.recipe import add_rewriter_kinds, default_config

    if not args.base or args.labeled or args.clean:
        raise UserError("--add-rewriters takes the model to add them to (--from MODEL) and the shared data (--data), "
                        "not --labeled or --clean")
    if Path(args.output).resolve() == Path(args.base).resolve():
        raise UserError("--output must differ from --from: the new model is written next to its base")
    config = default_config(args.data or DEFAULT_DATA, args.output, seed=args.seed,
                            **({"version": args.version} if args.version else {}))
    if not config.rewrites:
        raise UserError(f"--add-rewriters needs a paraphrase_llm/ folder in {args.data or DEFAULT_DATA}")
    folder = add_rewriter_kinds(args.base, config)
    print(f"model written to {folder}; see {Path(folder) / 'MODEL_CARD.md'}")
    return 0


def command_retrain_spun_text(args) -> int:
    """Train --from's spun_text attribute again on --data with the spinner's --synonym-sources."""
    from detector.training.recipe import retrain_spun_text

    if not args.base or args.labeled or args.clean or args.add_rewriters:
        raise UserError("--retrain-spun-text takes the model to start from (--from MODEL) and the shared data (--data), "
                        "not --labeled, --clean or --add-rewriters")
    if Path(args.output).resolve() == Path(args.base).resolve():
        raise UserError("--output must differ from --from: the new model is written next to its base")
    folder = retrain_spun_text(args.base, _recipe(args, **({"version": args.version} if args.version else {})))
    print(f"model written to {folder}; see {Path(folder) / 'MODEL_CARD.md'}")
    return 0


def command_refit(args) -> int:
    from detector.training.refit import RefitConfig, refit
    from detector.training.user_data import TrainingDataError

    if Path(args.output).resolve() == Path(args.base).resolve():
        raise UserError("--output must differ from --from: a refit writes a new model next to its base")
    config = RefitConfig(base=args.base, output=args.output, labeled=args.labeled or [], clean=args.clean or [],
                         data=args.data, seed=args.seed, version=args.version,
                         command=" ".join(["spun-detector"] + sys.argv[1:]))
    try:
        folder = refit(config)
    except TrainingDataError as exc:
        raise UserError(str(exc)) from None
    card = Path(folder) / "MODEL_CARD.md"
    worse = json.loads((Path(folder) / "manifest.json").read_text())["refit"]["before_after"]["worse"]
    for line in worse:
        print(f"spun-detector: WORSE than the base: {line}", file=sys.stderr)
    print(f"model written to {folder}; before and after: {card}")
    return 0


def command_serve(args) -> int:
    if args.dev:
        from service.app import create_app

        create_app().run(host=args.host, port=args.port)
        return 0
    from service.server import run_gunicorn

    return run_gunicorn(args.host, args.port, args.workers, args.threads, args.timeout)


def command_index(args) -> int:
    from detector.settings import Settings

    location = Settings.from_env(index=args.index).index
    if not location:
        raise UserError("no index given (--index PATH_OR_URL or SPUN_DETECTOR_INDEX)")
    from detector.documents import expand_paths
    from detector.reference import open_index

    targets = expand_paths(args.targets) if args.action in ("add", "query") else args.targets
    index = open_index(location, create=args.action == "add")
    try:
        if args.action == "add":
            index_add(index, targets, args.jobs)
        else:
            INDEX_ACTIONS[args.action](index, targets)
    finally:
        index.close()
    return 0


def index_add(index, paths: list[str], jobs: int = 1) -> None:
    """Adds the documents in batches of ``INDEX_BATCH``; ``jobs`` processes compute their entries."""
    from detector.batch import batches
    from detector.documents import read_documents
    from detector.reference.index import entry_pool

    added = failed = 0
    with entry_pool(jobs) if jobs > 1 else contextlib.nullcontext() as pool:
        for batch in batches(read_documents(paths), INDEX_BATCH):
            unusable = [{"id": d.id, "source": d.source, "line": d.line, "code": d.error[0], "message": d.error[1]}
                        for d in batch if d.error]
            usable = [d for d in batch if not d.error]
            errors = unusable + [{"id": error["id"], "source": usable[error["index"]].source,
                                  "line": usable[error["index"]].line, "code": error["code"], "message": error["message"]}
                                 for error in index.add_many([(d.id, d.text) for d in usable], pool)]
            for error in errors:
                print(json.dumps(error, ensure_ascii=False), file=sys.stderr)
            added, failed = added + len(batch) - len(errors), failed + len(errors)
    print(f"indexed {added}, errors {failed}", file=sys.stderr)


def index_remove(index, ids: list[str]) -> None:
    for document_id in ids:
        print(f"{document_id}: {'removed' if index.remove(document_id) else 'not found'}")


def index_stats(index, _targets: list[str]) -> None:
    print(json.dumps(index.stats()))


def index_query(index, paths: list[str]) -> None:
    from detector.documents import read_documents
    from detector.inputs import DocumentError

    for document in read_documents(paths):
        place = {"id": document.id, "source": document.source, "line": document.line}
        try:
            if document.error:
                raise DocumentError(*document.error)
            record = {**place, "matches": [m.to_dict() for m in index.query(document.text)]}
        except DocumentError as exc:
            record = {**place, "error": {"code": exc.code, "message": str(exc)}}
        print(json.dumps(record, ensure_ascii=False))


INDEX_ACTIONS = {"remove": index_remove, "stats": index_stats, "query": index_query}  # and add, with --jobs


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="spun-detector", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

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
    score.add_argument("--blocksize", help="--engine dask: bytes per block of JSONL lines, e.g. 8MB (default: about "
                                           "4 blocks per worker thread, 64 KiB to 8 MiB)")
    score.add_argument("--index", help="reference index (SQLite path or redis:// URL): adds 'matches' to results")
    model_options(score)
    score.set_defaults(run=command_score)

    evaluate = commands.add_parser("evaluate", help="metrics per attribute on a labelled JSONL file {id, text, "
                                   "label (spun_text) or labels {spun_text, machine_paraphrase}, subset?}")
    evaluate.add_argument("file")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--model", action="append", help="a model folder; give it twice to compare two models")
    evaluate.add_argument("--tortured-phrases", help="CSV of known tortured phrases instead of the model's own")
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

    train = commands.add_parser("train", help="train a model from the shared corpora, or refit one on your data")
    train.add_argument("--data", help=f"the shared data folder (default {DEFAULT_DATA}; with --from: optional, adds "
                                      "anchors and the project's benchmarks)")
    train.add_argument("--from", dest="base", metavar="MODEL", help="refit this model on --labeled / --clean data")
    train.add_argument("--labeled", nargs="+", metavar="PATH", help="JSONL {id, text, labels: {spun_text?, "
                                                                    "machine_paraphrase?}}: e.g. moderators' decisions")
    train.add_argument("--clean", nargs="+", metavar="PATH", help="your own clean text: .txt files, folders, JSONL")
    train.add_argument("--add-rewriters", action="store_true",
                       help="with --from and --data: train machine_paraphrase's LLM and paraphrasing-tool kinds and "
                            "add them to MODEL, keeping everything else byte for byte")
    train.add_argument("--retrain-spun-text", action="store_true",
                       help="with --from and --data: train spun_text again (candidates, token model, classifier) with "
                            "--synonym-sources, keeping the statistics, context model and machine_paraphrase")
    train.add_argument("--synonym-sources", nargs="+", choices=SYNONYM_SOURCES,
                       help="vocabularies of the training spinner and of the candidate originals (default: moby)")
    train.add_argument("--version", help="the new model's version (refit default: the base's +refit.<time>; "
                                         "--add-rewriters and --retrain-spun-text default: the recipe's)")
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
    index.add_argument("--jobs", "-j", type=int, default=1, help="add: processes computing the entries")
    index.set_defaults(run=command_index)

    serve = commands.add_parser("serve", help="run the HTTP service (gunicorn; --dev for Flask's server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="processes (they share the model's memory)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker: a slow client holds one")
    serve.add_argument("--timeout", type=int, default=60)
    serve.add_argument("--dev", action="store_true")
    serve.set_defaults(run=command_serve)
    return parser


def user_errors() -> tuple[type[Exception], ...]:
    """What a user can get wrong: the model, the settings, an index, an input or output file."""
    from detector.artifact import ArtifactError
    from detector.batch import ResumeError
    from detector.documents import InputError
    from detector.reference.storage import ReferenceIndexError
    from detector.settings import SettingsError

    return UserError, ArtifactError, ResumeError, InputError, ReferenceIndexError, SettingsError, OSError


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except user_errors() as exc:
        print(f"spun-detector: {one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR


def one_line(exc: Exception) -> str:
    """An exception's message on one line; file errors name the file."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return " ".join(str(exc).split())


if __name__ == "__main__":
    sys.exit(main())
