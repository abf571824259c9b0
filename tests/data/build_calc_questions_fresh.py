"""Builds tests/data/calc_questions_fresh.jsonl from calc_questions_fresh.src.txt: a held-out set written after
calc_questions.jsonl was final.

Sixty new questions, four per calculator, in words the first set does not use (spelled-out amounts, "@", "P&I",
"refi", "10/6 arm", spouses' combined income, percentages of the price, follow-ups that say "that loan" or only
the change). Within each calculator the cases alternate between the tune half (parser fixes may be informed by it)
and the report half (measured once, after those fixes). Run from the repository root:
`.venv/bin/python tests/data/build_calc_questions_fresh.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calc_cases import build  # noqa: E402

if __name__ == "__main__":
    build(
        Path(__file__).with_name("calc_questions_fresh.src.txt"), Path(__file__).with_name("calc_questions_fresh.jsonl")
    )
