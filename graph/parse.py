"""One entry point for every document format, and the JSON form of a parsed document."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import simplejson

from .citations import attach_bases
from .pdfparser import parse_pdf
from .records import Document, DocumentError
from .textparser import parse_text

#: File name endings of the documents a folder is searched for.
TEXT_SUFFIXES = (".txt", ".text", ".tsv")
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + (".pdf",)


def parse_document(path: str | Path) -> Document:
    """Read one disclosure (text, or a published PDF) into a Document."""
    path = Path(path)
    if path.is_dir():
        raise DocumentError(str(path), "is a folder, not a document")
    try:
        with open(path, "rb") as handle:
            head = handle.read(5)
    except OSError as err:
        raise DocumentError(str(path), f"cannot read the file: {err.strerror or err}") from None
    if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        return attach_bases(parse_pdf(path))
    return attach_bases(parse_text(path))


def to_dict(document: Document) -> dict[str, Any]:
    """The document as plain data (Decimals kept) under the documented JSON keys."""
    return dataclasses.asdict(document)


def to_json(document: Document, indent: int | None = 2) -> str:
    """UTF-8 JSON, not ASCII-escaped; money keeps its printed digits (Decimal, not float)."""
    return simplejson.dumps(to_dict(document), ensure_ascii=False, use_decimal=True, indent=indent)
