"""Turn an uploaded file into page-numbered plain text.

Page numbers are kept so that answers can cite "title, p. N". Every failure a user can cause raises an
`IngestError` subclass whose message is written to be shown to them unchanged.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from apfa.settings import Settings

SUPPORTED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}

_HTML_NOISE_TAGS = ("script", "style", "nav", "noscript", "template", "svg", "iframe")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_WORD_EXPORT_PREFIX = re.compile(r"^Microsoft (?:Word|PowerPoint) - ", re.IGNORECASE)
_PLACEHOLDER_TITLE = re.compile(r"(?:untitled|document|title|[\w-]+\.(?:docx?|pdf|pptx?|txt))[\s\d_-]*", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


class IngestError(Exception):
    """A problem with the document itself: retrying will not help, and the message is fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedFileError(IngestError):
    """The file type is not one APFA can read."""


class EmptyDocumentError(IngestError):
    """The file holds no text APFA can extract (empty, or a scanned image without a text layer)."""


class CorruptDocumentError(IngestError):
    """The file is damaged or protected so that its text cannot be read."""


class FileTooLargeError(IngestError):
    """The file exceeds the configured upload limit."""


class ArchiveLimitError(IngestError):
    """An office file's zip container would inflate past the configured limits (a decompression bomb)."""


ZIP_BASED_TYPES = frozenset({".docx"})
RATIO_CHECK_MIN_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what an office file's zip container may expand to, checked before any member is inflated."""

    max_inflated_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_members: int = 1000

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveLimits:
        return cls(
            settings.archive_max_inflated_mb * 1024 * 1024, settings.archive_max_ratio, settings.archive_max_members
        )


@dataclass(frozen=True)
class UploadLimits:
    """How large an upload may be, and what its office container may expand to."""

    max_bytes: int = 25 * 1024 * 1024
    archive: ArchiveLimits = ArchiveLimits()

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        return cls(settings.max_upload_bytes, ArchiveLimits.from_settings(settings))


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    pages: list[Page]
    mime: str


@dataclass(frozen=True)
class Page:
    """One page of text; `number` counts from 1, as a citation shows it."""

    number: int
    text: str


def supported_types_text() -> str:
    return ", ".join(sorted({suffix.lstrip(".").upper() for suffix in SUPPORTED_TYPES} - {"HTM", "MARKDOWN"}))


def is_supported(filename: str) -> bool:
    return Path(filename).suffix.lower() in SUPPORTED_TYPES


def check_size(path: Path, filename: str, limit: int) -> int:
    """Refuse oversize files before reading them; returns the size in bytes."""
    size = path.stat().st_size
    if size > limit:
        raise FileTooLargeError(
            f"“{filename}” is {_megabytes(size)}, which is over the upload limit of {_megabytes(limit)}. "
            "Split it into smaller files and upload them separately."
        )
    return size


def check_archive(path: Path, filename: str, limits: ArchiveLimits) -> None:
    """Refuse a zip-based office file whose members would inflate too far, reading only its directory.

    The sizes come from the zip's central directory; `zipfile` never inflates a member past its declared size
    (it stops there and fails the CRC check), so checking the declared sizes bounds the memory parsing can use.
    """
    if Path(filename).suffix.lower() not in ZIP_BASED_TYPES:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CorruptDocumentError(
            f"“{filename}” could not be read as a Word document; the file may be damaged."
        ) from error
    refusal = f"“{filename}” was refused: it is a compressed container that would expand to"
    if len(members) > limits.max_members:
        raise ArchiveLimitError(f"{refusal} {len(members)} parts (the limit is {limits.max_members}).")
    inflated = sum(member.file_size for member in members)
    if inflated > limits.max_inflated_bytes:
        raise ArchiveLimitError(
            f"{refusal} {_megabytes(inflated)} (the limit is {_megabytes(limits.max_inflated_bytes)})."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECK_MIN_BYTES and ratio > limits.max_ratio:
            raise ArchiveLimitError(
                f"{refusal} {ratio:.0f} times its compressed size (the limit is {limits.max_ratio} times)."
            )


def parse_file(
    path: Path | str,
    filename: str | None = None,
    limits: UploadLimits = UploadLimits(),
) -> ParsedDocument:
    """Extract the title and the text of every page; `filename` is the user's name for the file."""
    path = Path(path)
    filename = filename or path.name
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_TYPES:
        raise UnsupportedFileError(
            f"“{filename}” is not a supported file type. Supported types: {supported_types_text()}."
        )
    if check_size(path, filename, limits.max_bytes) == 0:
        raise EmptyDocumentError(f"“{filename}” is empty.")
    check_archive(path, filename, limits.archive)

    stem = Path(filename).stem
    match suffix:
        case ".pdf":
            title, pages = _parse_pdf(path, filename)
        case ".docx":
            title, pages = _parse_docx(path, filename)
        case ".html" | ".htm":
            title, pages = _parse_html(path.read_bytes())
        case ".md" | ".markdown":
            text = _decode(path.read_bytes())
            heading = _MARKDOWN_HEADING.search(text)
            title, pages = (heading.group("title") if heading else None), [text]
        case _:
            title, pages = None, [_decode(path.read_bytes())]

    numbered = [Page(number, _tidy(text)) for number, text in enumerate(pages, start=1)]
    numbered = [page for page in numbered if page.text.strip()]
    if not numbered:
        hint = ""
        if suffix == ".pdf":
            hint = " It looks like a scanned image; APFA cannot read text from images."
        raise EmptyDocumentError(f"“{filename}” contains no text that APFA can read.{hint}")
    return ParsedDocument(title=_clean_title(title) or stem, pages=numbered, mime=SUPPORTED_TYPES[suffix])


def _parse_pdf(path: Path, filename: str) -> tuple[str | None, list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    unreadable = CorruptDocumentError(
        f"“{filename}” could not be read as a PDF; the file may be damaged. Try exporting it again."
    )
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptDocumentError(f"“{filename}” is password-protected. Remove the password and upload it again.")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata_title = _useful_pdf_title(reader.metadata.title if reader.metadata else None)
        title = metadata_title or _first_outline_title(reader.outline)
    except IngestError:
        raise
    except FileNotDecryptedError as error:
        raise CorruptDocumentError(
            f"“{filename}” is password-protected. Remove the password and upload it again."
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError) as error:
        raise unreadable from error
    return title, pages


def _useful_pdf_title(title: str | None) -> str | None:
    """Metadata titles that tools write by default ("untitled", "Microsoft Word - x.docx") say nothing."""
    if not title:
        return None
    title = _WORD_EXPORT_PREFIX.sub("", str(title)).strip()
    if _PLACEHOLDER_TITLE.fullmatch(title):
        return None
    return title


def _first_outline_title(outline: Iterable) -> str | None:
    for entry in outline:
        if isinstance(entry, list):
            nested = _first_outline_title(entry)
            if nested:
                return nested
        elif getattr(entry, "title", None):
            return str(entry.title)
    return None


def _parse_docx(path: Path, filename: str) -> tuple[str | None, list[str]]:
    """One page per rendered page when Word recorded its layout, else split at hard page breaks."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise CorruptDocumentError(
            f"“{filename}” could not be read as a Word document; the file may be damaged."
        ) from error

    paragraphs = [block for block in blocks if not isinstance(block, Table)]
    use_rendered_breaks = any(paragraph.contains_page_break for paragraph in paragraphs)
    pages: list[list[str]] = [[]]
    heading: str | None = None
    for block in blocks:
        if isinstance(block, Table):
            pages[-1].extend(_table_lines(block))
            continue
        style_name = block.style.name if block.style is not None else ""
        if heading is None and block.text.strip() and style_name.startswith(("Heading", "Title")):
            heading = block.text.strip()
        if use_rendered_breaks and block.rendered_page_breaks:
            page_break = block.rendered_page_breaks[0]
            before, after = page_break.preceding_paragraph_fragment, page_break.following_paragraph_fragment
            pages[-1].append(before.text if before is not None else "")
            pages.append([after.text if after is not None else ""])
            continue
        if not use_rendered_breaks and block.paragraph_format.page_break_before and any(pages[-1]):
            pages.append([])
        pages[-1].append(block.text)
        if not use_rendered_breaks and block._p.xpath("./w:r/w:br[@w:type='page']"):
            pages.append([])
    title = document.core_properties.title or heading
    return title, ["\n".join(lines) for lines in pages]


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _parse_html(raw: bytes) -> tuple[str | None, list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(_HTML_NOISE_TAGS):
        tag.decompose()
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    if not title:
        heading = soup.find("h1")
        title = heading.get_text(" ", strip=True) if heading else None
    if title_tag:
        title_tag.decompose()
    body = soup.body or soup
    return title, [body.get_text("\n")]


def _decode(raw: bytes) -> str:
    from bs4 import UnicodeDammit

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return UnicodeDammit(raw, ["utf-8", "windows-1252", "latin-1"]).unicode_markup or ""


def _tidy(text: str) -> str:
    """Normalise line endings and blank-line runs so chunk offsets index stable text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(str(title).split())
    return title[:200] or None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
