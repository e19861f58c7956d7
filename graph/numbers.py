"""Amounts and indicator target values as printed in budget disclosures.

Money is always returned as :class:`~decimal.Decimal` in 万元 (ten thousand yuan); indicator
values keep their printed precision.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .records import Value

#: How many 万元 one of each printed money unit is.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "百万元": Decimal(100),
    "亿元": Decimal(10000),
}

_LATEX = [
    (re.compile(r"\\geq?\b|\\geqslant\b"), "≥"),
    (re.compile(r"\\leq?\b|\\leqslant\b"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\[,;! ]"), ""),
    (re.compile(r"\$"), ""),
]


def normalise(text: str) -> str:
    """Fold full-width forms and LaTeX residue into plain text and drop every space.

    >>> normalise(r"$\\geq 90\\%$")
    '≥90%'
    >>> normalise("≤ 2.1 万 元")
    '≤2.1万元'
    >>> normalise("＞＝９０％")
    '>=90%'
    """
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("≧", "≥").replace("≦", "≤").replace("﹪", "%")
    return re.sub(r"\s+", "", text)


_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>千元|百万元|万元|亿元|元)?$")


def parse_decimal(text: str) -> Decimal | None:
    """A printed number (thousands separators, full-width digits, spaces) as a Decimal.

    >>> parse_decimal("86,959,408.34")
    Decimal('86959408.34')
    >>> parse_decimal("1 099.98")
    Decimal('1099.98')
    >>> parse_decimal("——") is None
    True
    """
    text = normalise(text)
    if not re.fullmatch(_NUMBER, text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def parse_amount(text: str, default_unit: str = "万元") -> Decimal | None:
    """Money as printed (``1,099.98万元``, ``86,959,408.34`` in 元, ``0.5亿元``) in 万元, exactly.

    A number without its own unit is in ``default_unit``. Returns None for blanks and dashes.

    >>> parse_amount("1099.98万元")
    Decimal('1099.98')
    >>> parse_amount("86,959,408.34", default_unit="元")
    Decimal('8695.940834')
    >>> parse_amount("0.5亿元")
    Decimal('5000.0')
    >>> parse_amount("——") is None
    True
    """
    match = _AMOUNT.match(normalise(text))
    if not match:
        return None
    unit = match["unit"] or default_unit
    if unit not in MONEY_UNITS:
        raise ValueError(f"unknown money unit {unit!r}")
    number = Decimal(match["num"].replace(",", ""))
    return number * MONEY_UNITS[unit] if unit != "万元" else number


# Comparison words as they appear before or after a target; the longest match wins.
_PREFIX_OPS = [
    ("大于或等于", ">="), ("大于等于", ">="), ("不低于", ">="), ("不少于", ">="), ("不小于", ">="),
    ("至少", ">="), (">=", ">="), ("≥", ">="), ("=>", ">="),
    ("小于或等于", "<="), ("小于等于", "<="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
    ("不大于", "<="), ("最多", "<="), ("<=", "<="), ("≤", "<="), ("=<", "<="),
    ("等于", "="), ("==", "="), ("=", "="),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("<", "<"),
]
_PREFIX_OPS.sort(key=lambda pair: -len(pair[0]))
_SUFFIX_OPS = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<=")]

_VALUE = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>[^\d]{{0,8}}?)$")
_UNIT_IN_PARENS = re.compile(r"^[(（\[](?P<unit>[^()（）\[\]]{1,6})[)）\]]$")
_NOT_A_UNIT = re.compile(r"[，,。；;：:、!?！？\"“”'‘’]")


def parse_value(raw: str) -> Value:
    """An indicator target (指标值) as {raw, op, number, unit}; free text keeps op and number None.

    A bare figure (``100%``) is read as ``=``.

    >>> parse_value("≥1 次")
    Value(raw='≥1 次', op='>=', number=Decimal('1'), unit='次')
    >>> parse_value(r"$\\geq 90\\%$")
    Value(raw='$\\\\geq 90\\\\%$', op='>=', number=Decimal('90'), unit='%')
    >>> parse_value("≥13459.00(平方米)")
    Value(raw='≥13459.00(平方米)', op='>=', number=Decimal('13459.00'), unit='平方米')
    >>> parse_value("按时完成")
    Value(raw='按时完成', op=None, number=None, unit=None)
    """
    text = normalise(raw)
    op = None
    for word, symbol in _PREFIX_OPS:
        if text.startswith(word):
            op, text = symbol, text[len(word):]
            break
    for word, symbol in _SUFFIX_OPS:
        if op is None and text.endswith(word):
            op, text = symbol, text[: -len(word)]
            break
    match = _VALUE.match(text)
    if not match:
        return Value(raw=raw, op=None, number=None, unit=None)
    unit = match["unit"]
    parens = _UNIT_IN_PARENS.match(unit)
    if parens:
        unit = parens["unit"]
    if _NOT_A_UNIT.search(unit):
        return Value(raw=raw, op=None, number=None, unit=None)
    number = Decimal(match["num"].replace(",", ""))
    return Value(raw=raw, op=op or "=", number=number, unit=unit or None)


def amount_of_value(value: Value) -> Decimal | None:
    """The money a parsed target states, in 万元 (``≤5 万元`` → 5), or None if it is no amount.

    >>> amount_of_value(parse_value("≤44.1 万元"))
    Decimal('44.1')
    >>> amount_of_value(parse_value("≤5000元"))
    Decimal('0.5000')
    >>> amount_of_value(parse_value("≥90%")) is None
    True
    """
    if value.number is None or value.unit not in MONEY_UNITS:
        return None
    return value.number * MONEY_UNITS[value.unit] if value.unit != "万元" else value.number


_CN_DIGITS = {ch: i + 1 for i, ch in enumerate("一二三四五六七八九")}


def chinese_numeral(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (enough for section and list numbers); None otherwise.

    >>> [chinese_numeral(t) for t in ("一", "十", "十二", "二十", "九十九", "百", "")]
    [1, 10, 12, 20, 99, None, None]
    """
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
