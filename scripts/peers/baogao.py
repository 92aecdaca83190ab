#!/usr/bin/env python3
"""Peer adapter for baogao, dropped into a copy of ../shared/peers/engines by scripts/compare_peers.sh.

build_index writes the harness's passages back into report files (one file per document, each
heading of a passage's section path on its own line when it changes, then the passage as one
paragraph), indexes them with `baogao index`, and keeps a map from (document, passage text) to
the harness's passage id. search keeps one `baogao search --batch` process open, so the measured
time is one query through a pipe (in-process latency plus a line of I/O), not a process start.
A hit maps to the harness passage of its document with the same text or, where baogao read the
line's opening sentence as a heading (`（二）全力攻项目促消费。…`) or split its `第一，` items, to the
harness passage that contains the hit's text. Hits that map to no harness passage (a heading line
the harness did not count as a passage) are dropped from the ranked ids.
"""
import json
import re
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NAME = "baogao"
BINARY = os.environ.get("BAOGAO_BIN", "baogao")
MAP_FILE = "passage_ids.json"
# Hits asked for per query: the harness keeps 10; the rest covers hits that map to no harness
# passage.
BATCH_LIMIT = 20
FOOTNOTE = re.compile(r"\[\^[^\]]*\]")


def build_index(passages, indexdir):
    reports = os.path.join(indexdir, "reports")
    os.makedirs(reports)
    by_doc = {}
    for p in passages:
        by_doc.setdefault(p["doc"], []).append(p)
    ids = {}
    for number, (doc, doc_passages) in enumerate(by_doc.items(), start=1):
        doc_id = f"d{number}"
        lines, last_path = [], []
        for p in doc_passages:
            path = [part for part in p.get("section", "").split(" > ") if part]
            if path != last_path:
                lines.extend(part for i, part in enumerate(path) if last_path[: i + 1] != path[: i + 1])
                last_path = path
            lines.append(p["text"])
            ids.setdefault(doc_id, []).append([p["text"].strip(), p["id"]])
        with open(os.path.join(reports, f"{doc_id}_{doc}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(indexdir, MAP_FILE), "w", encoding="utf-8") as f:
        json.dump(ids, f, ensure_ascii=False)
    subprocess.run([BINARY, "index", reports, "--index", os.path.join(indexdir, "index"), "--quiet"], check=True)


def index_size(indexdir):
    """Bytes of baogao's index alone, without the report files the adapter wrote to build it."""
    return common.dir_size(os.path.join(indexdir, "index"))


class Searcher:
    def __init__(self, indexdir):
        with open(os.path.join(indexdir, MAP_FILE), encoding="utf-8") as f:
            self.ids = json.load(f)
        # Exact text to id, per document: most hits are found here in one look-up.
        self.exact = {doc: {text: pid for text, pid in reversed(passages)} for doc, passages in self.ids.items()}
        self.process = subprocess.Popen(
            [BINARY, "search", "--batch", "--limit", str(BATCH_LIMIT), "--index", os.path.join(indexdir, "index")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)

    def search(self, q, k):
        self.process.stdin.write(q.replace("\n", " ") + "\n")
        self.process.stdin.flush()
        results = json.loads(self.process.stdout.readline())
        ranked = []
        for hit in results.get("hits", []):
            pid = self.harness_id(hit["doc"], hit["text"].strip())
            if pid is not None and pid not in ranked:
                ranked.append(pid)
        return ranked[:k]

    def harness_id(self, doc, text):
        passages = self.ids.get(doc, [])
        exact = self.exact.get(doc, {}).get(text)
        # The harness keeps footnote marks (`[^47]`) that baogao drops with the rest of the mark-up.
        return exact or next((pid for passage, pid in passages if text in FOOTNOTE.sub("", passage)), None)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def open_searcher(indexdir):
    return Searcher(indexdir)


if __name__ == "__main__":
    sys.exit(common.main(sys.modules[__name__]))
