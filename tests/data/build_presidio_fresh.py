"""A fresh draw from presidio-research's sentence generator, in `apfa eval pii`'s JSONL format (docs/benchmarks.md,
"A fresh sample from presidio-research's generator").

Not product code and not run by the tests: it needs presidio-evaluator, which the product does not install. Run it
in a separate virtual environment:

    python3.11 -m venv /tmp/pe && /tmp/pe/bin/pip install presidio-evaluator==0.3.2 faker==40.63.0
    /tmp/pe/bin/python tests/data/build_presidio_fresh.py ../shared/data/presidio_synth/synth_dataset_v2.jsonl OUT.jsonl

Sentences identical to one of synth_dataset_v2 are dropped; line breaks are written as v2's generator wrote them.
"""

import hashlib
import json
import random
import sys
from importlib.metadata import version
from pathlib import Path

from faker.providers.date_time import Provider as DateTimeProvider
from presidio_evaluator import InputSample
from presidio_evaluator.data_generator import PresidioSentenceFaker, presidio_templates_file_path
from presidio_evaluator.data_generator.faker_extensions.sentences import SentenceFaker


# presidio-evaluator 0.3.2 bug: SentenceFaker._lower_pattern (applied to lower_case_ratio=5% of sentences) lowercases
# the span values but assigns the lowered text to `pattern.fake` instead of `pattern.full_text`, so text and spans
# disagree. The intended behaviour (and synth_dataset_v2's, which has ~5% all-lowercase sentences) is that the whole
# sentence is lowercased. Same fix, same random draws: only `fake` -> `full_text`.
def _lower_pattern_fixed(pattern):
    if isinstance(pattern, str):
        return pattern.lower()
    if isinstance(pattern, InputSample):
        lowered = pattern.full_text.lower()
        assert len(lowered) == len(pattern.full_text), pattern.full_text
        pattern.full_text = lowered
        for span in pattern.spans:
            span.entity_value = str(span.entity_value).lower()
    return pattern


SentenceFaker._lower_pattern = staticmethod(_lower_pattern_fixed)

# Faker's date_time() draws between 1970 and *now*, so timestamps (DATE_TIME, out of scope for our scorer) would change
# with the wall clock. Pin "now" to 2026-11-30 00:00:00 UTC so the file is byte-reproducible.
_FIXED_END = 1795996800  # calendar.timegm((2026, 11, 30, 0, 0, 0))
_original_parse_end = DateTimeProvider._parse_end_datetime.__func__


def _parse_end_fixed(cls, value):
    return _FIXED_END if value is None else _original_parse_end(cls, value)


DateTimeProvider._parse_end_datetime = classmethod(_parse_end_fixed)


def as_v2_wrote_it(sample) -> tuple[str, list[dict]]:
    """The sentence and its spans with the template's two characters "\\n" as a line break and "}}" as ">", as the
    generator of synth_dataset_v2 wrote them (0.3.2 leaves both as typed); every span's offsets move with them."""
    raw, text, moved = sample.full_text, [], []
    at = 0
    while at < len(raw):
        moved.append(len(text))
        pair = raw[at : at + 2]
        if pair in ("\\n", "}}"):
            text.append("\n" if pair == "\\n" else ">")
            moved.append(len(text))
            at += 2
        else:
            text.append(raw[at])
            at += 1
    moved.append(len(text))
    joined = "".join(text)
    spans = []
    for span in sample.spans:
        start, end = moved[span.start_position], moved[span.end_position]
        spans.append({"label": span.entity_type, "start": start, "end": end, "value": joined[start:end]})
    return joined, spans


SEED = 20261130
COUNT = 1000
V2, OUT = Path(sys.argv[1]), Path(sys.argv[2])

# load_fake_person_df() (called inside the constructor, before the constructor seeds) draws middle initials with the
# global `random`, so seed it first too, or names differ run to run.
random.seed(SEED)
faker = PresidioSentenceFaker(locale="en_US", lower_case_ratio=0.05, random_seed=SEED)
samples = faker.generate_new_fake_sentences(num_samples=COUNT)

v2_texts = {json.loads(line)["text"] for line in V2.read_text(encoding="utf-8").splitlines() if line.strip()}
rows, dropped_dup, seen_within = [], 0, 0
texts = set()
for index, sample in enumerate(samples):
    text, spans = as_v2_wrote_it(sample)
    if text in v2_texts:
        dropped_dup += 1
        continue
    if text in texts:
        seen_within += 1
    texts.add(text)
    rows.append({"id": index, "text": text, "spans": spans, "template_id": sample.template_id})

OUT.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
print(
    json.dumps(
        {
            "presidio_evaluator": version("presidio-evaluator"),
            "faker": version("faker"),
            "templates": str(presidio_templates_file_path),
            "templates_sha256": hashlib.sha256(presidio_templates_file_path.read_bytes()).hexdigest(),
            "generated": len(samples),
            "lowercased_sentences": sum(1 for row in rows if row["text"] == row["text"].lower() and row["spans"]),
            "spans": sum(len(row["spans"]) for row in rows),
            "dropped_identical_to_v2": dropped_dup,
            "duplicates_within_sample_kept": seen_within,
            "written": len(rows),
            "output_sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        },
        indent=1,
    )
)
