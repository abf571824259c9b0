"""A real Word document whose `word/document.xml` inflates to hundreds of megabytes from well under a megabyte."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docfactory import make_docx

PARAGRAPH = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"


def make_docx_bomb(path: Path, inflated_mb: int) -> Path:
    """Copy a valid .docx, replacing its body by `inflated_mb` MB of paragraphs (written in pieces, never held)."""
    template = make_docx(path.with_suffix(".template.docx"), "Bomb", [["A real paragraph."]])
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, source.read(member))
                continue
            head, _, _ = source.read(member).partition(b"<w:body>")
            with bomb.open("word/document.xml", "w", force_zip64=True) as body:
                body.write(head + b"<w:body>")
                for _ in range(inflated_mb * 1024 * 1024 // len(PARAGRAPH)):
                    body.write(PARAGRAPH)
                body.write(b"</w:body></w:document>")
    return path
