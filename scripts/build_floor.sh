#!/usr/bin/env bash
# How fast could baogao's build be with less in it? Times, through the peer harness's own adapters
# and in alternating rounds, Groonga's build and three builds of baogao on the same passages:
#   baogao          the build as it is;
#   no-word-field   jieba still cuts every passage, but its words are not indexed: the most that
#                   replacing the word field by anything else (a word-boundary bitmap) can save;
#   no-jieba        no jieba at all: character grams with positions, the stored texts and the
#                   catalog only, the floor of the recall guarantee on tantivy.
# The two variants are HEAD with the one-line patch below, built in a temporary worktree; they
# exist only to measure and are never committed.
#
# Usage: scripts/build_floor.sh [ROUNDS]   (default 3; needs one run of scripts/compare_peers.sh
# with CORPUS_DIR set, for the harness, its venv and its passages)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
harness="$root/target/peers"
python="$harness/.venv/bin/python"
passages="$harness/data/passages.jsonl"
if [ ! -x "$python" ] || [ ! -f "$passages" ]; then
  echo "build_floor.sh: run scripts/compare_peers.sh with CORPUS_DIR=../shared/corpus/reports first" >&2
  exit 2
fi

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
worktree="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$worktree"' EXIT
git -C "$root" worktree add --quiet --detach "$worktree" HEAD
# BAOGAO_FLOOR=words: jieba runs, its words go nowhere; BAOGAO_FLOOR=grams: no jieba.
git -C "$worktree" apply <<'PATCH'
--- a/src/indexer/build.rs
+++ b/src/indexer/build.rs
@@ -524,7 +524,11 @@ fn passage_documents(
             }
             let body = normalize_str(&passage.text);
             tantivy_doc.add_text(fields.grams, &body);
-            tantivy_doc.add_text(fields.words, body);
+            match std::env::var("BAOGAO_FLOOR").as_deref() {
+                Ok("words") => std::hint::black_box(crate::analysis::segment::jieba().cut(&body, true).len()),
+                Ok("grams") => 0,
+                _ => { tantivy_doc.add_text(fields.words, body); 0 }
+            };
             tantivy_doc
         })
         .collect())
PATCH
# The same target folder: only baogao itself is compiled again.
cargo build --release --quiet --manifest-path "$worktree/Cargo.toml" --target-dir "$root/target"
floor="$root/target/build-floor"
cp "$root/target/release/baogao" "$floor"
# Put HEAD's own binary back in place.
touch "$root/src/lib.rs"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"

cd "$harness"
cp "$root/scripts/peers/baogao.py" engines/baogao.py
build_seconds() { # ENGINE VARIANT BINARY
  BAOGAO_BIN="$3" BAOGAO_FLOOR="$2" "$python" "engines/$1.py" index "$passages" "indexes/floor" 2>/dev/null |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["index_s"])'
}
printf 'round\tgroonga\tbaogao\tno-word-field\tno-jieba\n'
for round in $(seq "$rounds"); do
  printf '%s\t%s\t%s\t%s\t%s\n' "$round" \
    "$(build_seconds groonga - -)" \
    "$(build_seconds baogao - "$root/target/release/baogao")" \
    "$(build_seconds baogao words "$floor")" \
    "$(build_seconds baogao grams "$floor")"
done
rm -rf indexes/floor
