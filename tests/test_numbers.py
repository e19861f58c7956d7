"""Amounts and target values: examples from real documents, and property-based variants."""

from __future__ import annotations

import doctest
from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from budgetkg.graph import numbers
from budgetkg.graph.numbers import amount_of_value, parse_amount, parse_decimal, parse_value

FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


def test_doctests():
    assert doctest.testmod(numbers).failed == 0


@pytest.mark.parametrize("raw, op, number, unit", [
    ("≥90%", ">=", "90", "%"),
    ("≤5 万元", "<=", "5", "万元"),
    ("=100%", "=", "100", "%"),
    ("≥1 次", ">=", "1", "次"),
    ("≥1天", ">=", "1", "天"),
    (r"$\geq 90\%$", ">=", "90", "%"),
    ("≥ 1 人", ">=", "1", "人"),
    ("≥13459.00(平方米)", ">=", "13459.00", "平方米"),
    ("=100.00(%)", "=", "100.00", "%"),
    ("≧９５％", ">=", "95", "%"),
    (">=90%", ">=", "90", "%"),
    ("不低于 20 万元", ">=", "20", "万元"),
    ("不少于15万元", ">=", "15", "万元"),
    ("90%以上", ">=", "90", "%"),
    ("100%", "=", "100", "%"),
    ("＜5%", "<", "5", "%"),
    ("3", "=", "3", None),
])
def test_values_seen_in_documents(raw, op, number, unit):
    value = parse_value(raw)
    assert (value.raw, value.op, value.number, value.unit) == (raw, op, D(number), unit)


@pytest.mark.parametrize("raw", ["按时完成", "较好", "", "逐步提高，达到90%", "2020年12月31日前完成", "90-95%"])
def test_free_text_has_no_op_or_number(raw):
    value = parse_value(raw)
    assert (value.raw, value.op, value.number, value.unit) == (raw, None, None, None)


OPS = {">=": ["≥", ">=", "≧", "不低于", "不少于", "大于等于"], "<=": ["≤", "<=", "≦", "不超过", "不高于"],
       "=": ["=", "＝", "等于"], ">": [">", "大于", "＞"], "<": ["<", "小于", "＜"]}
UNITS = ["%", "次", "天", "人", "项", "万元", "元", "平方米", "个", "户", "件"]


def _spaces(draw, text: str) -> str:
    """Insert spaces at random places, as PDF-to-text conversions do."""
    out = []
    for ch in text:
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(" ")
        out.append(ch)
    return "".join(out)


@st.composite
def target_values(draw):
    op = draw(st.sampled_from(sorted(OPS)))
    word = draw(st.sampled_from(OPS[op]))
    number = draw(st.decimals(min_value=0, max_value=10**7, places=draw(st.integers(0, 2)), allow_nan=False))
    unit = draw(st.sampled_from(UNITS))
    text = f"{word}{number}{unit}"
    if draw(st.booleans()):
        text = _spaces(draw, text)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text, op, number, unit


@given(target_values())
def test_any_spelling_of_a_target_gives_op_number_unit(case):
    text, op, number, unit = case
    value = parse_value(text)
    assert (value.op, value.number, value.unit) == (op, number, unit)
    assert value.raw == text


@given(st.text())
def test_parse_value_never_raises_and_keeps_raw(text):
    value = parse_value(text)
    assert value.raw == text
    assert (value.op is None) == (value.number is None)


@st.composite
def printed_amounts(draw):
    """(printed text, default unit, value in 万元)."""
    number = draw(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
    unit = draw(st.sampled_from(["万元", "元", "亿元", ""]))
    integer, _, fraction = f"{number:.2f}".partition(".")
    if draw(st.booleans()):
        integer = f"{int(integer):,}"
    text = f"{integer}.{fraction}{unit}"
    if draw(st.booleans()):
        text = _spaces(draw, text)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    default = draw(st.sampled_from(["万元", "元"]))
    factor = numbers.MONEY_UNITS[unit or default]
    return text, default, number * factor


@given(printed_amounts())
def test_amounts_convert_exactly_to_wan_yuan(case):
    text, default, expected = case
    assert parse_amount(text, default_unit=default) == expected


@pytest.mark.parametrize("text, default, expected", [
    ("86,959,408.34", "元", "8695.940834"),
    ("9628.22万元", "万元", "9628.22"),
    ("18,976.76万元", "万元", "18976.76"),
    ("1099.98", "万元", "1099.98"),
    ("0", "万元", "0"),
])
def test_amounts_from_real_documents(text, default, expected):
    assert parse_amount(text, default_unit=default) == D(expected)


@pytest.mark.parametrize("text", ["", "——", "-", "万元", "约100万元", "1.2.3", "12,34"])
def test_non_amounts(text):
    assert parse_amount(text) is None


def test_amount_of_a_target_value():
    assert amount_of_value(parse_value("≤44.1 万元")) == D("44.1")
    assert amount_of_value(parse_value("≤20000元")) == D(2)
    assert amount_of_value(parse_value("≥1 次")) is None
    assert parse_decimal("1 2") == D(12)
