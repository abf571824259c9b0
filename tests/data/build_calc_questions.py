"""Builds tests/data/calc_questions.jsonl from calc_questions.src.txt: loan questions as borrowers write them.

Run once from the repository root: `.venv/bin/python tests/data/build_calc_questions.py`. Cases alternate between
the tune half (used while developing the parser) and the report half (the figure in docs/benchmarks.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calc_cases import build  # noqa: E402

if __name__ == "__main__":
    build(Path(__file__).with_name("calc_questions.src.txt"), Path(__file__).with_name("calc_questions.jsonl"))
