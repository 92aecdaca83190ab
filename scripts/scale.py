#!/usr/bin/env python3
"""Growth benchmark: the corpus at 1x, 5x and 10x its size, built, searched cold and warm.

Usage: python3 scripts/scale.py [--corpus DIR] [--scales 1,5,10] [--frequent N] [--keep DIR]

A corpus of k times the reports is made of links to every report of DIR (default
../shared/corpus/reports) under k issuer names (`2024-国务院-政府工作报告.txt`,
`2024-国务院·2-政府工作报告.txt`, …): the same text, other document ids. For each scale it prints
the build's wall seconds, MB/s and peak RSS, the index size, the median of cold `baogao search`
processes over the first N queries of benches/queries-corpus.txt (the most frequent words) and
over all 205 of them, and the warm p50/p99 of `cargo bench --bench search` (205 queries, 5
rounds each, in process). The cold searches run after every build, interleaved over the scales,
and a query counts with its fastest of three processes: the machine's speed changes by the
minute, and the figures of the scales are compared with each other.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "baogao")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench import index_bytes, input_bytes, measured  # noqa: E402

NAME = re.compile(r"^(\d{4})-(.+?)-([^-]+)\.(txt|md)$")


def make_corpus(source, target, copies):
    """Links every report of `source` into `target` under `copies` issuer names."""
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        match = NAME.match(name)
        if not match:
            continue
        year, issuer, kind, ext = match.groups()
        for copy in range(1, copies + 1):
            renamed = issuer if copy == 1 else f"{issuer}·{copy}"
            os.symlink(os.path.join(source, name), os.path.join(target, f"{year}-{renamed}-{kind}.{ext}"))


def queries(count):
    lines = open(os.path.join(ROOT, "benches", "queries-corpus.txt"), encoding="utf-8").read().splitlines()
    found = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
    return found if count is None else found[:count]


def cold(index_dirs, rounds=3):
    """Cold `baogao search` of each query on each index, interleaved (query by query, round by
    round, index by index) so that the machine's changing speed weighs on every scale alike; a
    query's time on an index is its fastest of `rounds` processes. Returns, for each index, the
    median over the frequent words (the first `--frequent` queries) and over all queries."""
    best = {index_dir: [] for index_dir in index_dirs}
    for query in queries(None):
        times = {index_dir: [] for index_dir in index_dirs}
        for _ in range(rounds):
            for index_dir in index_dirs:
                started = time.perf_counter()
                subprocess.run([BINARY, "search", query, "--index", index_dir], check=True,
                               stdout=subprocess.DEVNULL)
                times[index_dir].append((time.perf_counter() - started) * 1000)
        for index_dir in index_dirs:
            best[index_dir].append(min(times[index_dir]))
    return best


def warm(index_dir):
    out = subprocess.run(["cargo", "bench", "--quiet", "--bench", "search", "--", "--index", index_dir,
                          "--queries", "benches/queries-corpus.txt", "--rounds", "5"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    found = re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms", out)
    return found.groups() if found else ("?", "?")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "reports"))
    parser.add_argument("--scales", default="1,5,10")
    parser.add_argument("--frequent", type=int, default=20, help="queries counted as frequent words")
    parser.add_argument("--keep", help="make the corpora and indexes here and keep them")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = args.keep or tempfile.mkdtemp(prefix="baogao-scale-")
    rows = []
    for scale in [int(s) for s in args.scales.split(",")]:
        corpus = os.path.join(work, f"corpus-{scale}x")
        index_dir = os.path.join(work, f"index-{scale}x")
        if not os.path.isdir(corpus):
            make_corpus(args.corpus, corpus, scale)
        seconds, rss_kib = measured([BINARY, "index", corpus, "--index", index_dir, "--quiet"])
        size = input_bytes(corpus)
        p50, p99 = warm(index_dir)
        rows.append((scale, corpus, index_dir, size, seconds, rss_kib, p50, p99))
        print(f"built {scale}x in {seconds:.1f} s", file=sys.stderr, flush=True)
    best = cold([row[2] for row in rows])
    print("| scale | files | input | build | MB/s | peak RSS | index | cold CLI median, frequent words / all |"
          " warm p50 / p99 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for scale, corpus, index_dir, size, seconds, rss_kib, p50, p99 in rows:
        frequent = statistics.median(best[index_dir][:args.frequent])
        every = statistics.median(best[index_dir])
        print(f"| {scale}x | {len(os.listdir(corpus))} | {size / 1e6:.0f} MB | {seconds:.1f} s | "
              f"{size / 1e6 / seconds:.1f} | {rss_kib / 1024:.0f} MiB | {index_bytes(index_dir) / 1e6:.0f} MB | "
              f"{frequent:.2f} / {every:.2f} ms | {p50} / {p99} ms |")
    if not args.keep:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
