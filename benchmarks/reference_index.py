"""Reference-index benchmark: retrieval of the true source of spun copies, false matches of clean
articles that are not indexed, substitution pairs against the spinner's ground truth, and query
latency / insert rate / size at 100,000 documents for the SQLite and Redis backends. Plain
word-5-gram MinHash LSH (datasketch defaults) runs on the same queries for comparison.

    python benchmarks/reference_index.py --data ../shared/data [--redis redis://127.0.0.1:6379/14]
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import statistics
import tempfile
import time
from pathlib import Path

import redis
from datasketch import MinHash, MinHashLSH
from tqdm import tqdm

from detector.reference.index import ReferenceIndex, entry
from detector.reference.redis_storage import RedisStorage
from detector.reference.sqlite_storage import SQLiteStorage
from detector.training.corpora import read_articles
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

RATES = (0.10, 0.30, 0.50)


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
        overlaps((s["begin"], s["end"]), (c.begin, c.end))
        and overlaps((s["source_begin"], s["source_end"]), (c.original_begin, c.original_end)) for c in changes))
    found = sum(1 for c in changes if any(overlaps((s["begin"], s["end"]), (c.begin, c.end)) for s in substitutions))
    return correct, len(substitutions), found


def modern_texts(data: Path, count: int) -> list[str]:
    texts = []
    with lzma.open(data / "corpus" / "news_allsides.jsonl.xz", "rt") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= count:
                break
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--clean", type=int, default=3000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--output", default="benchmarks/results/reference_index.json")
    args = parser.parse_args()
    data = Path(args.data)
    rng = random.Random(7)
    news = [a for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)]
    report = {"indexed": len(news)}
    scratch = tempfile.TemporaryDirectory(prefix="spun-detector-benchmark-")  # removed at exit, even on errors
    folder = Path(scratch.name)

    index = ReferenceIndex(SQLiteStorage(folder / "news.db"))
    started = time.perf_counter()
    for start in tqdm(range(0, len(news), 500), desc="index news"):
        index.add_many([(a.id, a.text) for a in news[start:start + 500]])
    report["news_insert_docs_per_second"] = round(len(news) / (time.perf_counter() - started), 1)
    baseline = MinHashLSH(threshold=0.9, num_perm=128)
    for article in tqdm(news, desc="baseline index"):
        baseline.insert(article.id, plain_minhash(article.text))

    thesaurus = Thesaurus.load()
    sample = rng.sample(news, args.queries)
    retrieval, pairs = {}, [0, 0, 0, 0]
    for rate in RATES:
        ours = plain = 0
        for article in tqdm(sample, desc=f"queries {rate:.0%}"):
            spun = Spinner(thesaurus, rate=rate, seed=rng.randrange(1 << 30)).spin(article.text)
            matches = index.query(spun.text)
            first = found_first(matches, article.id)
            ours += first is not None
            plain += article.id in baseline.query(plain_minhash(spun.text))
            if first is not None:
                correct, reported, found = pair_scores(spun.changes, first.substitutions)
                pairs = [pairs[0] + correct, pairs[1] + reported, pairs[2] + found, pairs[3] + len(spun.changes)]
        retrieval[f"{rate:.0%}"] = {"immutable_minhash_top1": ours / len(sample), "word5_minhash_lsh": plain / len(sample)}
    report["retrieval"] = retrieval
    report["substitution_pairs"] = {"precision": pairs[0] / max(1, pairs[1]), "recall": pairs[2] / max(1, pairs[3])}
    clean = modern_texts(data, args.clean)
    report["clean_not_indexed"] = {
        "documents": len(clean),
        "immutable_minhash_no_match": sum(not index.query(t) for t in tqdm(clean, desc="clean")) / len(clean),
        "word5_minhash_lsh_no_match": sum(not baseline.query(plain_minhash(t)) for t in clean) / len(clean),
    }
    report["scale"] = scale_benchmark(data, news, args.scale, args.redis, folder, sample, thesaurus, rng)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def scale_benchmark(data, news, size, redis_url, folder, sample, thesaurus, rng) -> dict:
    """Insert ``size`` documents (news, then other corpora) into each backend; time queries."""
    documents = [(a.id, a.text) for a in news]
    for name in ("news_allsides", "enwiki2014_part", "enwiki2021"):
        with lzma.open(data / "corpus" / f"{name}.jsonl.xz", "rt") as handle:
            for line in handle:
                if len(documents) >= size:
                    break
                record = json.loads(line)
                documents.append((f"{name}:{record['id']}", record["text"]))
    keyed = [entry(i, t) for i, t in tqdm(documents, desc="fingerprints")]
    queries = [Spinner(thesaurus, rate=0.3, seed=rng.randrange(1 << 30)).spin(a.text).text for a in sample]
    results = {"documents": len(keyed)}
    backends = {"sqlite": lambda: SQLiteStorage(folder / "scale.db")}
    try:  # empty the benchmark's database first, whatever format an interrupted run left there
        redis.Redis.from_url(redis_url).flushdb()
        backends["redis"] = lambda: RedisStorage(redis_url)
    except redis.RedisError as exc:  # report, do not fail, when no server runs
        results["redis"] = {"skipped": str(exc)}
    for name, make in backends.items():
        storage = make()
        started = time.perf_counter()
        for start in tqdm(range(0, len(keyed), 1000), desc=f"insert {name}"):
            storage.add_many(keyed[start:start + 1000])
        insert_rate = len(keyed) / (time.perf_counter() - started)
        index = ReferenceIndex(storage)
        latencies = []
        for text in queries:
            begin = time.perf_counter()
            index.query(text)
            latencies.append((time.perf_counter() - begin) * 1000)
        latencies.sort()
        stats = storage.stats()
        results[name] = {"insert_docs_per_second": round(insert_rate, 1),
                         "bytes_per_document": round(stats["bytes"] / stats["documents"]),
                         "query_ms_p50": round(statistics.median(latencies), 2),
                         "query_ms_p99": round(latencies[int(0.99 * (len(latencies) - 1))], 2)}
        if name == "redis":
            storage.client.flushdb(asynchronous=True)
        storage.close()
    return results


if __name__ == "__main__":
    main()
