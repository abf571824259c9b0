"""Finding 4: what the product writes is owner-only, and old index versions keep no extra copies of documents."""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from liveproduct import signed_in_tab

from ingest.chunking import Chunk
from kb.store import DocumentRecord, IndexStore

ROOT = Path(__file__).resolve().parents[2]
LOAN_NOTE = "Loan number 7731-0042-9981 belongs to the borrower at 12 Elm Street."


def loose_modes_under(root: Path) -> dict[str, str]:
    """Every folder that is not 0700 and every file that is not 0600 under `root` (itself included)."""
    loose = {}
    for path in [root, *root.rglob("*")]:
        mode, wanted = stat.S_IMODE(path.stat().st_mode), 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            loose[str(path.relative_to(root))] = oct(mode)
    return loose


def files_holding(root: Path, text: str) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and text.encode() in path.read_bytes()]


def add_document(store: IndexStore, doc_id: str, text: str, seed: int) -> int:
    vectors = np.random.default_rng(seed).normal(size=(2, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(f"{text} part {n}", page=1, start=0, end=10) for n in range(2)]
    record = DocumentRecord(doc_id, f"Title {doc_id}", f"{doc_id}.pdf", f"sha-{doc_id}", "private", "bob", pages=1)
    return store.add_document(record, chunks, vectors)


def test_old_index_versions_keep_one_copy_of_a_document_and_none_once_no_version_holds_it(tmp_path):
    root = tmp_path / "index"
    store = IndexStore(root, keep_versions=3)
    add_document(store, "statement", LOAN_NOTE, seed=1)
    for n in range(3):
        add_document(store, f"guide{n}", f"Escrow guide {n}.", seed=n + 2)
    assert len(files_holding(root, "7731-0042-9981")) == 1, "one copy however many versions hold it"

    deleted_at = store.delete_document("statement")
    store.rollback(deleted_at - 1)
    assert any(LOAN_NOTE in chunk.text for chunk in store.chunks_at_current_version()[1].values())
    store.rollback(deleted_at)
    for n in range(3):
        add_document(store, f"rate{n}", f"Rate sheet {n}.", seed=n + 10)
    assert files_holding(root, "7731-0042-9981") == [], "gone once no kept version can be rolled back to"


@pytest.mark.integration
@pytest.mark.timeout(600)
async def test_everything_the_running_product_writes_is_owner_only(product, unique_account):
    base = product["base"]
    async with signed_in_tab(base, unique_account) as (client, tab):
        upload = await tab.upload(client, "note.md", f"# Note\n\n{LOAN_NOTE}\n".encode(), "text/markdown")
        assert upload.status_code == 200
        await tab.say("", files=[upload.json()["id"]])
        await tab.wait_for(lambda event, data: "note.md" in data.get("output", ""))
        data_dir = product["data_dir"]
        session_files = data_dir / "chat-files" / tab.session_id
        assert len(list(session_files.iterdir())) == 1, "Chainlit's copy of the upload, under the data directory"
        assert loose_modes_under(data_dir) == {}
    await asyncio.sleep(0.5)
    assert list(data_dir.glob("uploads/*/note.md")), "APFA's own copy of the upload"
    assert loose_modes_under(data_dir) == {}


def test_the_command_line_creates_the_data_directory_owner_only(tmp_path):
    data_dir = tmp_path / "data"
    env = {"APFA_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "cli.main", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    assert (data_dir / "apfa.db").exists() and loose_modes_under(data_dir) == {}
