"""`apfa eval support`: how well the support check (tools.grounding.check_support) finds unsupported sentences.

Each line of the data set is a sentence, the passage it cites and a hand label (`supported`). "Positive" is
*unsupported*, the sentence the check must catch: precision is the share of withheld sentences that really were
unsupported, recall the share of unsupported sentences that were withheld.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tools.grounding import check_support


@dataclass(frozen=True)
class LabelledSentence:
    id: str
    sentence: str
    passage: str
    supported: bool
    split: str


def load_labels(path: Path, split: str | None = None) -> list[LabelledSentence]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    items = [LabelledSentence(**row) for row in rows]
    return [item for item in items if split in (None, "all", item.split)]


def evaluate_support(dataset: Path, split: str | None = None, min_overlap: float = 0.6) -> dict:
    items = load_labels(dataset, split)
    true_pos = false_pos = false_neg = 0
    mistakes = []
    for item in items:
        verdict = check_support(item.sentence, item.passage, min_overlap=min_overlap)
        flagged, unsupported = not verdict.supported, not item.supported
        true_pos += flagged and unsupported
        false_pos += flagged and not unsupported
        false_neg += unsupported and not flagged
        if flagged != unsupported:
            mistakes.append(
                {
                    "id": item.id,
                    "sentence": item.sentence,
                    "label_supported": item.supported,
                    "reason": verdict.reason.value,
                    "overlap": round(verdict.overlap, 2),
                }
            )
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    return {
        "items": len(items),
        "unsupported_items": sum(not item.supported for item in items),
        "split": split or "all",
        "min_overlap": min_overlap,
        "precision_unsupported": round(precision, 3),
        "recall_unsupported": round(recall, 3),
        "mistakes": mistakes,
    }
