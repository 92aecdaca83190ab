#!/usr/bin/env python3
"""Benchmark baogao end to end; every figure in README's Performance section comes from here.

Usage: python3 scripts/bench.py [--corpus DIR] [--no-corpus] [--cold-runs N]

1. Index build time and peak RSS of the `baogao index` process, for the seed (seeds/) and for the
   real corpus (default ../shared/corpus/reports): wall seconds, MB/s of input, index size; then
   the same command again on the unchanged corpus (the incremental no-op).
2. Cold CLI search: one fresh `baogao search` process per query (benches/queries-seed.txt on the
   seed, benches/queries-corpus.txt on the corpus), wall time median and p90 (process start, index
   open, jieba's dictionary where a query needs it).
3. In-process latency: `cargo bench --bench search` (p50/p99 of Engine::search, snippets included,
   and of Engine::rank alone) on the seed index and on the corpus index.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "baogao")
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measured(command):
    """Wall seconds and peak RSS (KiB) of one command, run alone in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True)
    seconds, rss_kib = out.stdout.split()
    return float(seconds), int(rss_kib)


def input_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
               if f.endswith((".txt", ".md")))


def index_bytes(index_dir):
    with open(os.path.join(index_dir, "CURRENT")) as f:
        generation = os.path.join(index_dir, f.read().strip())
    return sum(os.path.getsize(os.path.join(generation, f)) for f in os.listdir(generation))


def build(name, source, index_dir):
    seconds, rss = measured([BINARY, "index", source, "--index", index_dir, "--quiet"])
    size = input_bytes(source)
    stored = index_bytes(index_dir)
    print(f"| {name} build | {seconds:.2f} s | {size / 1e6 / seconds:.1f} MB/s of {size / 1e6:.2f} MB | "
          f"peak RSS {rss / 1024:.0f} MiB | index {stored / 1e6:.1f} MB ({stored / size:.2f}x input) |")
    return seconds


def rebuild(name, source, index_dir, first_seconds):
    seconds, rss = measured([BINARY, "index", source, "--index", index_dir, "--quiet"])
    print(f"| {name} re-run, nothing changed | {seconds:.2f} s | {first_seconds / seconds:.0f}x faster than the build | "
          f"peak RSS {rss / 1024:.0f} MiB | |")


def queries(file):
    with open(os.path.join(ROOT, "benches", file), encoding="utf-8") as f:
        return [line.split("\t")[0].strip() for line in f if line.strip() and not line.startswith("#")]


def cold(name, index_dir, runs, file):
    times = []
    for query in (queries(file) * runs)[: max(runs, len(queries(file)))]:
        started = time.perf_counter()
        subprocess.run([BINARY, "search", query, "--index", index_dir], check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    print(f"| {name} cold `baogao search` | median {statistics.median(times):.1f} ms | p90 {p90:.1f} ms | "
          f"max {times[-1]:.1f} ms | {len(times)} processes |")


def in_process(name, index_dir, file):
    for extra in ([], ["--rank-only"]):
        out = subprocess.run(["cargo", "bench", "--quiet", "--bench", "search", "--", "--index", index_dir,
                              "--queries", os.path.join("benches", file), *extra],
                             cwd=ROOT, check=True, capture_output=True, text=True)
        lines = out.stdout.strip().splitlines()
        print(f"| {name} in-process | {lines[-2]} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "reports"))
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--cold-runs", type=int, default=60)
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="baogao-bench-")
    seed_index = os.path.join(work, "seed-index")
    corpus_index = os.path.join(work, "corpus-index")
    with_corpus = not args.no_corpus and os.path.isdir(args.corpus)

    print(f"baogao benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    print("| what | figures |||||")
    print("|---|---|---|---|---|")
    build("seed", os.path.join(ROOT, "seeds"), seed_index)
    if with_corpus:
        first = build("corpus", args.corpus, corpus_index)
        rebuild("corpus", args.corpus, corpus_index, first)
    cold("seed", seed_index, args.cold_runs, "queries-seed.txt")
    if with_corpus:
        cold("corpus", corpus_index, args.cold_runs, "queries-corpus.txt")
    in_process("seed", seed_index, "queries-seed.txt")
    if with_corpus:
        in_process("corpus", corpus_index, "queries-corpus.txt")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
