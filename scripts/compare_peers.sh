#!/usr/bin/env bash
# Runs baogao and the peer engines of ../shared/peers side by side, in one run, on the same
# passages and queries, and scores them with the harness's eval.py.
#
# Usage: scripts/compare_peers.sh [QUERIES.tsv QRELS.tsv]
#   default queries: scripts/relevance/seed_queries.tsv with scripts/relevance/seed_qrels.tsv
# Environment:
#   CORPUS_DIR=none (default: the seed only) or a folder of reports, e.g. ../shared/corpus/reports
#   PEERS="grep sqlite_fts5 whoosh_jieba tantivy_py baogao"   K=10  REPEAT=5
#   WORK=target/peers   where the harness is copied (its .venv is kept between runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
queries="$(realpath "${1:-$root/scripts/relevance/seed_queries.tsv}")"
qrels="$(realpath "${2:-$root/scripts/relevance/seed_qrels.tsv}")"
work="${WORK:-$root/target/peers}"

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
mkdir -p "$work"
# Fresh copy of the harness (read-only where it is laid out), keeping an existing venv.
find "$work" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
cp -r "$root/../shared/peers/." "$work/"
chmod -R u+w "$work"
cp "$root/scripts/peers/baogao.py" "$work/engines/baogao.py"
if [ ! -x "$work/.venv/bin/python" ]; then
  python3 -m venv "$work/.venv"
  "$work/.venv/bin/pip" install --quiet -r "$work/requirements.txt"
fi

export BAOGAO_BIN="$root/target/release/baogao"
export PEERS="${PEERS:-grep sqlite_fts5 whoosh_jieba tantivy_py baogao}"
corpus="${CORPUS_DIR:-none}"
# run_all.sh runs from the harness copy: a relative folder must be made absolute.
if [ "$corpus" != none ]; then corpus="$(realpath "$corpus")"; fi
export CORPUS_DIR="$corpus"
"$work/run_all.sh" "$queries" "$qrels"

# The harness times baogao through a pipe (20 hits with their text, as JSON); the peers it times in
# process. For the same measure, time baogao's ranking in process on the same index and queries,
# as the harness times a peer: each query 5 times in a row, the median over queries of each
# query's median.
if [[ " $PEERS " == *" baogao "* ]]; then
  cut -f2 "$queries" > "$work/queries.txt"
  echo "baogao in process on the same index and queries (total and top 10 addresses, as the peers' ids):"
  cargo bench --quiet --manifest-path "$root/Cargo.toml" --bench search -- \
    --index "$work/indexes/baogao/index" --queries "$work/queries.txt" --rank-only --limit 10 \
    --rounds 5 --consecutive --per-query "$work/out/baogao-in-process.tsv"
  # A peer that answers a query with nothing answers it fast: compare medians on the queries
  # each peer answers too.
  for peer in $PEERS; do
    [ "$peer" = baogao ] || [ ! -f "$work/out/$peer.jsonl" ] && continue
    python3 - "$work/out/$peer.jsonl" "$work/out/baogao-in-process.tsv" "$peer" <<'PY'
import json, statistics, sys
peer = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
ours = [float(line.split("\t")[1]) for line in open(sys.argv[2], encoding="utf-8")]
both = [(mine, row["ms"]) for mine, row in zip(ours, peer) if row["ids"]]
if both:
    print(f"on the {len(both)} queries {sys.argv[3]} answers: median {statistics.median(m for m, _ in both):.3f} ms"
          f" in process against {statistics.median(p for _, p in both):.3f} ms;"
          f" faster on {sum(m < p for m, p in both)}")
PY
  done
fi
