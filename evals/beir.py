"""The one reader of BEIR-format data sets (corpus.jsonl, queries.jsonl, qrels/*.tsv) for every measurement."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ingest.pipeline import sha256_of


@dataclass(frozen=True)
class BeirDataset:
    corpus: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    corpus_sha256: str


def passage_text(row: dict) -> str:
    """A corpus row as the product would index it: title joined to text."""
    return " ".join(part for part in (row.get("title") or "", row.get("text") or "") if part).strip()


def read_corpus(corpus: Path, limit: int | None = None) -> dict[str, str]:
    """The first `limit` (default all) non-empty passages of a corpus.jsonl, by id."""
    documents: dict[str, str] = {}
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(documents) >= limit:
                break
            if line.strip():
                row = json.loads(line)
                text = passage_text(row)
                if text:
                    documents[str(row["_id"])] = text
    return documents


def read_query_texts(queries: Path, limit: int) -> list[str]:
    """The first `limit` non-empty query texts of a queries.jsonl."""
    with open(queries, encoding="utf-8") as handle:
        texts = (json.loads(line).get("text", "").strip() for line in handle if line.strip())
        return list(islice((text for text in texts if text), limit))


def load_beir(corpus: Path, queries: Path, qrels: Path) -> BeirDataset:
    """Corpus (title joined to text), the queries that have judgements, and positive judgements only."""
    documents = read_corpus(corpus)
    judgements: dict[str, dict[str, int]] = {}
    with open(qrels, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or not row[2].strip().lstrip("-").isdigit():
                continue
            if int(row[2]) > 0:
                judgements.setdefault(row[0], {})[row[1]] = int(row[2])
    texts: dict[str, str] = {}
    with open(queries, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                if str(row["_id"]) in judgements:
                    texts[str(row["_id"])] = row["text"]
    judgements = {query_id: docs for query_id, docs in judgements.items() if query_id in texts}
    return BeirDataset(documents, texts, judgements, sha256_of(corpus))
