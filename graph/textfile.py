"""Reading a disclosure that is already text: bytes → checked, decoded, numbered lines.

Tables are tab-separated lines. Helpers here know nothing of budgets: they find tables, join
paragraphs that a PDF-to-text conversion broke, and squeeze spaces out for matching.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .records import DocumentError, Source

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Line:
    no: int  # 1-based
    text: str  # without the line break, trailing spaces removed

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def is_row(self) -> bool:
        return "\t" in self.text

    @cached_property
    def cells(self) -> list[str]:
        return [clean(cell) for cell in self.text.split("\t")]

    @cached_property
    def squeezed(self) -> str:
        return squeeze(self.text)


def clean(text: str) -> str:
    """Trim a cell or paragraph and collapse runs of spaces (full-width ones too) into one."""
    return re.sub(r"[ \u3000\xa0]+", " ", text).strip()


def squeeze(text: str) -> str:
    """Drop every space: Chinese prose needs none, and conversions insert them at random.

    >>> squeeze("2021 年单位预算 公开")
    '2021年单位预算公开'
    """
    return re.sub(r"[ \u3000\xa0\t]+", "", text)


def fold(text: str) -> str:
    """Squeeze and fold full-width letters, digits and punctuation to their ASCII forms.

    >>> fold("（２０１７）６ 号")
    '(2017)6号'
    """
    return squeeze(unicodedata.normalize("NFKC", text))


def read_lines(path: str | Path) -> tuple[Source, list[Line]]:
    """Read a text disclosure; raise DocumentError for empty, binary or undecodable files."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentError(name, f"cannot read the file: {err.strerror or err}") from None
    if not data.strip():
        raise DocumentError(name, "the file is empty")
    if data.startswith(b"%PDF"):
        raise DocumentError(name, "this is a PDF, not a text document", line=1)
    offset = _binary_offset(data[:8192])
    if offset is not None:
        line = data.count(b"\n", 0, offset) + 1
        raise DocumentError(name, f"binary data (byte {offset}), not a text document", line=line)
    text = _decode(name, data)
    sample = text[:20000]
    if _CONTROL.search(sample) and len(_CONTROL.findall(sample)) > max(3, len(sample) // 200):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        raise DocumentError(name, "binary data, not a text document", line=line)
    lines = [Line(no, raw.rstrip(" \r")) for no, raw in enumerate(text.split("\n"), start=1)]
    if lines and lines[-1].is_blank and text.endswith("\n"):
        lines.pop()
    source = Source(
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        format="text",
        pages=None,
        lines=len(lines),
        size=len(data),
    )
    return source, lines


def _binary_offset(head: bytes) -> int | None:
    """Where binary data shows (a NUL, or the first of many control bytes), else None: no text
    encoding of Chinese produces those."""
    controls = [i for i, byte in enumerate(head) if byte < 0x20 and byte not in b"\t\n\r\f"]
    if b"\x00" in head:
        return head.index(b"\x00")
    return controls[0] if len(controls) > max(3, len(head) // 100) else None


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise DocumentError(
                name, f"not UTF-8 or GB18030 text (byte {utf8_error.start} cannot be decoded)", line=line
            ) from None
        if _cjk_ratio(text) < 0.05:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise DocumentError(name, "binary data, not a text document", line=line)
        return text


def _cjk_ratio(text: str) -> float:
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return 0.0
    return sum(1 for ch in visible if "\u4e00" <= ch <= "\u9fff") / len(visible)


def table_blocks(lines: list[Line], start: int = 0, end: int | None = None) -> list[list[Line]]:
    """Runs of tab-separated rows between ``start`` and ``end`` (indexes); blank lines inside a
    run do not end it, any other line does."""
    end = len(lines) if end is None else end
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines[start:end]:
        if line.is_row:
            current.append(line)
        elif line.is_blank:
            continue
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


_SENTENCE_END = tuple("。！？!?；;：:")


def paragraphs(lines: list[Line], starts: re.Pattern[str] | None = None) -> list[tuple[int, str]]:
    """Join lines a conversion broke mid-sentence: a line that does not end a sentence runs on
    into the next non-blank line, unless that line matches ``starts`` (a heading, a numbered
    item). Returns (first line number, text) pairs."""
    result: list[tuple[int, str]] = []
    open_paragraph = False
    for line in lines:
        if line.is_blank:
            continue
        text = clean(line.text)
        if open_paragraph and result and not (starts and starts.match(line.squeezed)):
            no, previous = result[-1]
            result[-1] = (no, previous + text)
        else:
            result.append((line.no, text))
        open_paragraph = not text.endswith(_SENTENCE_END)
    return result
