"""Reference-index benchmark.

Retrieval: is the true source the first match of spun copies (10 / 30 / 50% spun), paraphrases
(WMT21 machine translations against the human reference, ChatGPT "polish" rewrites of ACL
abstracts, QuillBot rewrites of ChatGPT answers) and partial copies (a third of an article,
copied or spun, inside other text; and the reverse, a full spun article against an indexed
third)? False matches: clean AllSides articles that are not indexed, and independent reports of
one event (AllSides articles of one day and topic from other outlets, alike by TF-IDF but sharing
no 10-word run outside quotation marks) whose sibling is indexed. Some QuillBot rewrites are filed
under another answer to the same question than the one they were made from: those with a doubtful
label (``detector.evaluation.source_labels``) are also left out in a second figure. Substitution pairs against the
spinner's ground truth; plain word-5-gram MinHash LSH (datasketch defaults) on the spun queries for
comparison. Then insert rate, bytes per document and query latency at 100,000 documents for the
SQLite and Redis backends.

    python benchmarks/reference_index.py --data ../shared/data [--redis redis://127.0.0.1:6379/14]
    python benchmarks/reference_index.py --data ../shared/data --queries 50 --pairs 100 --partial 50 \
        --independent 100 --clean 300 --scale 0          # a quick run while developing
    python benchmarks/reference_index.py --data ../shared/data --scale-only --workers 2 \
        --output benchmarks/results/reference_index_inserts.json   # inserts and latency only
    python benchmarks/reference_index.py --data ../shared/data --scale-only --workers 2 \
        --entries /tmp/entries.pickle --backends sqlite            # two storage versions, back to back
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import itertools
import json
import lzma
import pickle
import random
import re
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import redis
from datasketch import MinHash, MinHashLSH
from sklearn.feature_extraction.text import TfidfVectorizer
from tqdm import tqdm

from detector.evaluation.reports import write_report
from detector.evaluation.source_labels import doubtful_labels
from detector.normalization import reader_view
from detector.reference.index import LEXICAL_CANDIDATES, LEXICAL_RATIO, ReferenceIndex, entry
from detector.reference.matching import prepare
from detector.reference.redis_storage import RedisStorage
from detector.reference.sentences import quotations, sentences
from detector.reference.sqlite_storage import SQLiteStorage
from detector.text import tokenize
from detector.training.corpora import read_articles
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

RATES = (0.10, 0.30, 0.50)
MIN_PARTIAL_SENTENCES = 12  # a third of the article is then 4 sentences or more
EVENT_SIMILARITY = 0.3  # TF-IDF cosine of two articles of one day and topic taken for one event
SHARED_RUN = 10  # words: a run this long, outside quotation marks, in both articles is a copy


def word_shingles(text: str) -> set[bytes]:
    words = text.lower().split()
    return {" ".join(words[k:k + 5]).encode() for k in range(max(1, len(words) - 4))}


def plain_minhash(text: str) -> MinHash:
    signature = MinHash(num_perm=128)
    signature.update_batch(list(word_shingles(text)))
    return signature


def found_first(matches, source_id):
    """The true source's match when it ranks first. The corpora hold exact and near duplicate
    texts, so a source tied with the top copy score also ranks first."""
    top = matches[0].copy_score if matches else None
    return next((m for m in matches if m.source_id == source_id and m.copy_score == top), None)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def pair_scores(changes, substitutions) -> tuple[int, int, int]:
    """(correct substitutions, substitutions reported, true changes found)."""
    correct = sum(1 for s in substitutions if any(
        overlaps((s.begin, s.end), (c.begin, c.end))
        and overlaps((s.source_begin, s.source_end), (c.original_begin, c.original_end)) for c in changes))
    found = sum(1 for c in changes if any(overlaps((s.begin, s.end), (c.begin, c.end)) for s in substitutions))
    return correct, len(substitutions), found


# --- data ---------------------------------------------------------------------------------------

def read_jsonl(path: Path) -> list[dict]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def paraphrase_sets(data: Path, rng: random.Random, limit: int) -> tuple[dict, dict]:
    """Originals to index ({id: text}) and query sets ({name: [(text, source id)]})."""
    originals, queries = {}, {}
    hppt = read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl")
    originals.update({f"hppt:{r['pair_id']}": r["text"] for r in hppt if r["label"] == "human"})
    queries["chatgpt_polish"] = [(r["text"], f"hppt:{r['pair_id']}") for r in hppt if r["label"] != "human"]
    quillbot = read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
    originals.update({_short_id("qb", r["pair_id"]): r["text"] for r in quillbot if r["label"] == "machine_generated"})
    queries["quillbot"] = [(r["text"], _short_id("qb", r["pair_id"])) for r in quillbot
                           if r["label"] == "machine_paraphrase"]
    queries["wmt21_machine_translation"] = []
    for path in sorted((data / "mt").glob("wmt21_*.docs.jsonl")):
        for record in read_jsonl(path):
            source_id = f"wmt21:{record['pair']}:{record['docid']}"
            originals[source_id] = " ".join(record["refs"]["A"])
            queries["wmt21_machine_translation"] += [(" ".join(h), source_id) for h in record["hyps"].values()]
    return originals, {name: _sample(pairs, limit, rng) for name, pairs in queries.items()}


def doubtful_quillbot_labels(data: Path) -> set[str]:
    """QuillBot rewrites filed under another ChatGPT answer to the same question than the one they
    were made from, by two judges independent of the index (``source_labels``)."""
    records = read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
    sources = {r["pair_id"]: r["text"] for r in records if r["label"] == "machine_generated"}
    rewrites = [(r["text"], r["pair_id"]) for r in records if r["label"] == "machine_paraphrase"]
    return doubtful_labels(rewrites, sources, group=lambda pair_id: pair_id.rsplit("-", 1)[0])


def _short_id(prefix: str, pair_id: str) -> str:
    """An id the index accepts (at most 256 characters): some QuillBot pair ids hold a whole question."""
    return f"{prefix}:{hashlib.sha1(pair_id.encode()).hexdigest()[:16]}"


def _sample(items: list, limit: int, rng: random.Random) -> list:
    return items if limit <= 0 or len(items) <= limit else rng.sample(items, limit)


def word_runs(text: str, unquoted: bool) -> set[tuple[str, ...]]:
    """Word runs of ``SHARED_RUN``, outside quotation marks when ``unquoted``."""
    if unquoted:
        spans = quotations(text)
        text = "".join(text[end:begin] for (_, end), (begin, _) in zip([(0, 0)] + spans, spans + [(len(text), 0)]))
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[k:k + SHARED_RUN]) for k in range(len(words) - SHARED_RUN + 1)}


def copied(a: str, b: str) -> bool:
    """Whether two articles share a ``SHARED_RUN``-word run that at least one of them does not quote:
    a wire story, a post or a site's boilerplate that both copied."""
    return bool(word_runs(a, True) & word_runs(b, False) or word_runs(a, False) & word_runs(b, True))


def independent_reports(allsides: list[dict], limit: int, rng: random.Random) -> list[tuple[dict, dict]]:
    """(indexed, query) pairs: one day, one topic, other outlets, TF-IDF cosine at least
    ``EVENT_SIMILARITY``, and nothing ``copied`` between them. Each article in one pair at most."""
    dated = [a for a in allsides if a["date"]]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(a["text"] for a in dated)
    groups = defaultdict(list)
    for k, article in enumerate(dated):
        groups[(article["date"], article["topic"])].append(k)
    candidates = []
    for members in groups.values():
        if len(members) > 1:
            similarity = (vectors[members] @ vectors[members].T).toarray()
            candidates += [(similarity[i, j], members[i], members[j]) for i, j in
                           itertools.combinations(range(len(members)), 2)
                           if similarity[i, j] >= EVENT_SIMILARITY and dated[members[i]]["outlet"] != dated[members[j]]["outlet"]]
    pairs, used = [], set()
    for _, i, j in sorted(candidates, reverse=True):
        if i in used or j in used or copied(dated[i]["text"], dated[j]["text"]):
            continue
        used |= {i, j}
        pairs.append((dated[i], dated[j]))
    return _sample(pairs, limit, rng)


def third(text: str, rng: random.Random) -> str:
    """A third of the text's sentences, in one piece."""
    found = sentences(text, tokenize(text))
    size = len(found) // 3
    start = rng.randrange(len(found) - size + 1)
    return text[found[start].begin:found[start + size - 1].end]


def inside(part: str, other: str) -> str:
    """``part`` as paragraphs in the middle of sentences of ``other`` twice its length (a third of
    the article is then a third of the query too)."""
    found = sentences(other, tokenize(other))
    words, kept = len(part.split()), 0
    while kept < len(found) and len(other[found[0].begin:found[kept].end].split()) < 2 * words:
        kept += 1
    half = found[kept // 2].begin if kept // 2 < len(found) else len(other)
    end = found[min(kept, len(found) - 1)].end if found else len(other)
    return f"{other[found[0].begin if found else 0:half].rstrip()}\n\n{part}\n\n{other[half:end]}"


def long_enough(text: str) -> bool:
    return len(sentences(text, tokenize(text))) >= MIN_PARTIAL_SENTENCES


# --- measurements -------------------------------------------------------------------------------

def where_lost(index: ReferenceIndex, text: str, source_id: str) -> str:
    """Why a query's source is not first: ``ranked_lower`` (matched, but another source scores
    higher), ``not_accepted`` (a candidate that the alignment did not accept), or
    ``not_a_candidate`` (neither stage proposed it), with its BM25 rank then (``bm25_rank_N``, 1
    first; ``bm25_beyond_100``)."""
    if any(match.source_id == source_id for match in index.query(text, limit=50)):
        return "ranked_lower"
    query = prepare(reader_view(text).text)
    ranked = index.storage.search(index.search_terms(query.tokens, query.immutable), 100)
    rank = next((k for k, (found, _) in enumerate(ranked) if found == source_id), None)
    lexical = rank is not None and rank < LEXICAL_CANDIDATES and ranked[rank][1] >= LEXICAL_RATIO * ranked[0][1]
    if lexical or source_id in index._fingerprinted(query.immutable):
        return "not_accepted"
    return "not_a_candidate, " + (f"bm25_rank_{rank + 1}" if rank is not None else "bm25_beyond_100")


def rate_found(index: ReferenceIndex, pairs: list[tuple[str, str]], desc: str, doubtful: set[str] = frozenset()) -> dict:
    """Share of queries whose source ranks first; which kind it was reported as; where the others
    were lost (``where_lost``). ``doubtful``: queries whose labelled source is doubtful
    (``source_labels``), also left out in a second figure."""
    found, kinds, confirmed, lost, missed = 0, Counter(), [0, 0], Counter(), []
    for text, source_id in tqdm(pairs, desc=desc):
        matches = index.query(text)
        first = found_first(matches, source_id)
        found += first is not None
        kinds[first.kind if first else "not found"] += 1
        if first is None:
            reason = where_lost(index, text, source_id)
            lost[reason.split(",")[0]] += 1
            missed.append([source_id, reason, matches[0].source_id if matches else None, text in doubtful])
        if text not in doubtful:
            confirmed = [confirmed[0] + (first is not None), confirmed[1] + 1]
    report = {"queries": len(pairs), "found_first": round(found / max(1, len(pairs)), 4), "kinds": dict(kinds),
              "where_lost": dict(sorted(lost.items())),
              "missed": missed}  # [source, where lost, first match, doubtful label]
    if doubtful:
        report |= {"doubtful_labels_left_out": len(pairs) - confirmed[1],
                   "found_first_labels_confirmed": round(confirmed[0] / max(1, confirmed[1]), 4)}
    return report


def spun_retrieval(index, baseline, sample, thesaurus, rng) -> tuple[dict, dict]:
    retrieval, pairs = {}, [0, 0, 0, 0]
    for rate in RATES:
        ours = plain = 0
        for article in tqdm(sample, desc=f"spun {rate:.0%}"):
            spun = Spinner(thesaurus, rate=rate, seed=rng.randrange(1 << 30)).spin(article.text)
            first = found_first(index.query(spun.text), article.id)
            ours += first is not None
            plain += article.id in baseline.query(plain_minhash(spun.text))
            if first is not None:
                correct, reported, found = pair_scores(spun.changes, first.substitutions)
                pairs = [pairs[0] + correct, pairs[1] + reported, pairs[2] + found, pairs[3] + len(spun.changes)]
        retrieval[f"{rate:.0%}"] = {"found_first": ours / len(sample), "word5_minhash_lsh": plain / len(sample)}
    return retrieval, {"precision": pairs[0] / max(1, pairs[1]), "recall": pairs[2] / max(1, pairs[3])}


def partial_copies(news, others, count, thesaurus, rng) -> dict[str, list[tuple[str, str]]]:
    """A third of an indexed article, copied and spun 30%, in the middle of a non-indexed article."""
    chosen = rng.sample([a for a in news if long_enough(a.text)], count)
    copied, spun = [], []
    for article in chosen:
        part, other = third(article.text, rng), rng.choice(others)
        copied.append((inside(part, other), article.id))
        spun.append((inside(Spinner(thesaurus, rate=0.3, seed=rng.randrange(1 << 30)).spin(part).text, other),
                     article.id))
    return {"copied_third_inside_other_text": copied, "spun_third_inside_other_text": spun}


def excerpts_indexed(articles: list[dict], thesaurus, rng) -> tuple[dict, list[tuple[str, str]]]:
    """The reverse: a third of each article indexed on its own, the whole article spun 30% as the
    query (only the excerpt is in the index)."""
    indexed, queries = {}, []
    for k, article in enumerate(articles):
        indexed[f"excerpt:{k}"] = third(article["text"], rng)
        queries.append((Spinner(thesaurus, rate=0.3, seed=rng.randrange(1 << 30)).spin(article["text"]).text,
                        f"excerpt:{k}"))
    return indexed, queries


def false_matches(index, articles: list[dict], desc: str) -> dict:
    """Articles (not indexed) that match anything, with what they match, for a reader to check. A
    match is false unless the two texts share a ``SHARED_RUN``-word run (``copied``): AllSides
    holds wire stories and photo-gallery captions that several articles carry word for word."""
    matched, false = [], 0
    for article in tqdm(articles, desc=desc):
        for match in index.query(article["text"])[:1]:
            shared = copied(article["text"], index.storage.text(match.source_id))
            matched.append([article["id"], match.source_id, match.kind, "shares copied text" if shared else "false"])
            false += not shared
    return {"documents": len(articles), "no_match": round(1 - len(matched) / max(1, len(articles)), 4),
            "false_matches": false, "matched": matched}


def independent_matches(index, pairs: list[tuple[dict, dict]]) -> dict:
    """``false_matches`` of the queries (the second of each pair), and how many match their sibling."""
    report = false_matches(index, [query for _, query in pairs], "independent reports")
    siblings = {query["id"]: indexed["id"] for indexed, query in pairs}
    return {**report, "matched_sibling": sum(1 for row in report["matched"] if siblings[row[0]] == row[1])}


# --- the run ------------------------------------------------------------------------------------

def build_pool(data: Path, args, rng) -> dict:
    """Everything the retrieval part indexes and queries."""
    news = [a for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)]
    allsides = read_jsonl(data / "corpus" / "news_allsides.jsonl.xz")
    events = independent_reports(allsides, args.independent, rng)
    taken = {a["id"] for pair in events for a in pair}
    rest = [a for a in allsides if a["id"] not in taken]
    rng.shuffle(rest)
    clean, others, whole = rest[:args.clean], rest[args.clean:args.clean + 2000], rest[args.clean + 2000:]
    originals, paraphrases = paraphrase_sets(data, rng, args.pairs)
    return {"news": news, "events": events, "clean": clean,
            "others": [a["text"] for a in others], "whole": [a for a in whole if long_enough(a["text"])][:args.partial],
            "originals": originals, "paraphrases": paraphrases}


def index_pool(index: ReferenceIndex, documents: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for start in tqdm(range(0, len(documents), 500), desc="index"):
        index.add_many(documents[start:start + 500])
    return round(len(documents) / (time.perf_counter() - started), 1)


def retrieval_report(data: Path, args, folder: Path, rng, thesaurus) -> tuple[dict, list]:
    pool = build_pool(data, args, rng)
    excerpts, excerpt_queries = excerpts_indexed(pool["whole"], thesaurus, rng)
    documents = ([(a.id, a.text) for a in pool["news"]] + list(pool["originals"].items())
                 + [(a["id"], a["text"]) for a, _ in pool["events"]] + list(excerpts.items()))
    index = ReferenceIndex(SQLiteStorage(folder / "pool.db"))
    report = {"indexed": len(documents), "insert_docs_per_second_with_fingerprints": index_pool(index, documents)}
    baseline = MinHashLSH(threshold=0.9, num_perm=128)
    for article in tqdm(pool["news"], desc="baseline index"):
        baseline.insert(article.id, plain_minhash(article.text))
    sample = rng.sample(pool["news"], args.queries)
    report["spun"], report["substitution_pairs"] = spun_retrieval(index, baseline, sample, thesaurus, rng)
    doubtful = {"quillbot": doubtful_quillbot_labels(data)}
    report["paraphrases"] = {name: rate_found(index, pairs, name, doubtful.get(name, frozenset()))
                             for name, pairs in pool["paraphrases"].items()}
    partial = partial_copies(pool["news"], pool["others"], args.partial, thesaurus, rng)
    partial["spun_article_against_indexed_third"] = excerpt_queries
    report["partial_copies"] = {name: rate_found(index, pairs, name) for name, pairs in partial.items()}
    report["clean_not_indexed"] = false_matches(index, pool["clean"], "clean")
    report["independent_reports"] = independent_matches(index, pool["events"])
    mixed = ([t for t, _ in itertools.chain(*pool["paraphrases"].values())][:200]
             + [t for t, _ in itertools.chain(*partial.values())][:100])
    index.close()
    return report, mixed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--queries", type=int, default=500, help="spun queries per rate")
    parser.add_argument("--pairs", type=int, default=0, help="paraphrase pairs per set (0: all)")
    parser.add_argument("--partial", type=int, default=500, help="partial copies of each kind")
    parser.add_argument("--independent", type=int, default=1000, help="independent-report pairs")
    parser.add_argument("--clean", type=int, default=3000)
    parser.add_argument("--scale", type=int, default=100_000, help="documents for the latency part (0: skip it)")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the part at --scale documents; its paraphrase and partial-copy queries are "
                             "made without the retrieval part, so its latencies are not those of a full run")
    parser.add_argument("--workers", type=int, default=1, help="processes computing the entries at scale")
    parser.add_argument("--end-to-end", type=int, default=5000,
                        help="documents then added on top of --scale, entries computed as they are stored")
    parser.add_argument("--entries", type=Path,
                        help="pickle of the --scale documents' entries: read when it exists, else written, so "
                             "that runs of two storage versions (whose entries are the same) compute them once")
    parser.add_argument("--backends", default="sqlite,redis", help="backends measured at scale")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--output", default="benchmarks/results/reference_index.json")
    args = parser.parse_args()
    data, rng, thesaurus = Path(args.data), random.Random(7), Thesaurus.load()
    scratch = tempfile.TemporaryDirectory(prefix="spun-detector-benchmark-")  # removed at exit, even on errors
    if args.scale_only:
        report, mixed = {}, scale_only_queries(data, rng, thesaurus)
    else:
        report, mixed = retrieval_report(data, args, Path(scratch.name), rng, thesaurus)
    if args.scale:
        news = [a for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)]
        spun = [Spinner(thesaurus, rate=0.3, seed=rng.randrange(1 << 30)).spin(a.text).text
                for a in rng.sample(news, 200)]
        report["scale"] = scale_benchmark(data, news, args, Path(scratch.name), spun + mixed)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


def scale_only_queries(data: Path, rng, thesaurus) -> list[str]:
    """200 paraphrases and 100 partial copies as ``retrieval_report`` makes them (its ``mixed``),
    from a pool without the retrieval part's independent reports."""
    news = [a for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)]
    others = [a["text"] for a in read_jsonl(data / "corpus" / "news_allsides.jsonl.xz")[:2000]]
    _, paraphrases = paraphrase_sets(data, rng, 200)
    partial = partial_copies(news, others, 50, thesaurus, rng)
    return ([t for t, _ in itertools.chain(*paraphrases.values())][:200]
            + [t for t, _ in itertools.chain(*partial.values())][:100])


def scale_documents(data: Path, news, size: int) -> list[tuple[str, str]]:
    documents = [(a.id, a.text) for a in news][:size]
    for name in ("news_allsides", "enwiki2014_part", "enwiki2021"):
        with lzma.open(data / "corpus" / f"{name}.jsonl.xz", "rt") as handle:
            for line in handle:
                if len(documents) >= size:
                    return documents
                record = json.loads(line)
                documents.append((f"{name}:{record['id']}", record["text"]))
    return documents


def scale_benchmark(data, news, args, folder, queries) -> dict:
    """Insert ``args.scale`` documents (news, then other corpora) into each backend, their entries
    computed beforehand by ``args.workers`` processes (storage only); time queries (spun copies,
    paraphrases and partial copies); then add ``args.end_to_end`` more, entries computed as they
    are stored."""
    documents = scale_documents(data, news, args.scale + args.end_to_end)
    documents, more = documents[:args.scale], documents[args.scale:]
    with entry_processes(args.workers) as pool:
        started = time.perf_counter()
        keyed = cached_entries(args.entries, documents, pool)
        results = {"documents": len(keyed), "queries": len(queries), "entry_processes": args.workers}
        if args.entries:
            results["entries_file"] = str(args.entries)
        else:
            results["entries_per_second"] = round(len(keyed) / (time.perf_counter() - started), 1)
        # Freeze the entries of all the documents, held here as no bulk load holds them: the collector
        # would otherwise walk them again and again while the storage is timed.
        gc.collect()
        gc.freeze()
        measured = args.backends.split(",")
        backends = {"sqlite": lambda: SQLiteStorage(folder / "scale.db")} if "sqlite" in measured else {}
        try:  # empty the benchmark's database first, whatever format an interrupted run left there
            if "redis" in measured:
                redis.Redis.from_url(args.redis, socket_timeout=300).flushdb()
                backends["redis"] = lambda: RedisStorage(args.redis)
        except redis.RedisError as exc:  # report, do not fail, when no server runs
            results["redis"] = {"skipped": str(exc)}
        for name, make in backends.items():
            results[name] = backend_figures(make(), keyed, queries, name, (more, pool))
    return results


def entry_processes(workers: int):
    """A pool of ``workers`` processes computing entries, or none for one process (which also runs
    against versions of the index before the pool, to measure them)."""
    if workers <= 1:
        return contextlib.nullcontext()
    from detector.reference.index import entry_pool as pool

    return pool(workers)


def cached_entries(path: Path | None, documents: list[tuple[str, str]], pool) -> list:
    """``entries_of`` the documents, or those ``path`` holds when it holds the same documents' entries."""
    if path is not None and path.exists():
        with path.open("rb") as handle:
            keyed = pickle.load(handle)
        if [e.id for e in keyed] != [i for i, _ in documents] or any(e.text != t for e, (_, t) in zip(keyed, documents)):
            raise SystemExit(f"{path} holds the entries of other documents: remove it")
        return keyed
    keyed = entries_of(documents, pool)
    if path is not None:
        with path.open("wb") as handle:
            pickle.dump(keyed, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return keyed


def entries_of(documents: list[tuple[str, str]], pool) -> list:
    if pool is None:
        return [entry(i, t) for i, t in tqdm(documents, desc="fingerprints and terms")]
    from detector.reference.index import entries

    return [e for start in tqdm(range(0, len(documents), 1000), desc="fingerprints and terms")
            for e in entries(documents[start:start + 1000], pool)]


def backend_figures(storage, keyed, queries, name, end_to_end) -> dict:
    started = time.perf_counter()
    for start in tqdm(range(0, len(keyed), 1000), desc=f"insert {name}"):
        storage.add_many(keyed[start:start + 1000])
    insert_rate = len(keyed) / (time.perf_counter() - started)
    index = ReferenceIndex(storage)
    latencies = []
    for text in tqdm(queries, desc=f"queries {name}"):
        begin = time.perf_counter()
        index.query(text)
        latencies.append((time.perf_counter() - begin) * 1000)
    latencies.sort()
    stats = storage.stats()
    figures = {"insert_docs_per_second": round(insert_rate, 1),
               "bytes_per_document": round(stats["bytes"] / stats["documents"]),
               "query_ms_p50": round(statistics.median(latencies), 2),
               "query_ms_p99": round(latencies[int(0.99 * (len(latencies) - 1))], 2)}
    if end_to_end[0]:
        figures["end_to_end"] = added_end_to_end(index, *end_to_end)
    if name == "redis":
        storage.client.flushdb(asynchronous=True)
    storage.close()
    return figures


def added_end_to_end(index: ReferenceIndex, documents: list[tuple[str, str]], pool) -> dict:
    """Documents added through ``ReferenceIndex.add_many``, 1,000 a batch: entries computed (by
    ``pool`` when given), then stored."""
    started = time.perf_counter()
    for start in tqdm(range(0, len(documents), 1000), desc="end to end"):
        batch = documents[start:start + 1000]
        if pool is None:
            index.add_many(batch)
        else:
            index.add_many(batch, pool)
    return {"documents": len(documents), "docs_per_second": round(len(documents) / (time.perf_counter() - started), 1)}


if __name__ == "__main__":
    main()
