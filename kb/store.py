"""Versioned FAISS index store shared by the ingest workers (writers) and the chat process (readers).

Layout under `root`:

    CURRENT                  the published version number; replaced atomically
    .writer.lock             fcntl lock that serialises writers across processes
    versions/000007/         one immutable directory per version:
        index.faiss            vectors (IndexIDMap over IndexFlatIP, or IndexIVFFlat when large)
        chunks.jsonl           one StoredChunk per vector id, without its text
        documents.json         the document registry
        manifest.json          version, parent_version, vector_count, embedding_model, dimension, ...
    texts/<doc_id>.jsonl     each document's chunk texts, written once and shared by every version holding it

A version is written aside, fsynced, renamed into place and only then named in CURRENT, so a crash at any
point leaves the previous version in force and nothing half-indexed is ever visible. Readers keep the loaded
snapshot in memory and reload only when CURRENT changes, so searches in flight finish on their snapshot.

Documents' text is kept once, not once per version, and is deleted as soon as no kept version holds the document:
old versions keep no more of borrowers' text than a rollback to them needs.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import faiss
import numpy as np

from apfa.settings import Settings
from kb.embedding import MODEL_NAME

Scope = Literal["shared", "private"]
SCOPES: tuple[str, ...] = ("shared", "private")
DEFAULT_KEEP_VERSIONS = 5
# Below this many vectors an exact flat index answers within the latency target (docs/benchmarks.md).
DEFAULT_IVF_THRESHOLD = 500_000
IVF_REBUILD_GROWTH = 4
# k-means on 64 points per list keeps recall (docs/benchmarks.md) at a quarter of the cost of 256, so
# crossing the IVF threshold (500K vectors) trains in minutes inside one ingestion job, not half an hour.
IVF_TRAINING_POINTS_PER_LIST = 64

_INDEX_FILE = "index.faiss"
_CHUNKS_FILE = "chunks.jsonl"
_DOCUMENTS_FILE = "documents.json"
_MANIFEST_FILE = "manifest.json"
_TEXTS_DIR = "texts"
_TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    title: str
    filename: str
    sha256: str
    scope: str
    owner: str
    pages: int = 0
    chunks: int = 0
    mime: str = ""
    added_at: str = ""

    def visible_to(self, user: str | None) -> bool:
        return self.scope == "shared" or (user is not None and self.owner == user)


@dataclass(frozen=True)
class Chunk:
    """A piece of a page, with character offsets into it, as the chunker cuts it and the store keeps it."""

    text: str
    page: int
    start: int
    end: int
    section: str = ""

    def for_embedding(self, title: str) -> str:
        """The text the embedder sees: a chunk cut away from its heading loses what it is about, so the
        document title and the nearest section heading are put in front (the stored text stays exact)."""
        context = f"{title}: {self.section}" if self.section else title
        return f"{context}\n{self.text}" if context else self.text


@dataclass(frozen=True)
class Passage:
    """A page's text between two character offsets, and whose document it is: what a stored chunk and a retrieved
    one (`tools.retrieval.RetrievedChunk`) both carry, so one is built from the other field for field."""

    doc_id: str
    title: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class StoredChunk(Passage):
    chunk_id: int
    scope: str
    owner: str


@dataclass(frozen=True)
class Hit:
    chunk: StoredChunk
    score: float


@dataclass(frozen=True)
class VersionInfo:
    version: int
    parent_version: int | None
    vector_count: int
    documents: int
    embedding_model: str
    dimension: int
    index_type: str
    created_at: str
    current: bool


class DuplicateDocumentError(Exception):
    """The same bytes are already indexed for this scope and owner."""

    def __init__(self, existing: DocumentRecord) -> None:
        super().__init__(f"Already indexed as “{existing.title}” ({existing.doc_id}).")
        self.existing = existing


class DocumentNotFoundError(KeyError):
    """No document with that id in the current version."""


class _RowLookup:
    """Chunk id → row of a flat index (ids are appended in increasing order, so a binary search does)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.order = np.argsort(ids, kind="stable")
        self.sorted_ids = ids[self.order]

    def rows(self, chunk_ids: np.ndarray) -> np.ndarray:
        return self.order[np.searchsorted(self.sorted_ids, chunk_ids)]


@dataclass
class _Snapshot:
    """One loaded version: immutable once built, so concurrent searches can share it."""

    version: int
    manifest: dict
    index: Any  # faiss's SWIG classes (IndexIDMap, IndexIVFFlat) are not typed by their Python stubs
    chunks: dict[int, StoredChunk]
    documents: dict[str, DocumentRecord]
    _selectors: dict[str | None, tuple[object, int]] = field(default_factory=dict)
    _selector_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def is_ivf(self) -> bool:
        return self.manifest.get("index_type") == "ivf"

    def visible_selector(self, user: str | None) -> tuple[object | None, int]:
        """An IDSelector for the chunks `user` may see (None when all are visible) and how many there are."""
        with self._selector_lock:
            if user not in self._selectors:
                self._selectors[user] = self._build_selector(user)
                if len(self._selectors) > 256:
                    self._selectors.pop(next(iter(self._selectors)))
            return self._selectors[user]

    def vectors(self, chunk_ids: np.ndarray) -> np.ndarray:
        """The stored vectors of known chunk ids, read directly instead of scanning the index."""
        if not len(chunk_ids):
            return np.zeros((0, self.index.d), dtype=np.float32)
        if not isinstance(self.index, faiss.IndexIDMap):
            return self.index.reconstruct_batch(chunk_ids)
        return faiss.downcast_index(self.index.index).reconstruct_batch(self._row_lookup.rows(chunk_ids))

    @cached_property
    def _row_lookup(self) -> _RowLookup:
        return _RowLookup(faiss.vector_to_array(self.index.id_map).astype(np.int64))

    def _build_selector(self, user: str | None) -> tuple[object | None, int]:
        visible: list[int] = []
        hidden: list[int] = []
        for chunk_id, chunk in self.chunks.items():
            (visible if chunk.scope == "shared" or chunk.owner == user else hidden).append(chunk_id)
        if not hidden:
            return None, len(visible)
        if len(visible) <= len(hidden):
            return faiss.IDSelectorBatch(np.asarray(visible, dtype=np.int64)), len(visible)
        hidden_batch = faiss.IDSelectorBatch(np.asarray(hidden, dtype=np.int64))
        selector: Any = faiss.IDSelectorNot(hidden_batch)
        selector.referenced = hidden_batch  # keeps the batch alive as long as the selector
        return selector, len(visible)


class IndexStore:
    """Versioned vector store; see the module docstring for the on-disk protocol."""

    def __init__(
        self,
        root: Path | str,
        *,
        embedding_model: str = MODEL_NAME,
        ivf_threshold: int = DEFAULT_IVF_THRESHOLD,
        keep_versions: int = DEFAULT_KEEP_VERSIONS,
    ) -> None:
        self.root = Path(root)
        self.embedding_model = embedding_model
        self.ivf_threshold = ivf_threshold
        self.keep_versions = max(1, keep_versions)
        self._versions_dir = self.root / "versions"
        self._pointer = self.root / "CURRENT"
        self._lock_file = self.root / ".writer.lock"
        self._snapshot: _Snapshot | None = None
        self._pointer_key: tuple[int, int, int] | None = None
        self._load_lock = threading.Lock()

    # ---- reading -------------------------------------------------------------------------------------

    def current_version(self) -> int:
        return self._read_pointer() or 0

    def search(self, query_vector: np.ndarray, k: int, user: str | None) -> list[Hit]:
        """Top-k chunks by cosine similarity among shared chunks and `user`'s private ones."""
        snapshot = self._current_snapshot()
        if snapshot is None or snapshot.index.ntotal == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(np.asarray(query_vector, dtype=np.float32).reshape(1, -1))
        if query.shape[1] != snapshot.index.d:
            raise ValueError(f"query has dimension {query.shape[1]}, the index has {snapshot.index.d}")
        selector, visible_count = snapshot.visible_selector(user)
        wanted = min(k, visible_count)
        if wanted == 0:
            return []
        nprobe = int(snapshot.manifest.get("nprobe", 1))
        nlist = int(snapshot.manifest.get("nlist", 1))
        # One query is served faster on one thread (no OpenMP wake-up); the setting is per calling thread.
        faiss.omp_set_num_threads(1)
        while True:
            params = self._params(snapshot, selector, nprobe)
            scores, ids = snapshot.index.search(query, wanted, params=params)
            hits = [
                Hit(snapshot.chunks[int(chunk_id)], float(score))
                for score, chunk_id in zip(scores[0], ids[0], strict=True)
                if chunk_id >= 0 and int(chunk_id) in snapshot.chunks
            ]
            if len(hits) >= wanted or not snapshot.is_ivf or nprobe >= nlist:
                return hits
            nprobe = min(nlist, nprobe * 4)

    def chunks_at_current_version(self) -> tuple[int, Mapping[int, StoredChunk]]:
        """The current version and its chunks (read-only), for indexes derived per version such as BM25."""
        snapshot = self._current_snapshot()
        return (snapshot.version, MappingProxyType(snapshot.chunks)) if snapshot else (0, MappingProxyType({}))

    def similarities(self, query_vector: np.ndarray, chunk_ids: Sequence[int]) -> dict[int, float]:
        """Exact cosine of the query with each given chunk of the current version (unknown ids are left out)."""
        snapshot = self._current_snapshot()
        wanted = np.asarray(sorted({int(chunk_id) for chunk_id in chunk_ids}), dtype=np.int64)
        if snapshot is None or not len(wanted):
            return {}
        known = np.asarray([chunk_id for chunk_id in wanted if int(chunk_id) in snapshot.chunks], dtype=np.int64)
        scores = snapshot.vectors(known) @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        return {int(chunk_id): float(score) for chunk_id, score in zip(known, scores, strict=True)}

    def vectors(self, chunk_ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of chunks of the current version, in the given order."""
        snapshot = self._current_snapshot()
        wanted = np.asarray(list(chunk_ids), dtype=np.int64)
        if snapshot is None:
            return np.zeros((0, 0), dtype=np.float32)
        unknown = [int(chunk_id) for chunk_id in wanted if int(chunk_id) not in snapshot.chunks]
        if unknown:
            raise KeyError(f"chunks not in version {snapshot.version}: {unknown[:5]}")
        return snapshot.vectors(wanted)

    def documents(self, user: str | None = None) -> list[DocumentRecord]:
        """Every document (user=None, for administration) or those `user` can see."""
        snapshot = self._current_snapshot()
        if snapshot is None:
            return []
        records = [record for record in snapshot.documents.values() if user is None or record.visible_to(user)]
        return sorted(records, key=lambda record: (record.added_at, record.doc_id))

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        snapshot = self._current_snapshot()
        return snapshot.documents.get(doc_id) if snapshot else None

    def find_by_hash(self, sha256: str, scope: str, owner: str) -> DocumentRecord | None:
        """An indexed document with the same bytes that this scope/owner can already see.

        A shared upload matches any shared copy; a private upload matches the owner's private copy or a
        shared one (the user already sees it, so indexing it twice would only duplicate search results).
        """
        snapshot = self._current_snapshot()
        return _find_duplicate(snapshot.documents.values(), sha256, scope, owner) if snapshot else None

    def versions(self) -> list[VersionInfo]:
        current = self.current_version()
        infos = []
        for version in self._version_numbers():
            manifest = _read_json(self._version_dir(version) / _MANIFEST_FILE)
            if manifest is None:
                continue
            infos.append(
                VersionInfo(
                    version=version,
                    parent_version=manifest.get("parent_version"),
                    vector_count=manifest["vector_count"],
                    documents=manifest["documents"],
                    embedding_model=manifest["embedding_model"],
                    dimension=manifest["dimension"],
                    index_type=manifest.get("index_type", "flat"),
                    created_at=manifest["created_at"],
                    current=version == current,
                )
            )
        return infos

    # ---- writing -------------------------------------------------------------------------------------

    def add_document(self, record: DocumentRecord, chunks: Sequence[Chunk], vectors: np.ndarray) -> int:
        """Publish a new version that adds the document; raises DuplicateDocumentError for a re-upload."""
        if record.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, not {record.scope!r}")
        vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
        if vectors.ndim != 2 or len(vectors) != len(chunks) or not chunks:
            raise ValueError("add_document needs one vector per chunk and at least one chunk")
        with self._writer_lock():
            current = self._read_pointer()
            parent = self._load_version(current) if current else None
            if parent is not None:
                duplicate = _find_duplicate(parent.documents.values(), record.sha256, record.scope, record.owner)
                if duplicate is not None:
                    raise DuplicateDocumentError(duplicate)
                if parent.index.d != vectors.shape[1]:
                    raise ValueError(f"vectors have dimension {vectors.shape[1]}, the index has {parent.index.d}")
            next_id = int(parent.manifest.get("next_chunk_id", 0)) if parent else 0
            ids = np.arange(next_id, next_id + len(chunks), dtype=np.int64)
            record = DocumentRecord(**{**asdict(record), "chunks": len(chunks), "added_at": record.added_at or _now()})
            stored = dict(parent.chunks) if parent else {}
            for chunk_id, chunk in zip(ids.tolist(), chunks, strict=True):
                stored[chunk_id] = StoredChunk(
                    chunk_id=chunk_id,
                    doc_id=record.doc_id,
                    title=record.title,
                    page=chunk.page,
                    start=chunk.start,
                    end=chunk.end,
                    text=chunk.text,
                    scope=record.scope,
                    owner=record.owner,
                )
            documents = dict(parent.documents) if parent else {}
            documents[record.doc_id] = record
            self._write_texts(record.doc_id, {chunk_id: stored[chunk_id].text for chunk_id in ids.tolist()})
            index, index_meta = self._index_with(parent, vectors, ids)
            return self._publish(parent, index, index_meta, stored, documents, next_id + len(chunks))

    def delete_document(self, doc_id: str) -> int:
        """Publish a new version without the document's vectors."""
        with self._writer_lock():
            version = self._read_pointer()
            parent = self._load_version(version) if version else None
            if parent is None or doc_id not in parent.documents:
                raise DocumentNotFoundError(doc_id)
            doomed_ids = [chunk_id for chunk_id, chunk in parent.chunks.items() if chunk.doc_id == doc_id]
            doomed = np.asarray(doomed_ids, dtype=np.int64)
            index = parent.index
            if len(doomed):
                index.remove_ids(faiss.IDSelectorArray(doomed))
            doomed_set = set(doomed_ids)
            stored = {key: chunk for key, chunk in parent.chunks.items() if key not in doomed_set}
            documents = {key: record for key, record in parent.documents.items() if key != doc_id}
            meta, next_chunk_id = _index_meta(parent.manifest), parent.manifest["next_chunk_id"]
            return self._publish(parent, index, meta, stored, documents, next_chunk_id)

    def rollback(self, version: int) -> int:
        """Make an older (kept) version current again; later versions stay on disk until pruned."""
        with self._writer_lock():
            if _read_json(self._version_dir(version) / _MANIFEST_FILE) is None:
                kept = ", ".join(str(number) for number in self._version_numbers())
                raise ValueError(f"version {version} is not available (kept versions: {kept})")
            self._write_pointer(version)
            return version

    # ---- internals -----------------------------------------------------------------------------------

    def _index_with(self, parent: _Snapshot | None, vectors: np.ndarray, ids: np.ndarray) -> tuple[faiss.Index, dict]:
        """The parent's index plus the new vectors, switching to (or rebuilding) IVF when it has grown."""
        total = (parent.index.ntotal if parent else 0) + len(vectors)
        if parent is None:
            index: faiss.Index = faiss.IndexIDMap(faiss.IndexFlatIP(vectors.shape[1]))
            meta: dict = {"index_type": "flat"}
        else:
            index = parent.index
            meta = _index_meta(parent.manifest)
        trained_on = int(meta.get("ivf_trained_on", total))
        needs_ivf = total > self.ivf_threshold and (
            meta["index_type"] == "flat" or total >= IVF_REBUILD_GROWTH * trained_on
        )
        if not needs_ivf:
            index.add_with_ids(vectors, ids)
            return index, meta
        if parent is None:
            return build_ivf(vectors, ids)
        old_vectors, old_ids = _all_vectors(index, np.fromiter(parent.chunks, dtype=np.int64))
        return build_ivf(np.vstack([old_vectors, vectors]), np.concatenate([old_ids, ids]))

    def _publish(
        self,
        parent: _Snapshot | None,
        index: faiss.Index,
        index_meta: dict,
        chunks: dict[int, StoredChunk],
        documents: dict[str, DocumentRecord],
        next_chunk_id: int,
    ) -> int:
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned_temp_dirs()
        version = max(self._version_numbers(), default=0) + 1
        staging = self._versions_dir / f"{_TEMP_PREFIX}{version:06d}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        faiss.write_index(index, str(staging / _INDEX_FILE))
        with open(staging / _CHUNKS_FILE, "w", encoding="utf-8") as handle:
            for chunk in chunks.values():
                # chunk_id first, where the rows have always had it (asdict puts a Passage's own fields first)
                row = {"chunk_id": chunk.chunk_id, **asdict(chunk)}
                del row["text"]
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        _write_json(staging / _DOCUMENTS_FILE, [asdict(record) for record in documents.values()])
        manifest = {
            "version": version,
            "parent_version": parent.version if parent else None,
            "vector_count": int(index.ntotal),
            "embedding_model": parent.manifest["embedding_model"] if parent else self.embedding_model,
            "dimension": int(index.d),
            "created_at": _now(),
            "documents": len(documents),
            "next_chunk_id": next_chunk_id,
            **index_meta,
        }
        _write_json(staging / _MANIFEST_FILE, manifest)
        for name in (_INDEX_FILE, _CHUNKS_FILE, _DOCUMENTS_FILE, _MANIFEST_FILE):
            _fsync_path(staging / name)
        _fsync_path(staging)
        os.rename(staging, self._version_dir(version))
        _fsync_path(self._versions_dir)
        self._write_pointer(version)
        self._prune(keep_also=version)
        return version

    def _write_pointer(self, version: int) -> None:
        temporary = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{version:06d}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._pointer)
        _fsync_path(self.root)

    def _read_pointer(self) -> int | None:
        try:
            text = self._pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return int(text) if text else None

    def _current_snapshot(self) -> _Snapshot | None:
        """The loaded snapshot, reloaded when CURRENT was replaced (one stat per call)."""
        try:
            status = os.stat(self._pointer)
        except FileNotFoundError:
            return None
        key = (status.st_ino, status.st_mtime_ns, status.st_size)
        if self._snapshot is not None and key == self._pointer_key:
            return self._snapshot
        with self._load_lock:
            if self._snapshot is None or key != self._pointer_key:
                version = self._read_pointer()
                if version and (self._snapshot is None or self._snapshot.version != version):
                    self._snapshot = self._load_version(version)
                self._pointer_key = key
            return self._snapshot

    def _load_version(self, version: int) -> _Snapshot:
        directory = self._version_dir(version)
        manifest = _read_json(directory / _MANIFEST_FILE)
        if manifest is None:
            raise FileNotFoundError(f"index version {version} is missing its manifest under {directory}")
        index = faiss.read_index(str(directory / _INDEX_FILE))
        chunks: dict[int, StoredChunk] = {}
        texts: dict[str, dict[int, str]] = {}
        with open(directory / _CHUNKS_FILE, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if "text" not in row:
                    if row["doc_id"] not in texts:
                        texts[row["doc_id"]] = self._read_texts(row["doc_id"])
                    row["text"] = texts[row["doc_id"]].get(row["chunk_id"], "")
                chunk = StoredChunk(**row)
                chunks[chunk.chunk_id] = chunk
        registry = _read_json(directory / _DOCUMENTS_FILE) or []
        documents = {record["doc_id"]: DocumentRecord(**record) for record in registry}
        return _Snapshot(version=version, manifest=manifest, index=index, chunks=chunks, documents=documents)

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self._lock_file, "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _version_dir(self, version: int) -> Path:
        return self._versions_dir / f"{version:06d}"

    def _version_numbers(self) -> list[int]:
        if not self._versions_dir.is_dir():
            return []
        return sorted(int(entry.name) for entry in self._versions_dir.iterdir() if entry.name.isdigit())

    def _remove_abandoned_temp_dirs(self) -> None:
        """Staging directories left by a writer that died mid-publish (we hold the lock, so none is live)."""
        for entry in self._versions_dir.iterdir():
            if entry.name.startswith(_TEMP_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)

    def _prune(self, keep_also: int) -> None:
        numbers = self._version_numbers()
        keep = set(numbers[-self.keep_versions :]) | {keep_also}
        for version in numbers:
            if version not in keep:
                shutil.rmtree(self._version_dir(version), ignore_errors=True)
        held = set()
        for version in keep:
            held |= {record["doc_id"] for record in _read_json(self._version_dir(version) / _DOCUMENTS_FILE) or []}
        texts_dir = self.root / _TEXTS_DIR
        for path in texts_dir.glob("*.jsonl") if texts_dir.is_dir() else []:
            if path.stem not in held:
                path.unlink(missing_ok=True)

    def _write_texts(self, doc_id: str, texts: dict[int, str]) -> None:
        """A document's chunk texts, written aside and renamed into place before any version names them."""
        texts_dir = self.root / _TEXTS_DIR
        texts_dir.mkdir(parents=True, exist_ok=True)
        temporary = texts_dir / f"{_TEMP_PREFIX}{doc_id}-{uuid.uuid4().hex[:8]}"
        with open(temporary, "w", encoding="utf-8") as handle:
            for chunk_id, text in texts.items():
                handle.write(json.dumps({"chunk_id": chunk_id, "text": text}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._texts_path(doc_id))
        _fsync_path(texts_dir)

    def _texts_path(self, doc_id: str) -> Path:
        if not doc_id.replace("-", "").isalnum():
            raise ValueError(f"document id {doc_id!r} is not a plain identifier")
        return self.root / _TEXTS_DIR / f"{doc_id}.jsonl"

    def _read_texts(self, doc_id: str) -> dict[int, str]:
        path = self._texts_path(doc_id)
        if not path.exists():
            return {}
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        return {row["chunk_id"]: row["text"] for row in rows}

    @staticmethod
    def _params(snapshot: _Snapshot, selector: object | None, nprobe: int) -> faiss.SearchParameters | None:
        params: Any
        if snapshot.is_ivf:
            params = faiss.SearchParametersIVF()
            params.nprobe = nprobe
        elif selector is None:
            return None
        else:
            params = faiss.SearchParameters()
        if selector is not None:
            params.sel = selector
        return params


def _index_meta(manifest: dict) -> dict:
    keys = ("index_type", "nlist", "nprobe", "ivf_trained_on")
    return {key: manifest[key] for key in keys if key in manifest}


def _find_duplicate(records, sha256: str, scope: str, owner: str) -> DocumentRecord | None:
    for record in records:
        if record.sha256 != sha256:
            continue
        if record.scope == "shared" or (scope == "private" and record.owner == owner):
            return record
    return None


def ivf_parameters(vector_count: int) -> tuple[int, int]:
    """nlist ≈ 4·√n; nprobe = max(96, nlist/16). On 50K fully real FiQA chunk vectors (nlist 894) recall@10
    against flat is 0.951 at 32 probes, 0.977 at 64 and 0.989 at 96; vectors grown from a small real sample
    had suggested far fewer probes were enough (`apfa bench search`, docs/benchmarks.md)."""
    nlist = max(1, int(4 * math.sqrt(vector_count)))
    return nlist, max(1, min(nlist, max(96, nlist // 16)))


def build_ivf(vectors: np.ndarray, ids: np.ndarray) -> tuple[faiss.Index, dict]:
    nlist, nprobe = ivf_parameters(len(vectors))
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    training = vectors
    if len(vectors) > IVF_TRAINING_POINTS_PER_LIST * nlist:
        rows = np.random.default_rng(0).choice(len(vectors), IVF_TRAINING_POINTS_PER_LIST * nlist, replace=False)
        training = vectors[rows]
    index.train(np.ascontiguousarray(training))
    index.add_with_ids(np.ascontiguousarray(vectors), ids)
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
    index.nprobe = nprobe
    return index, {"index_type": "ivf", "nlist": nlist, "nprobe": nprobe, "ivf_trained_on": len(vectors)}


def _all_vectors(index: faiss.Index, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every stored vector with its id, for re-training an IVF index."""
    if isinstance(index, faiss.IndexIDMap):
        inner = faiss.downcast_index(index.index)
        return inner.reconstruct_n(0, inner.ntotal), faiss.vector_to_array(index.id_map).astype(np.int64)
    ids = np.sort(ids)
    return index.reconstruct_batch(ids), ids


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _write_json(path: Path, payload) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@lru_cache(maxsize=8)
def store_at(root: Path, ivf_threshold: int = DEFAULT_IVF_THRESHOLD) -> IndexStore:
    """One store per index directory and process, so its loaded snapshot is shared by all callers."""
    return IndexStore(root, ivf_threshold=ivf_threshold)


def get_store(settings: Settings) -> IndexStore:
    """The process's store for the configured index directory."""
    return store_at(settings.index_dir.resolve(), settings.ivf_threshold)
