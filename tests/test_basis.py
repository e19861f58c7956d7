"""Legal bases: recognition, normalisation and linking (budgetkg.graph.basis)."""

from __future__ import annotations

import dataclasses
import doctest
import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budgetkg.graph import basis
from budgetkg.graph.basis import (
    KINDS,
    BasisRef,
    CitationNote,
    LegalBasis,
    Recognition,
    link,
    normalise_doc_number,
    recognise,
)

LAWS_TSV = Path(basis.__file__).resolve().parent / "data" / "cn_laws.tsv"
TABLE_START = re.compile(r"^(\d+)、.*绩效目标表$")


def _ref(r: BasisRef) -> tuple:
    return (r.kind, r.canonical, r.issuer_code, r.year, r.number, r.title, r.notice, r.issuer)


def _note(n: CitationNote) -> tuple:
    return (n.text, n.amount, n.op)


# --------------------------------------------------------------------------------------------
# The Hebei sample: every distinct 指标值确定依据 cell
# --------------------------------------------------------------------------------------------

D, L, R, C, I = "document_number", "law", "regulation", "charter", "internal_decision"
XUEFA = "秦皇岛经济技术开发区机关事业单位工作人员学法制度"
XUEFA_NOTICE = f"关于印发《{XUEFA}》的通知"
TIAOJIE = "秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法"
ZHIFA = "河北省行政执法证件和行政执法监督检查证件管理办法"
GUWEN = "秦皇岛市人民政府关于推进政府法律顾问制度的意见"
JIANHU = "关于实施严重精神障碍患者监护人以奖代补和监护人责任险的暂行办法"
ZONGZHI = "关于做好综治重点工作经费纳入本级财政预算的通知"
JIAOZHENG = "政府购买社区矫正社会服务实施方案"

#: cell → (refs as (kind, canonical, issuer_code, year, number, title, notice, issuer), notes)
SAMPLE: dict[str, tuple[tuple[tuple, ...], tuple[tuple, ...]]] = {
    "秦开工委〔2005〕32号文件要求": (
        ((D, "秦开工委〔2005〕32号", "秦开工委", 2005, 32, None, None, None),), ()),
    "中国法学会章程": (
        ((C, "中国法学会章程", None, None, None, "中国法学会章程", None, None),), ()),
    f"《{ZHIFA}》": (
        ((R, ZHIFA, None, None, None, ZHIFA, None, None),), ()),
    "秦发（2016）12 号文件要求": (
        ((D, "秦发〔2016〕12号", "秦发", 2016, 12, None, None, None),), ()),
    "新增管委已批, 必保项目": (
        ((I, "新增管委已批，必保项目", None, None, None, None, None, None),), ()),
    "新增管委已批，必保项目": (
        ((I, "新增管委已批，必保项目", None, None, None, None, None, None),), ()),
    XUEFA_NOTICE: (
        ((R, XUEFA, None, None, None, XUEFA, XUEFA_NOTICE, None),), ()),
    f"冀综治办（2017）6号文件要求：{ZONGZHI}": (
        ((D, "冀综治办〔2017〕6号", "冀综治办", 2017, 6, ZONGZHI, None, None),), ()),
    f"秦皇岛经济技术开发区管理委员会办公室关于印发《{TIAOJIE}》的通知": (
        ((R, TIAOJIE, None, None, None, TIAOJIE, f"关于印发《{TIAOJIE}》的通知",
          "秦皇岛经济技术开发区管理委员会办公室"),), ()),
    "河北省见义勇为条例": (
        ((R, "河北省见义勇为条例", None, None, None, "河北省见义勇为条例", None, None),), ()),
    "省委、省政府冀发〔2002〕4号文件要求": (
        ((D, "冀发〔2002〕4号", "冀发", 2002, 4, None, None, "省委、省政府"),), ()),
    f"《{GUWEN}》": (
        ((R, GUWEN, None, None, None, GUWEN, None, None),), ()),
    "市委市政府秦办字〔2010〕49号文件要求：每县区每年防范经费不低于20万元）（涉密）": (
        ((D, "秦办字〔2010〕49号", "秦办字", 2010, 49, None, None, "市委市政府"),),
        (("每县区每年防范经费不低于20万元", Decimal(20), ">="), ("涉密", None, None))),
    "新增项目，2020 年此项工作由区公安分局转到区政法委管理，按照《禁毒法》规定，每年不少于 15 万元": (
        ((I, "新增项目", None, None, None, None, None, None),
         (L, "中华人民共和国禁毒法", None, None, None, "中华人民共和国禁毒法", None, None)),
        (("2020 年此项工作由区公安分局转到区政法委管理", None, None),
         ("每年不少于 15 万元", Decimal(15), ">="))),
    f"秦开工办(2017)22号文件要求:关于印发《{XUEFA}》)的通知": (
        ((D, "秦开工办〔2017〕22号", "秦开工办", 2017, 22, XUEFA, XUEFA_NOTICE, None),), ()),
    "省委政法委（2012）131号文件要求": (
        ((D, "省委政法委〔2012〕131号", "省委政法委", 2012, 131, None, None, None),), ()),
    f"关于印发《{JIANHU}》的通知，每个人 100 元，全区共 400 人，需要 4 万元，新增必保项目": (
        ((R, JIANHU, None, None, None, JIANHU, f"关于印发《{JIANHU}》的通知", None),
         (I, "新增必保项目", None, None, None, None, None, None)),
        (("每个人 100 元，全区共 400 人，需要 4 万元", Decimal(4), "="),)),
    "涉密，政治任务必保项目": (
        ((I, "涉密，政治任务必保项目", None, None, None, None, None, None),), ()),
    f"冀司〔2018〕121号《{JIAOZHENG}》的通知": (
        ((D, "冀司〔2018〕121号", "冀司", 2018, 121, JIAOZHENG, f"《{JIAOZHENG}》的通知", None),), ()),
    "冀财行[2013]80 号": (
        ((D, "冀财行〔2013〕80号", "冀财行", 2013, 80, None, None, None),), ()),
}

#: entity key → (canonical, kind, the tables that cite it)
SAMPLE_ENTITIES: dict[str, tuple[str, str, list[int]]] = {
    "秦开工委-2005-32": ("秦开工委〔2005〕32号", D, [1]),
    "中国法学会章程": ("中国法学会章程", C, [2]),
    ZHIFA: (ZHIFA, R, [3, 5, 14]),
    "秦发-2016-12": ("秦发〔2016〕12号", D, [4]),
    "新增管委已批-必保项目": ("新增管委已批，必保项目", I, [6, 8, 12, 20]),
    "秦开工办-2017-22": ("秦开工办〔2017〕22号", D, [7, 18]),
    "冀综治办-2017-6": ("冀综治办〔2017〕6号", D, [9]),
    TIAOJIE: (TIAOJIE, R, [10]),
    "河北省见义勇为条例": ("河北省见义勇为条例", R, [11]),
    "冀发-2002-4": ("冀发〔2002〕4号", D, [13]),
    GUWEN: (GUWEN, R, [15, 21]),
    "秦办字-2010-49": ("秦办字〔2010〕49号", D, [16]),
    "新增项目": ("新增项目", I, [17]),
    "中华人民共和国禁毒法": ("中华人民共和国禁毒法", L, [17]),
    "省委政法委-2012-131": ("省委政法委〔2012〕131号", D, [19]),
    JIANHU: (JIANHU, R, [22]),
    "新增必保项目": ("新增必保项目", I, [22]),
    "涉密-政治任务必保项目": ("涉密，政治任务必保项目", I, [23]),
    "冀司-2018-121": ("冀司〔2018〕121号", D, [24]),
    "冀财行-2013-80": ("冀财行〔2013〕80号", D, [25]),
}


@pytest.fixture(scope="module")
def sample_cells(hebei_text: str) -> dict[str, list[int]]:
    """Each distinct basis cell of the sample → the table numbers (in order) where it appears."""
    cells: dict[str, list[int]] = {}
    table = None
    header_seen = False
    for line in hebei_text.split("\n"):
        start = TABLE_START.match(line)
        if start:
            table, header_seen = int(start[1]), False
            continue
        fields = line.split("\t")
        if table is None or len(fields) < 6:
            continue
        if fields[5] == "指标值确定依据":
            header_seen = True
        elif header_seen and fields[5].strip():
            tables = cells.setdefault(fields[5], [])
            if table not in tables:
                tables.append(table)
    return cells


def test_sample_cells_are_the_expected_ones(sample_cells: dict[str, list[int]]) -> None:
    assert set(sample_cells) == set(SAMPLE)
    assert sorted({t for ts in sample_cells.values() for t in ts}) == list(range(1, 26))


@pytest.mark.parametrize("cell", list(SAMPLE))
def test_sample_cell(cell: str) -> None:
    refs, notes = SAMPLE[cell]
    r = recognise(cell)
    assert tuple(_ref(x) for x in r.refs) == refs
    assert tuple(_note(n) for n in r.notes) == notes
    assert r.unrecognised is None
    for x in r.refs:
        assert x.variant in cell


def test_sample_linking(sample_cells: dict[str, list[int]]) -> None:
    cited: list[tuple[BasisRef, int]] = []
    for cell, tables in sample_cells.items():
        for table in tables:
            cited += [(ref, table) for ref in recognise(cell).refs]
    entities, of = link(ref for ref, _ in cited)
    tables_of: dict[str, list[int]] = {}
    for ref, table in cited:
        tables_of.setdefault(of[ref].key, []).append(table)
    got = {e.key: (e.canonical, e.kind, sorted(set(tables_of[e.key]))) for e in entities}
    assert got == SAMPLE_ENTITIES
    assert len({e.key for e in entities}) == len(entities)

    by_key = {e.key: e for e in entities}
    xuefa = by_key["秦开工办-2017-22"]
    assert (xuefa.issuer_code, xuefa.year, xuefa.number) == ("秦开工办", 2017, 22)
    assert (xuefa.title, xuefa.notice) == (XUEFA, XUEFA_NOTICE)
    assert set(xuefa.variants) == {XUEFA_NOTICE, "秦开工办(2017)22号"}
    assert by_key["新增管委已批-必保项目"].variants == ("新增管委已批, 必保项目", "新增管委已批，必保项目")
    assert by_key["冀发-2002-4"].issuer == "省委、省政府"
    assert by_key["秦办字-2010-49"].issuer == "市委市政府"
    assert by_key["冀综治办-2017-6"].title == ZONGZHI
    assert by_key["冀司-2018-121"].title == JIAOZHENG


def test_sample_goal_texts_cite_nothing(hebei_text: str) -> None:
    goals = [f[1] for f in (line.split("\t") for line in hebei_text.split("\n")) if f[0] == "绩效目标"]
    assert len(goals) == 25
    for goal in goals:
        r = recognise(goal)
        assert r.refs == () and r.notes == ()
        assert r.unrecognised == goal.strip().rstrip("。")


# --------------------------------------------------------------------------------------------
# 发文字号: variant spellings (property-based)
# --------------------------------------------------------------------------------------------

BRACKETS = [("〔", "〕"), ("（", "）"), ("(", ")"), ("[", "]"), ("【", "】"), ("［", "］"), ("﹝", "﹞")]
PLACE_CODES = ["冀综治办", "秦开工办", "冀财行", "秦发", "冀发", "冀政办字", "秦办字", "冀司", "秦开工委",
               "国办发", "国发", "中办发", "京政发", "冀人社办", "沪财预", "冀政办函"]
CODES = [*PLACE_CODES, "省委政法委"]
ISSUERS = ["省委、省政府", "市委市政府", "区委、区政府", "管委会", "市委、市政府", "省委省政府办公厅"]
TOPICS = ["做好综治重点工作经费纳入本级财政预算", "加强社区矫正工作", "推进政府法律顾问制度建设", "开展扫黑除恶专项斗争"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def doc_numbers(draw: st.DrawFn) -> tuple[str, str, str, int, int, str | None]:
    """(written form, canonical, issuer_code, year, number, issuer) with spaces anywhere
    inside the issuer/code/number part, every bracket style, full/half-width digits and 第."""
    issuer = draw(st.sampled_from([None, *ISSUERS]))
    style = draw(st.sampled_from([*BRACKETS, None]))
    codes = PLACE_CODES if issuer else CODES
    if style is None:  # without brackets only codes that end like a code (…字/发/函/办)
        codes = [c for c in codes if re.search("[字发函办]$", c)]
    code = draw(st.sampled_from(codes))
    year = draw(st.integers(1980, 2030))
    number = draw(st.integers(1, 9999))
    di = draw(st.booleans())  # 第
    if style is None:  # bracketless forms need 第 to be unambiguous
        year_part = f"{year}{draw(st.sampled_from(['', '年']))}"
        core = f"{code}{year_part}第{number}号"
    else:
        core = f"{code}{style[0]}{year}{style[1]}{'第' if di else ''}{number}号"
    written = (issuer or "") + core
    widths = draw(st.lists(st.booleans(), min_size=len(written), max_size=len(written)))
    written = "".join(ch.translate(FULLWIDTH) if w else ch for ch, w in zip(written, widths))
    gaps = draw(st.lists(st.sampled_from(["", "", "", " ", "  ", "\u3000"]),
                         min_size=len(written) - 1, max_size=len(written) - 1))
    spaced = written[0] + "".join(g + ch for g, ch in zip(gaps, written[1:]))
    return spaced, f"{code}〔{year}〕{number}号", code, year, number, issuer


@st.composite
def cited_doc_numbers(draw: st.DrawFn) -> tuple[str, str, str, str | None, int, int, str | None]:
    """A document number in context: a citing verb, a title before or after, 文件要求 after."""
    spaced, canonical, code, year, number, issuer = draw(doc_numbers())
    topic = draw(st.sampled_from(TOPICS))
    before = draw(st.sampled_from(["", "根据", "按照", "依据", "title", "title ", "《title》", "title（",
                                   "《title》（", "《title》"]))
    after = draw(st.sampled_from(["", "文件", "文件要求", "要求", "文件精神", "文件要求：title",
                                  "文件要求:notice", "《plan》的通知", "：title"]))
    title = None
    if before.startswith("《title》"):
        title = f"关于{topic}的通知"
    elif "title" in before:
        title = f"关于{topic}的意见"
    text = before.replace("title", title or "")
    if before.endswith("（"):
        text += spaced + "）" + draw(st.sampled_from(["", "文件", "文件要求"]))
    else:
        text += spaced
        if title is None and "title" in after:
            title = f"关于{topic}的通知"
            text += after.replace("title", title)
        elif title is None and "notice" in after:
            title = f"{topic}实施办法"
            text += after.replace("notice", f"关于印发《{title}》)的通知")
        elif title is None and "plan" in after:
            title = f"{topic}实施方案"
            text += after.replace("plan", title)
        elif not any(w in after for w in ("title", "notice", "plan")):
            text += after
    return text, canonical, code, title, year, number, issuer


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(doc_numbers())
@example(("冀政〔2017〕第6号", "冀政〔2017〕6号", "冀政", 2017, 6, None))
@example(("冀财行[2013]80 号", "冀财行〔2013〕80号", "冀财行", 2013, 80, None))
@example(("秦发（2016）12 号", "秦发〔2016〕12号", "秦发", 2016, 12, None))
@example(("秦开工办(2017)22号", "秦开工办〔2017〕22号", "秦开工办", 2017, 22, None))
@example(("冀政字2017第6号", "冀政字〔2017〕6号", "冀政字", 2017, 6, None))
@example(("冀综治办（２０１７）６号", "冀综治办〔2017〕6号", "冀综治办", 2017, 6, None))
@example(("省委、省政府冀发〔2002〕4号", "冀发〔2002〕4号", "冀发", 2002, 4, "省委、省政府"))
@example(("市委市政府秦办字〔2010〕49号", "秦办字〔2010〕49号", "秦办字", 2010, 49, "市委市政府"))
@example(("省委政法委（2012）131号", "省委政法委〔2012〕131号", "省委政法委", 2012, 131, None))
def test_doc_number_variants_normalise(case: tuple) -> None:
    written, canonical, code, year, number, issuer = case
    assert normalise_doc_number(written) == canonical
    r = recognise(written)
    assert len(r.refs) == 1, r
    ref = r.refs[0]
    assert (ref.kind, ref.canonical, ref.issuer_code, ref.year, ref.number) == (
        "document_number", canonical, code, year, number)
    assert ref.issuer == issuer
    assert ref.key == f"{code}-{year}-{number}"
    assert ref.variant in written and normalise_doc_number(ref.variant) == canonical
    assert r.notes == () and r.unrecognised is None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(cited_doc_numbers())
@example(("冀综治办（2017）6号文件要求：关于做好综治重点工作经费纳入本级财政预算的通知", "冀综治办〔2017〕6号",
          "冀综治办", ZONGZHI, 2017, 6, None))
@example(("冀司〔2018〕121号《政府购买社区矫正社会服务实施方案》的通知", "冀司〔2018〕121号", "冀司",
          JIAOZHENG, 2018, 121, None))
@example(("关于做好综治重点工作经费纳入本级财政预算的通知（冀综治办〔2017〕6号）文件", "冀综治办〔2017〕6号",
          "冀综治办", ZONGZHI, 2017, 6, None))
def test_cited_doc_numbers_give_one_ref(case: tuple) -> None:
    text, canonical, code, title, year, number, issuer = case
    r = recognise(text)
    assert [x.canonical for x in r.refs] == [canonical], r
    ref = r.refs[0]
    assert (ref.kind, ref.issuer_code, ref.year, ref.number, ref.title) == (
        "document_number", code, year, number, title)
    assert ref.issuer == issuer
    assert r.notes == () and r.unrecognised is None


def test_doc_number_details() -> None:
    assert normalise_doc_number("冀政〔2017〕第6号") == "冀政〔2017〕6号"
    assert normalise_doc_number("秦开工办(2017)22号") == "秦开工办〔2017〕22号"
    assert normalise_doc_number("冀综治办【２０１７】第０６号") == "冀综治办〔2017〕6号"
    assert normalise_doc_number("根据冀财行[2013]80号") is None  # not only a number
    assert normalise_doc_number("冀发〔2002〕4号冀发〔2002〕5号") is None
    r = recognise("冀司〔2018〕121号《政府购买社区矫正社会服务实施方案》的通知")
    assert r.refs[0].notice == "《政府购买社区矫正社会服务实施方案》的通知"
    r = recognise("秦皇岛市人民政府关于推进政府法律顾问制度的意见（秦政〔2017〕5号）")
    assert _ref(r.refs[0]) == (D, "秦政〔2017〕5号", "秦政", 2017, 5, "关于推进政府法律顾问制度的意见", None,
                               "秦皇岛市人民政府")
    r = recognise("财政局、审计局冀财行〔2013〕80号")
    assert (r.refs[0].canonical, r.refs[0].issuer) == ("冀财行〔2013〕80号", "财政局、审计局")
    r = recognise("冀发〔2002〕4号、冀财行[2013]80号")
    assert [x.canonical for x in r.refs] == ["冀发〔2002〕4号", "冀财行〔2013〕80号"]
    r = recognise("冀发〔2002〕4号，《禁毒法》")  # a law after a comma is not the number's title
    assert [(x.kind, x.title) for x in r.refs] == [(D, None), (L, "中华人民共和国禁毒法")]


# --------------------------------------------------------------------------------------------
# Garbage and near-misses
# --------------------------------------------------------------------------------------------

NEAR_MISSES = ["2017年", "0335-1234567", "2017年6号楼", "第6号", "(2017)", "（2017）", "20万元",
               "2020年12月31日", "冀综治办2017年6号", "（2017）6号", "在（2017）6号楼", "截至（2020）12号",
               "2017第6号", "〔2017〕第6号", "1", "数量", "≥90%", "≤5 万元", "2020 年此项工作由区公安分局转到区政法委管理"]

NO_CODE = ["2017第6号", "〔2017〕第6号", "（2017）6号", "(2017)", "（2017）"]  # a doc number but for the code

garbage = st.one_of(
    st.sampled_from(NEAR_MISSES),
    st.integers(1900, 2100).map(lambda y: f"{y}年"),
    st.integers(1900, 2100).map(lambda y: f"({y})"),
    st.tuples(st.integers(100, 9999), st.integers(10**6, 10**8 - 1)).map(
        lambda t: f"0{t[0]}-{t[1]}"),
    st.tuples(st.integers(1949, 2099), st.integers(1, 99)).map(lambda t: f"{t[0]}年{t[1]}号楼"),
    st.integers(1, 999).map(lambda n: f"第{n}号"),
    st.decimals(0, 10**6, places=2).map(lambda d: f"{d}万元"),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.tuples(st.integers(1949, 2099), st.integers(1, 99)).map(lambda t: f"{t[0]}年{t[1]}号"),
)
codeless = st.tuples(st.sampled_from(BRACKETS), st.integers(1949, 2099), st.integers(1, 99)).map(
    lambda t: f"{t[0][0]}{t[1]}{t[0][1]}{t[2]}号")


@settings(max_examples=300)
@given(st.one_of(garbage, codeless), st.sampled_from(["", " ", "，", "：", "1", "按照", "根据《禁毒法》，"]))
def test_garbage_is_no_document_number(text: str, prefix: str) -> None:
    assert normalise_doc_number(prefix + text) is None
    assert not [x for x in recognise(prefix + text).refs if x.kind == "document_number"]


@settings(max_examples=200)
@given(garbage.filter(lambda t: t not in NO_CODE), st.sampled_from(["预算", "每年", "新增项目", "冀综治办"]))
def test_garbage_after_words_is_no_document_number(text: str, prefix: str) -> None:
    assert not [x for x in recognise(prefix + text).refs if x.kind == "document_number"]
    assert not [x for x in recognise(prefix + " " + text).refs if x.kind == "document_number"]


def _check_recognition(text: str, r: Recognition) -> None:
    assert r.text == text
    assert isinstance(r.refs, tuple) and isinstance(r.notes, tuple)
    for x in r.refs:
        assert x.kind in KINDS
        assert x.variant and x.variant in text
        assert x.key and not re.search(r"[\s()（）〔〕\[\]【】《》/#?]", x.key)
    for n in r.notes:
        assert n.text in text
        assert n.op in (None, ">=", "<=", "=")
        assert n.amount is None or isinstance(n.amount, Decimal)
    assert r.unrecognised is None or r.unrecognised.strip()


ALPHABET = ("冀综治办秦发开工委省市区政府管委会（）()〔〕[]【】［］{}《》〈〉2017０１２３456789年第号关于印发的通知意见"
            "办法条例章程规定，, 、：:;。按照根据依据禁毒法预算法新增必保项目已批涉密万元元不低于需要共 \n\t")


@settings(max_examples=500)
@given(st.text())
def test_recognise_never_raises_on_any_text(text: str) -> None:
    _check_recognition(text, recognise(text))
    normalise_doc_number(text)


@settings(max_examples=500)
@given(st.text(alphabet=ALPHABET, max_size=200))
def test_recognise_never_raises_on_basis_like_text(text: str) -> None:
    _check_recognition(text, recognise(text))
    entities, of = link(recognise(text).refs)
    assert set(of.values()) <= set(entities)


@pytest.mark.parametrize("text", [
    "", " ", "\u3000\n\t", "\x00", "\ud7ff\U0010ffff", "《", "》", "〔", "号", "第号", "关于", "《》", "（）",
    "1" * 10_000, " " * 10_000, "（2017" + " " * 10_000 + "x", "a" + "，" * 10_000 + "b",
    "规定" * 5_000,
    "〔2017〕" * 1_400, "省委、" * 3_000 + "冀发〔2002〕4号", "《关于印发〈" * 1_600, "1,000," * 1_600 + "元",
    ("冀综治办（2017）6号文件要求：" + ZONGZHI + "，按照《禁毒法》规定，每年不少于 15 万元。") * 120,
])
def test_recognise_handles_edge_and_long_texts(text: str) -> None:
    _check_recognition(text, recognise(text))


def test_empty_text() -> None:
    assert recognise("") == Recognition("", (), (), None)
    assert recognise("   ") == Recognition("   ", (), (), None)


# --------------------------------------------------------------------------------------------
# Laws, regulations, charters
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "title"), [
    ("禁毒法", "中华人民共和国禁毒法"),
    ("预算法", "中华人民共和国预算法"),
    ("政府采购法", "中华人民共和国政府采购法"),
    ("中华人民共和国禁毒法", "中华人民共和国禁毒法"),
    ("人民调解法", "中华人民共和国人民调解法"),
    ("社区矫正法", "中华人民共和国社区矫正法"),
    ("法律援助法", "中华人民共和国法律援助法"),
])
@pytest.mark.parametrize("form", ["《{}》", "按照《{}》规定", "根据{}", "依据{}的规定", "按照{}规定", "根据 {} 有关规定"])
def test_law_titles(written: str, title: str, form: str) -> None:
    r = recognise(form.format(written))
    assert [(x.canonical, x.kind, x.title) for x in r.refs] == [(title, "law", title)]
    assert r.notes == () and r.unrecognised is None


def test_bare_short_title_needs_a_citing_verb() -> None:
    assert recognise("禁毒法").refs == ()
    assert recognise("中华人民共和国禁毒法").refs[0].canonical == "中华人民共和国禁毒法"
    assert recognise("宣传禁毒法知识").refs == ()


def test_law_table_kinds_and_forms() -> None:
    assert _ref(recognise("《预算法实施条例》").refs[0])[:2] == (R, "中华人民共和国预算法实施条例")
    assert recognise("《中华人民共和国刑法修正案(八)》").refs[0].canonical == "中华人民共和国刑法修正案（八）"
    assert recognise("《中华人民共和国预算法（2018年修正）》").refs[0].canonical == "中华人民共和国预算法"
    r = recognise("依据预算法、政府采购法规定")
    assert [x.canonical for x in r.refs] == ["中华人民共和国预算法", "中华人民共和国政府采购法"]
    r = recognise("根据《中华人民共和国预算法》和《政府采购法》")
    assert [x.kind for x in r.refs] == [L, L] and r.notes == ()
    assert recognise("中国（上海）自由贸易试验区条例").refs[0].canonical == "中国（上海）自由贸易试验区条例"


def _law_rows() -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in LAWS_TSV.read_text(encoding="utf-8").splitlines()[1:]]
    return [(r[0], r[1], r[2]) for r in rows if "《" not in r[0]]


KIND_OF = {"法律": L, "行政法规": R, "部门规章": R, "地方性法规": R, "司法解释": R, "其他": R}


@settings(max_examples=300)
@given(st.sampled_from(_law_rows()), st.sampled_from(["《{}》", "根据《{}》规定", "按照{}规定", "依据{}的规定",
                                                       "{}", "{}文件要求"]))
def test_every_table_title_resolves(row: tuple[str, str, str], form: str) -> None:
    title, short, table_kind = row
    for written in [title] + ([short] if short and form != "{}" and form != "{}文件要求" else []):
        refs = recognise(form.format(written)).refs
        assert [(x.canonical, x.kind) for x in refs] == [(title, KIND_OF[table_kind])]


def test_law_table_is_complete_and_loaded_once() -> None:
    lines = LAWS_TSV.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["title", "short_title", "kind"]
    assert len(lines) - 1 == 3308
    basis._law_index.cache_clear()
    recognise("《禁毒法》")
    recognise("按照预算法规定")
    info = basis._law_index.cache_info()
    assert (info.misses, info.currsize) == (1, 1) and info.hits >= 1
    assert "/work/shared" not in inspect.getsource(basis)


@pytest.mark.parametrize(("text", "canonical", "kind", "notice", "issuer"), [
    (f"《{ZHIFA}》", ZHIFA, R, None, None),
    ("河北省见义勇为条例", "河北省见义勇为条例", R, None, None),
    ("按照河北省见义勇为条例规定", "河北省见义勇为条例", R, None, None),
    (f"《{GUWEN}》", GUWEN, R, None, None),
    (GUWEN, GUWEN, R, None, None),
    ("中国法学会章程", "中国法学会章程", C, None, None),
    ("《中国共产党章程》", "中国共产党章程", C, None, None),
    (XUEFA_NOTICE, XUEFA, R, XUEFA_NOTICE, None),
    (f"关于印发《{XUEFA}》)的通知", XUEFA, R, XUEFA_NOTICE, None),
    ("区财政局关于印发《专项资金管理办法（试行）》的通知", "专项资金管理办法（试行）", R,
     "关于印发《专项资金管理办法（试行）》的通知", "区财政局"),
    ("关于印发《中华人民共和国禁毒法》的通知", "中华人民共和国禁毒法", L, "关于印发《中华人民共和国禁毒法》的通知", None),
    ("《关于印发〈秦皇岛市法律顾问工作规则〉的通知》", "秦皇岛市法律顾问工作规则", R,
     "关于印发《秦皇岛市法律顾问工作规则》的通知", None),
    (ZONGZHI, ZONGZHI, R, None, None),
])
def test_titles(
    text: str, canonical: str, kind: str, notice: str | None, issuer: str | None
) -> None:
    r = recognise(text)
    assert [(x.canonical, x.kind, x.title, x.notice, x.issuer) for x in r.refs] == [
        (canonical, kind, canonical, notice, issuer)]
    assert r.unrecognised is None


@pytest.mark.parametrize("text", ["编辑印制《法治开发区》", "提出意见、建议", "对依法治理工作提出意见", "全区各单位执行规定",
                                  "确保全区社会稳定", "《人民日报》"])
def test_prose_is_not_a_basis(text: str) -> None:
    r = recognise(text)
    assert r.refs == () and r.unrecognised == text


# --------------------------------------------------------------------------------------------
# Internal decisions and notes
# --------------------------------------------------------------------------------------------

DECISION_PARTS = ["新增", "新增项目", "新增管委已批", "必保项目", "政治任务必保项目", "管委已批", "续建项目", "新增必保项目"]


@given(st.lists(st.sampled_from(DECISION_PARTS), min_size=1, max_size=3),
       st.lists(st.sampled_from(["，", ", ", ",", " ， ", "、"]), min_size=2, max_size=2))
def test_internal_decisions(parts: list[str], seps: list[str]) -> None:
    text = parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:]))
    r = recognise(text)
    assert len(r.refs) == 1
    ref = r.refs[0]
    joiners = ["、" if sep == "、" else "，" for sep in seps]
    expected = parts[0] + "".join(j + p for j, p in zip(joiners, parts[1:]))
    assert (ref.kind, ref.canonical, ref.variant) == (I, expected, text)
    assert ref.key == re.sub(r"[，、]", "-", expected)
    assert (ref.issuer_code, ref.year, ref.number, ref.title) == (None, None, None, None)


def test_internal_decision_spellings_are_one_entity() -> None:
    a = recognise("新增管委已批, 必保项目").refs[0]
    b = recognise("新增管委已批，必保项目").refs[0]
    c = recognise(" 新增管委已批 ，必保项目 ").refs[0]
    assert a.canonical == b.canonical == c.canonical == "新增管委已批，必保项目"
    assert a.key == "新增管委已批-必保项目"
    entities, of = link([a, b, c])
    assert len(entities) == 1
    assert entities[0].variants == ("新增管委已批, 必保项目", "新增管委已批，必保项目", "新增管委已批 ，必保项目")
    assert entities[0].kind == I


def test_markers_alone_are_notes() -> None:
    assert recognise("（涉密）") == Recognition("（涉密）", (), (CitationNote("涉密"),), None)
    r = recognise("新增项目（涉密）")
    assert [x.canonical for x in r.refs] == ["新增项目"] and r.notes == (CitationNote("涉密"),)


@pytest.mark.parametrize(("text", "amount", "op"), [
    ("每县区每年防范经费不低于20万元", Decimal(20), ">="),
    ("每年不少于 15 万元", Decimal(15), ">="),
    ("至少 3.5 万元", Decimal("3.5"), ">="),
    ("不超过 2 万元", Decimal(2), "<="),
    ("不高于500元", Decimal("0.05"), "<="),
    ("每个人 100 元，全区共 400 人，需要 4 万元", Decimal(4), "="),
    ("全区共 12,500 元", Decimal("1.25"), "="),
    ("每个人 100 元", Decimal("0.01"), None),
    ("合计 1.2 亿元", Decimal(12000), "="),
    ("≤5 万元", Decimal(5), "<="),
    ("2020 年此项工作由区公安分局转到区政法委管理", None, None),
])
def test_note_amounts(text: str, amount: Decimal | None, op: str | None) -> None:
    r = recognise("冀财行[2013]80 号，" + text)
    assert r.notes == (CitationNote(text, amount, op),)
    assert r.unrecognised is None


@given(st.integers(0, 10**12), st.integers(0, 99))
def test_yuan_to_wanyuan_is_exact(yuan: int, cents: int) -> None:
    written = f"{yuan}.{cents:02d}"
    note = recognise(f"按照《禁毒法》规定，需要 {written} 元").notes[0]
    assert note.amount == Decimal(written) / 10000 and note.op == "="
    assert note.amount * 10000 == Decimal(written)


def test_leftover_without_basis() -> None:
    assert recognise("20万元").notes == (CitationNote("20万元", Decimal(20), None),)
    r = recognise("（2017）6号")
    assert (r.refs, r.notes, r.unrecognised) == ((), (), "（2017）6号")
    r = recognise("根据上级文件精神")
    assert r.refs == () and r.unrecognised == "根据上级文件精神"


# --------------------------------------------------------------------------------------------
# Linking
# --------------------------------------------------------------------------------------------


def test_link_title_only_ref_joins_numbered_document() -> None:
    by_title = recognise(XUEFA_NOTICE).refs[0]
    numbered = recognise(f"秦开工办(2017)22号文件要求:关于印发《{XUEFA}》)的通知").refs[0]
    plain = recognise("秦开工办〔2017〕22号").refs[0]
    entities, of = link([by_title, numbered, plain])
    assert len(entities) == 1
    e = entities[0]
    assert e == LegalBasis("秦开工办〔2017〕22号", D, "秦开工办-2017-22",
                           (XUEFA_NOTICE, "秦开工办(2017)22号", "秦开工办〔2017〕22号"),
                           "秦开工办", 2017, 22, XUEFA, XUEFA_NOTICE, None)
    assert of == {by_title: e, numbered: e, plain: e}


def test_link_by_guanyu_title() -> None:
    numbered = recognise(f"冀综治办（2017）6号文件要求：{ZONGZHI}").refs[0]
    by_title = recognise(f"根据{ZONGZHI}").refs[0]
    entities, of = link([by_title, numbered])
    assert [e.key for e in entities] == ["冀综治办-2017-6"] and of[by_title] is of[numbered]


def test_link_does_not_join_ambiguous_titles_or_other_kinds() -> None:
    a = recognise(f"冀综治办〔2017〕6号文件要求：{ZONGZHI}").refs[0]
    b = recognise(f"冀综治办〔2018〕3号文件要求：{ZONGZHI}").refs[0]
    t = recognise(ZONGZHI).refs[0]
    entities, of = link([a, b, t])
    assert [e.key for e in entities] == ["冀综治办-2017-6", "冀综治办-2018-3", _slug(ZONGZHI)]
    assert of[t].kind == R
    law = recognise("《禁毒法》").refs[0]
    decision = recognise("新增项目").refs[0]
    entities, _ = link([law, decision, law])
    assert [(e.kind, e.variants) for e in entities] == [(L, ("《禁毒法》",)), (I, ("新增项目",))]


def _slug(text: str) -> str:
    return basis._slug(text)


def test_link_is_first_seen_order_and_total() -> None:
    cells = list(SAMPLE)
    refs = [x for cell in cells for x in recognise(cell).refs]
    entities, of = link(iter(refs))
    assert set(of) == set(refs)
    order = list(dict.fromkeys(of[x].key for x in refs))
    assert [e.key for e in entities] == order
    assert link([]) == ((), {})


# --------------------------------------------------------------------------------------------
# API shape
# --------------------------------------------------------------------------------------------


def test_api_shape() -> None:
    assert KINDS == ("document_number", "law", "regulation", "charter", "internal_decision")
    for cls in (BasisRef, CitationNote, Recognition, LegalBasis):
        assert dataclasses.is_dataclass(cls)
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    ref = BasisRef("冀综治办〔2017〕6号", D, "冀综治办（2017）6号", "冀综治办", 2017, 6)
    assert ref.key == "冀综治办-2017-6"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.kind = L  # type: ignore[misc]
    assert hash(ref) == hash(BasisRef("冀综治办〔2017〕6号", D, "冀综治办（2017）6号", "冀综治办", 2017, 6))


def test_doctests() -> None:
    result = doctest.testmod(basis, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 40
