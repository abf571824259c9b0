"""What an evaluation runs on: one record that `evals.cli` builds from the command line, so every evaluation reads
the data set, its half, how much of it and the documents to index the same way, and its signature keeps only the
options that are its own."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EvalRun:
    """`split` None (or "all") is the whole data set; `limit` None, every item of it; `docs` None, the knowledge
    base as it is (else that directory is indexed into a throw-away data directory first)."""

    dataset: Path
    split: str | None = None
    limit: int | None = None
    docs: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> EvalRun:
        """From a command's parsed flags; `--limit` and `--docs` are read where the command has them."""
        return cls(
            dataset=Path(args.dataset),
            split=args.split,
            limit=getattr(args, "limit", None),
            docs=optional_path(getattr(args, "docs", None)),
        )


def optional_path(value: str | None) -> Path | None:
    """A path flag that was given, else None (an empty value counts as not given)."""
    return Path(value) if value else None
