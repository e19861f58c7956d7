"""Legal bases cited in budget disclosures: recognise, normalise and link them.

A 指标值确定依据 cell (or a goal, or prose) cites what a project rests on: 发文字号 such as
冀综治办（2017）6号, laws (《禁毒法》), regulations and notices cited by title, charters, and
internal decisions that are not legal documents at all (新增管委已批，必保项目). :func:`recognise`
finds them in one piece of text, together with the notes written next to them (amounts,
（涉密）); :func:`link` merges the citations of one document into entities, so that every way of
writing a basis resolves to one :class:`LegalBasis` with a stable :attr:`LegalBasis.key`.

Recognition runs in stages on a folded copy of the text (full-width digits and odd spaces
mapped one-to-one, so every ``variant`` is an exact slice of the input); each stage masks what it
claimed: 发文字号 (with a stated issuer, a title before or after, and 文件要求), then
关于印发《X》的通知, then other 《X》 titles, then law-table titles written without 《》, then,
clause by clause, bare titles and internal decisions. What is left becomes notes.

The law table (data/cn_laws.tsv, see data/cn_laws.README.md) is read lazily, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import NamedTuple

__all__ = [
    "KINDS",
    "BasisRef",
    "CitationNote",
    "LegalBasis",
    "Recognition",
    "link",
    "normalise_doc_number",
    "recognise",
]

KINDS = ("document_number", "law", "regulation", "charter", "internal_decision")

#: cn_laws.tsv ``kind`` → our kind.
_TABLE_KINDS = {
    "法律": "law",
    "行政法规": "regulation",
    "部门规章": "regulation",
    "地方性法规": "regulation",
    "司法解释": "regulation",
}


# --------------------------------------------------------------------------------------------
# Public data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BasisRef:
    """One recognised basis in one piece of text."""

    canonical: str
    kind: str
    variant: str
    issuer_code: str | None = None
    year: int | None = None
    number: int | None = None
    title: str | None = None
    notice: str | None = None
    issuer: str | None = None

    @property
    def key(self) -> str:
        """Stable identifier (an IRI segment): 冀综治办-2017-6, 中华人民共和国禁毒法, …"""
        return _key(self.canonical, self.issuer_code, self.year, self.number)


@dataclass(frozen=True)
class CitationNote:
    """A remark written next to a citation; ``amount`` in 万元 where it states one."""

    text: str
    amount: Decimal | None = None
    op: str | None = None


@dataclass(frozen=True)
class Recognition:
    """Everything :func:`recognise` found in one text."""

    text: str
    refs: tuple[BasisRef, ...]
    notes: tuple[CitationNote, ...]
    unrecognised: str | None


@dataclass(frozen=True)
class LegalBasis:
    """One basis after linking, with everything known about it."""

    canonical: str
    kind: str
    key: str
    variants: tuple[str, ...]
    issuer_code: str | None
    year: int | None
    number: int | None
    title: str | None
    notice: str | None
    issuer: str | None


# --------------------------------------------------------------------------------------------
# Character classes and vocabularies
# --------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IS_CJK = re.compile(f"[{_CJK}]")
_RUN_CHAR = re.compile(f"[{_CJK}、 \t]")  # what a 机关代字 (plus issuer) may be written with

_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        **{c: " " for c in "\u3000\xa0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"},
        **{c: " " for c in "\u200b\ufeff\x00"},  # \x00 is our mask character
    }
)

_OPEN = "〔［[【（(﹝〖｛{"
_CLOSE = "〕］]】）)﹞〗｝}"
_O, _C = re.escape(_OPEN), re.escape(_CLOSE)
_MASK = "\x00"
#: Clause delimiters (、 is not one: it joins items inside a clause).
_DELIMS = f"，,。；;：:！？!?\n\r\t{_O}{_C}{_MASK}"
_HARD = re.compile(f"[。；;！？!?\n\r{_O}{_C}{_MASK}]")  # ends a group of notes

#: Document genres a title ends with.
_GENRES = (
    "实施意见|指导意见|实施细则|实施办法|通知|意见|决定|办法|规定|方案|细则|批复|函|通报|纪要|"
    "报告|请示|公告|通告|规划|要点|条例|制度|章程|决议|规则|准则|纲要|计划|措施|指引|指南|"
    "标准|守则|规范|规程"
)
_VERBS = "贯彻落实|根据|按照|依据|依照|参照|遵照|遵循|贯彻|落实|执行|详见|参见"

#: Organs that may be stated before a 发文字号 (省委、省政府冀发〔2002〕4号).
_ORGANS = (
    "中共中央办公厅|国务院办公厅|中共中央|国务院|省委办公厅|省政府办公厅|省人大常委会|省委|省政府|"
    "市委办公室|市政府办公室|市人大常委会|市委|市政府|区委办公室|区政府办公室|区委|区政府|"
    "县委办公室|县政府办公室|县委|县政府|州委|州政府|管委会|党工委|工委|管委|党委|两办"
)
_ORGAN = "(?:" + "|".join(r"\s*".join(name) for name in _ORGANS.split("|")) + ")"
_ISSUER_LIST = re.compile(rf"\s*{_ORGAN}(?:\s*[、和及与]?\s*{_ORGAN})*")
#: After a stated issuer, a code never starts like this: 省委政法委 is one organ, not 省委 + 政法委.
_SUBORGAN = re.compile(
    "政法|办公|宣传|组织|统战|纪委|纪检|编办|编委|财经|农办|综治|防范|网信|依法治|政研|督查|保密|"
    "机要|老干|巡视|台办|外办|侨办|深改|改革|研究|党校|常委|人大|政协|公告|通告|[办发字函文电组部委令]"
)
#: How a named organ before a code ends, when no known organ says so (市财政局冀财行〔2013〕80号).
_GENERIC_ORGAN_END = re.compile("人民政府|政府|管理委员会|委员会|办公室|办公厅|局")
_ORGAN_END = re.compile(
    "(?:办公室|办公厅|委员会|人民政府|政府|管委会|局|厅|部|委|院|会|室|处|中心|办|组|司|署|所|站|队|庭|科)$"
)
_CODE = re.compile(f"[{_CJK}]{{2,15}}")
#: Without brackets only codes that end like one are accepted: 冀政字2017第6号, …公告2017年第6号.
_BRACKETLESS_CODE_END = re.compile("(?:字|发|函|办|公告|令)$")
_CODE_STOP = re.compile("[年月日的了是在于至到号第]")

# --------------------------------------------------------------------------------------------
# Compiled patterns
# --------------------------------------------------------------------------------------------

_DIGITS4 = r"\d(?:\s*\d){3}"
_DOC_ANCHOR = re.compile(
    rf"(?:(?P<open>[{_O}])\s*(?P<y1>{_DIGITS4})\s*(?:年\s*)?[{_C}]\s*(?:第\s*)?"
    rf"|(?<![\d.])(?P<y2>{_DIGITS4})\s*(?:年\s*)?第\s*)"
    r"(?P<n>\d(?:\s*\d){0,4})\s*号(?![楼院线门码房室])"
)
_TITLE_END_IN_RUN = re.compile(f"的(?:{_GENRES})")
_GENRE = re.compile(_GENRES)
_VERB_IN_RUN = re.compile(_VERBS)
_LEAD_NOISE = re.compile(r"(?:[\s、]|按|据|依|照|见|由|为|系|即|和|及|与|并|或|以及|同时|另|文件|要求)+")
_PAREN_CLOSE = re.compile(r"\s*(?:文件\s*)?[）)】\]]")
_AFTER_SUFFIX = re.compile(r"\s*(?:文件要求|文件精神|文件规定|文件|要求|精神|规定)?")
_AFTER_SEP = re.compile(r"\s*(?:[：:]\s*)?")
_STRAY = r"[\s)）\]】〕>]*"  # 《…学法制度》)的通知
_NOTICE = re.compile(
    r"(?:(?P<guan>关于)\s*)?(?:(?P<verb>印发|转发|发布|颁布|公布|下发)\s*)?"
    rf"(?P<mark>[《〈])(?P<x>[^《》〈〉\n{_MASK}]{{1,150}})[》〉]{_STRAY}"
    r"(?:(?P<de>的)\s*)?(?P<genre>通知|意见|决定|批复|函|通报|公告)"
)
_BOOK = re.compile(rf"《(?P<x>[^《》\n{_MASK}]{{1,150}})》")
_INNER_NOTICE = re.compile(
    r"(?:关于)?(?:印发|转发|发布|颁布|公布|下发)[〈<《](?P<x>[^〈〉<>《》]+)[〉>》]的?通知"
)
_INNER_MARKS = str.maketrans("〈〉<>", "《》《》")
_GUANYU_TITLE = re.compile(rf"关于[^{_DELIMS}《》]{{1,100}}(?:{_GENRES})")
_VERSION_SUFFIX = re.compile(r"（[^（）]{1,20}）$")
_REG_END = re.compile(f"(?:{_GENRES}|解释|目录|清单|令)$")
_LAW_END = re.compile(r"(?<![办方做用说想写手司执立普违合守依算])法(?:典|修正案(?:（[^（）]*）)?)?$")
#: A version suffix stays inside its clause: 人民检察院刑事诉讼规则（试行）, 刑法修正案（八）.
_VERSION_PAREN = (
    rf"[（(](?:试行|暂行|修订|修正|草案|征求意见稿|\d{{4}}年[^（）(){_DELIMS}]{{0,8}}|[一二三四五六七八九十]{{1,3}})[）)]"
)
_CLAUSE = re.compile(f"(?:[^{_DELIMS}]|{_VERSION_PAREN})+")
_SEGMENT = re.compile(f"[^，,。；;：:！？!?\n\r\t{_MASK}]+")
_BRACKET = re.compile(f"[{_O}{_C}]")
_LEAD_VERB = re.compile(f"(?:{_VERBS}|按|据|依)+")
_TRAIL_WORD = re.compile(r"(?:的|之)?(?:有关|相关)?(?:文件要求|文件精神|文件规定|规定|要求|精神|文件)$")
_BARE_TITLE = re.compile(
    rf"(?:中华人民共和国|中国|全国|国家|国务院|中共中央|中央|[{_CJK}]{{2,12}}?(?:省|市|自治区|自治州|地区|区|县|旗|盟))"
    rf"[{_CJK}（）、]{{0,60}}?(?:{_GENRES})(?:（[^（）]{{1,20}}）)?"
)
_BARE_LAW = re.compile(rf"中华人民共和国[{_CJK}]{{1,40}}法")
_BARE_GUANYU = re.compile(rf"(?:[{_CJK}]{{2,40}}?)?关于[{_CJK}《》、（）\d]{{1,100}}(?:{_GENRES})")
_APPROVER = (
    "管委会|管委|党工委|工委|党组|区委|区政府|县委|县政府|市委|市政府|省委|省政府|常委会|"
    "常务会议|常务会|主任办公会议|主任办公会|办公会议|办公会|主要领导|领导|会议"
)
_APPROVAL = "已批准|已批|已审批|已同意|已审定|批准|同意|审定|研究同意|研究决定|决定"
_ATOM = f"(?:新增|续建|延续|追加|一次性|必保|重点|政治任务|涉密|项目|(?:{_APPROVER})?(?:{_APPROVAL}))"
_DECISION = re.compile(f"{_ATOM}(?:、?{_ATOM})*")
_DECISION_STRONG = re.compile("新增|续建|延续|追加|必保|政治任务|批|同意|审定|决定")
_NOTE_SEPARATORS = frozenset(" \t\n\r，,：:、")
_NOTE_NOISE = (*_VERBS.split("|"), "的通知", "的规定", "的要求", "之规定", "规定", "要求", "精神", "文件", "有关", "相关")
_MARKER = re.compile("涉密")
_FILLER = re.compile(r"(?:[^\w]|和|及|与|以及|或|等|并|的)*")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = re.compile(
    r"(?:(?P<op>不低于|不少于|不小于|至少|最少|不超过|不高于|不多于|不大于|至多|最多|"
    r"共计|合计|总计|共需|需要|需|共|≥|≤|>=|<=)\s*)?"
    rf"(?<![\d.,])(?P<n>{_NUMBER})\s*(?P<unit>百万元|千元|万元|亿元|元)"
)
_OPS = {
    **dict.fromkeys(("不低于", "不少于", "不小于", "至少", "最少", "≥", ">="), ">="),
    **dict.fromkeys(("不超过", "不高于", "不多于", "不大于", "至多", "最多", "≤", "<="), "<="),
    **dict.fromkeys(("共计", "合计", "总计", "共需", "需要", "需", "共"), "="),
}
_UNITS = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1),
          "百万元": Decimal(100), "亿元": Decimal(10000)}
_NON_KEY = re.compile(r"[\W_]+")


# --------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Full-width digits to ASCII and odd spaces to " ", one character for one.

    >>> _fold("冀政〔２０１７〕第６号\u3000")
    '冀政〔2017〕第6号 '
    """
    return text.translate(_FOLD)


def _compact(text: str) -> str:
    """Drop every space.

    >>> _compact(" 秦发（2016）12 号 ")
    '秦发（2016）12号'
    """
    return "".join(text.split())


def _norm_title(text: str) -> str:
    """A title as it is matched and stored: no spaces, ASCII () as （）, no book-title marks.

    >>> _norm_title(" 《中华人民共和国刑法修正案(八)》 ")
    '中华人民共和国刑法修正案（八）'
    """
    return _compact(_fold(text)).replace("(", "（").replace(")", "）").strip("《》")


def _slug(text: str) -> str:
    """A readable IRI segment: runs of punctuation, brackets and spaces become one "-".

    >>> _slug("新增管委已批，必保项目")
    '新增管委已批-必保项目'
    >>> _slug("中华人民共和国宪法（1982年）")
    '中华人民共和国宪法-1982年'
    """
    return _NON_KEY.sub("-", text).strip("-")


def _key(canonical: str, code: str | None, year: int | None, number: int | None) -> str:
    """Entity key: 代字-年-号 for a document number, else the slug of the canonical form.

    >>> _key("冀综治办〔2017〕6号", "冀综治办", 2017, 6)
    '冀综治办-2017-6'
    >>> _key("中华人民共和国禁毒法", None, None, None)
    '中华人民共和国禁毒法'
    """
    if code and year is not None and number is not None:
        return f"{code}-{year}-{number}"
    return _slug(canonical)


def _int(digits: str) -> int:
    """Digits that may have spaces between them.

    >>> _int("2 0 17")
    2017
    """
    return int(_compact(digits))


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    """The amount a note states, in 万元, and its comparison; an amount with an operator wins.

    >>> _amount("每县区每年防范经费不低于20万元")
    (Decimal('20'), '>=')
    >>> _amount("每个人 100 元，全区共 400 人，需要 4 万元")
    (Decimal('4'), '=')
    >>> _amount("每个人 100 元")
    (Decimal('0.0100'), None)
    >>> _amount("2020 年此项工作由区公安分局转到区政法委管理")
    (None, None)
    """
    first: tuple[Decimal | None, str | None] = (None, None)
    for m in _AMOUNT.finditer(_fold(text)):
        value = Decimal(m["n"].replace(",", "")) * _UNITS[m["unit"]]
        op = _OPS.get(m["op"]) if m["op"] else None
        if op:
            return value, op
        if first[0] is None:
            first = (value, None)
    return first


@cache
def _law_index() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """cn_laws.tsv as two maps, normalised full title and short title → (title, kind); read once."""
    full: dict[str, tuple[str, str]] = {}
    short: dict[str, tuple[str, str]] = {}
    source = resources.files(__package__) / "data" / "cn_laws.tsv"
    lines = source.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) < 3 or not cells[0]:
            continue
        title, short_title, table_kind = cells[0], cells[1], cells[2]
        entry = (title, _TABLE_KINDS.get(table_kind, "regulation"))
        full.setdefault(_norm_title(title), entry)
        if short_title:
            short.setdefault(_norm_title(short_title), entry)
    return full, short


def _lookup_law(title: str, *, short_ok: bool = True) -> tuple[str, str] | None:
    """A title (full or short, optionally with a version suffix) in the law table.

    >>> _lookup_law("禁毒法")
    ('中华人民共和国禁毒法', 'law')
    >>> _lookup_law("中华人民共和国预算法（2018年修正）")
    ('中华人民共和国预算法', 'law')
    >>> _lookup_law("禁毒法", short_ok=False) is None
    True
    """
    full, short = _law_index()
    key = _norm_title(title)
    for candidate in (key, _VERSION_SUFFIX.sub("", key)):
        if candidate in full:
            return full[candidate]
        if short_ok and candidate in short:
            return short[candidate]
    return None


def _classify_title(title: str) -> tuple[str, str] | None:
    """(canonical, kind) of a title cited in 《》, or None when it does not name a legal basis.

    >>> _classify_title("禁毒法")
    ('中华人民共和国禁毒法', 'law')
    >>> _classify_title("河北省行政执法证件和行政执法监督检查证件管理办法")[1]
    'regulation'
    >>> _classify_title("中国法学会章程")[1]
    'charter'
    >>> _classify_title("法治开发区") is None
    True
    """
    law = _lookup_law(title)
    if law:
        return law
    name = _norm_title(title)
    stem = _VERSION_SUFFIX.sub("", name)
    if not stem:
        return None
    if stem.endswith("章程"):
        return name, "charter"
    if _LAW_END.search(stem):
        return name, "law"
    if _REG_END.search(stem):
        return name, "regulation"
    return None


def _inner_notice(title: str) -> tuple[str, str] | None:
    """(cited title, notice) when a 《》 title is itself 关于印发〈X〉的通知.

    >>> _inner_notice("关于印发〈秦皇岛市法律顾问工作规则〉的通知")
    ('秦皇岛市法律顾问工作规则', '关于印发《秦皇岛市法律顾问工作规则》的通知')
    """
    m = _INNER_NOTICE.fullmatch(_norm_title(title))
    if not m:
        return None
    return m["x"], _norm_title(m[0]).translate(_INNER_MARKS)


def _bare_basis(core: str, cited: bool, table_only: bool = False) -> tuple[str, str] | None:
    """(canonical, kind) of a clause that is nothing but a title written without 《》.

    >>> _bare_basis("河北省见义勇为条例", False)
    ('河北省见义勇为条例', 'regulation')
    >>> _bare_basis("禁毒法", True)
    ('中华人民共和国禁毒法', 'law')
    >>> _bare_basis("禁毒法", False) is None
    True
    >>> _bare_basis("全区各单位执行规定", False) is None
    True
    """
    if not core or len(core) > 120:
        return None
    law = _lookup_law(core, short_ok=cited)
    if law or table_only:
        return law
    if _BARE_LAW.fullmatch(core):
        return core, "law"
    if _BARE_TITLE.fullmatch(core) or _BARE_GUANYU.fullmatch(core):
        return core, "charter" if _VERSION_SUFFIX.sub("", core).endswith("章程") else "regulation"
    return None


def _is_decision(clause: str) -> bool:
    """Whether a clause is made only of internal-decision words (新增, 管委已批, 必保项目, 涉密…).

    >>> _is_decision("新增管委已批"), _is_decision("涉密"), _is_decision("每年不少于15万元")
    (True, True, False)
    """
    return len(clause) <= 40 and _DECISION.fullmatch(clause) is not None


def _doc_canonical(code: str, year: int, number: int) -> str:
    """The GB/T 9704-2012 form 机关代字〔YYYY〕N号.

    >>> _doc_canonical("冀财行", 2013, 80)
    '冀财行〔2013〕80号'
    """
    return f"{code}〔{year}〕{number}号"


# --------------------------------------------------------------------------------------------
# 发文字号
# --------------------------------------------------------------------------------------------


class _Code(NamedTuple):
    """Where, inside the run of characters before a number, the title cut, issuer and code are."""

    lead_end: int  # end of what precedes issuer/code (a title end, a verb, noise)
    title_cut: bool  # lead ends with a title (…的通知)
    issuer: str | None
    issuer_start: int
    code: str
    code_start: int


def _anchor_numbers(m: re.Match[str]) -> tuple[int, int] | None:
    """Year and number of a document-number anchor, if plausible."""
    year = _int(m["y1"] or m["y2"])
    number = _int(m["n"])
    if not 1949 <= year <= 2099 or number <= 0:
        return None
    return year, number


def _lead(run: str) -> tuple[int, int, bool]:
    """Where, in the run before a number, a title (…的通知) or a citing verb ends, where the
    issuer or code can start, and whether nothing but a title precedes that start.

    >>> _lead("根据冀财行"), _lead("关于做好综治工作的通知冀综治办")
    ((2, 2, False), (11, 11, True))
    """
    cut, title_cut = 0, False
    for m in _TITLE_END_IN_RUN.finditer(run):
        if len(_IS_CJK.findall(run[m.end():])) >= 2:
            cut, title_cut = m.end(), True
    if not title_cut and (g := run.find("关于")) >= 0:
        for m in _GENRE.finditer(run, g + 2):
            if len(_IS_CJK.findall(run[m.end():])) >= 2:
                cut, title_cut = m.end(), True
    verbs = list(_VERB_IN_RUN.finditer(run, cut))
    if verbs:
        cut, title_cut = verbs[-1].end(), False
    start = cut
    noise = _LEAD_NOISE.match(run, cut)
    if noise and noise.end() < len(run):
        start = noise.end()
        title_cut = title_cut and not run[cut:start].strip(" \t、")
    return cut, start, title_cut


def _split_issuers(run: str, start: int) -> tuple[list[str], int]:
    """Issuers stated from ``start`` on (省委、省政府 / 市委市政府 / 市财政局), and where the code starts.

    >>> _split_issuers("财政局、审计局冀财行", 0)
    (['财政局', '审计局'], 7)
    >>> _split_issuers("秦皇岛市人民政府办公室秦政办字", 0)
    (['秦皇岛市人民政府办公室'], 11)
    """
    issuers: list[str] = []
    pos = start
    organs = _ISSUER_LIST.match(run, pos)
    if organs:
        rest = run[organs.end():].lstrip(" \t、")
        if _issuer_may_precede(_compact(rest)):
            issuers.append(_compact(run[pos:organs.end()]))
            pos = len(run) - len(rest)
    if "、" in run[pos:]:
        head, _, tail = run[pos:].rpartition("、")
        parts = [_compact(p) for p in head.split("、")]
        if all(p and _ORGAN_END.search(p) for p in parts):
            issuers += parts
        pos = len(run) - len(tail)
    rest = _compact(run[pos:])
    for organ in _GENERIC_ORGAN_END.finditer(rest, 1):
        if _issuer_may_precede(rest[organ.end():]):
            issuers.append(rest[:organ.end()])
            pos += _skip_chars(run[pos:], organ.end())
            break
    return issuers, pos + len(run[pos:]) - len(run[pos:].lstrip())


def _split_run(run: str) -> _Code | None:
    """Find title end, verb, issuer and 机关代字 in the characters written before 〔YYYY〕N号.

    >>> _split_run("省委、省政府冀发")
    _Code(lead_end=0, title_cut=False, issuer='省委、省政府', issuer_start=0, code='冀发', code_start=6)
    >>> _split_run("省委政法委").code, _split_run("市委市政府秦办字").issuer
    ('省委政法委', '市委市政府')
    >>> _split_run("按照(") is None
    True
    """
    cut, start, title_cut = _lead(run)
    issuers, code_start = _split_issuers(run, start)
    code = _compact(run[code_start:])
    if not _CODE.fullmatch(code) or _CODE_STOP.search(code):
        return None
    issuer = "、".join(issuers) or None
    return _Code(cut, title_cut, issuer, start if issuer else code_start, code, code_start)


def _issuer_may_precede(code: str) -> bool:
    """Whether what follows a stated issuer can be a code (省委政法委 is one organ, not 省委 + 政法委).

    >>> _issuer_may_precede("冀发"), _issuer_may_precede("政法委"), _issuer_may_precede("发")
    (True, False, False)
    """
    return len(code) >= 2 and not _SUBORGAN.match(code)


def _skip_chars(text: str, n: int) -> int:
    """Offset in ``text`` just past its first ``n`` non-space characters (and the spaces after).

    >>> _skip_chars("财 政局 冀财行", 3)
    5
    """
    seen = 0
    for i, ch in enumerate(text):
        if seen == n and not ch.isspace():
            return i
        seen += not ch.isspace()
    return len(text)


class _Title(NamedTuple):
    start: int
    end: int
    title: str
    notice: str | None
    issuer: str | None
    issuer_start: int


def _issuer_before(s: str, pos: int, floor: int) -> tuple[int, str] | None:
    """An organ name written right before position ``pos`` (…办公室关于印发…).

    >>> _issuer_before("秦皇岛市财政局关于印发", 7, 0)
    (0, '秦皇岛市财政局')
    >>> _issuer_before("新增项目关于印发", 4, 0) is None
    True
    """
    i = pos
    while i > max(floor, pos - 40) and (_IS_CJK.match(s[i - 1]) or s[i - 1] == "、"):
        i -= 1
    run = s[i:pos]
    verbs = list(_VERB_IN_RUN.finditer(run))
    if verbs:
        i += verbs[-1].end()
        run = run[verbs[-1].end():]
    noise = _LEAD_NOISE.match(run)
    if noise:
        i += noise.end()
        run = run[noise.end():]
    if len(run) >= 2 and _ORGAN_END.search(run):
        return i, run
    return None


def _is_notice(m: re.Match[str]) -> bool:
    """A 《X》…通知 match is a notice when it says 关于/印发 or 的通知; 〈X〉 needs 关于 or 印发 and
    must not be the inner title of 《关于印发〈X〉的通知》."""
    if m["mark"] == "〈":
        s, i = m.string, m.start()
        return bool(m["guan"] or m["verb"]) and s.rfind("《", 0, i) <= s.rfind("》", 0, i)
    return bool(m["guan"] or m["verb"] or m["de"])


def _notice_title(m: re.Match[str], s: str, floor: int, *, with_issuer: bool = True) -> _Title:
    """A 关于印发《X》的通知 match as a title (X) and its notice."""
    x = _norm_title(m["x"])
    notice = f"{m['guan'] or ''}{m['verb'] or ''}《{x}》{m['de'] or ''}{m['genre']}"
    stated = with_issuer and (m["guan"] or m["verb"])
    found = _issuer_before(s, m.start(), floor) if stated else None
    classified = _classify_title(x)
    title = classified[0] if classified else x
    if found:
        return _Title(m.start(), m.end(), title, notice, found[1], found[0])
    return _Title(m.start(), m.end(), title, notice, None, m.start())


def _title_ending_at(s: str, q: int, floor: int) -> _Title | None:
    """A title written right before position ``q``: 关于印发《X》的通知, 《X》 or 关于…的通知."""
    lo = max(floor, q - 200)
    for m in _NOTICE.finditer(s, lo, q):
        if m.end() == q and _is_notice(m):
            return _notice_title(m, s, floor)
    if q > lo and s[q - 1] == "》":
        b = s.rfind("《", lo, q - 1)
        if b >= 0 and "》" not in s[b + 1:q - 1] and s[b + 1:q - 1].strip():
            x = s[b + 1:q - 1]
            inner = _inner_notice(x)
            cited = inner[0] if inner else x
            classified = _classify_title(cited)
            title = classified[0] if classified else _norm_title(cited)
            return _with_issuer(s, b, q, title, inner[1] if inner else None, floor)
    for g in re.finditer("关于", s[lo:q]):
        if _GUANYU_TITLE.fullmatch(s, lo + g.start(), q):
            return _with_issuer(s, lo + g.start(), q, _norm_title(s[lo + g.start():q]), None, floor)
    return None


def _with_issuer(
    s: str, start: int, end: int, title: str, notice: str | None, floor: int
) -> _Title:
    """A title span, extended to the organ written before it if there is one."""
    found = _issuer_before(s, start, floor)
    if found:
        return _Title(start, end, title, notice, found[1], found[0])
    return _Title(start, end, title, notice, None, start)


def _title_after(s: str, pos: int) -> _Title | None:
    """A title written right after a number (…号文件要求：关于…的通知, …号《X》的通知)."""
    m = _NOTICE.match(s, pos)
    if m and _is_notice(m):
        return _notice_title(m, s, pos, with_issuer=False)
    m = _BOOK.match(s, pos)
    if m:
        inner = _inner_notice(m["x"])
        classified = _classify_title(inner[0] if inner else m["x"])
        if classified and classified[1] != "law":
            return _Title(pos, m.end(), classified[0], inner[1] if inner else None, None, pos)
        return None
    m = _GUANYU_TITLE.match(s, pos)
    if m:
        return _Title(pos, m.end(), _norm_title(m[0]), None, None, pos)
    return None


class _Found(NamedTuple):
    start: int
    end: int
    ref: BasisRef


def _title_before(
    s: str, run_start: int, parts: _Code, end: int, floor: int
) -> tuple[_Title | None, int]:
    """A title written before the number: in the same run (关于…的通知冀综治办), right before it
    (《X》冀…), or before a bracketed number (关于…的通知（冀…〔2017〕6号）). Returns it and the
    end of the citation (past the closing bracket)."""
    if parts.title_cut:
        return _title_ending_at(s, run_start + parts.lead_end, floor), end
    if _compact(s[run_start:run_start + parts.issuer_start]).strip("、"):
        return None, end  # a verb or other words stand between a title and the number
    q = run_start
    if q > floor and s[q - 1] in "（(【[":
        closing = _PAREN_CLOSE.match(s, end)
        if closing is None:
            return None, end
        q -= 1
        while q > floor and s[q - 1] in " \t":
            q -= 1
        title = _title_ending_at(s, q, floor)
        return title, closing.end() if title else end
    return _title_ending_at(s, q, floor), end


def _doc_at(text: str, s: str, m: re.Match[str], floor: int) -> _Found | None:
    """The document number around one anchor match ``m`` in the folded text ``s``."""
    numbers = _anchor_numbers(m)
    if numbers is None:
        return None
    code_end = m.start()
    while code_end > floor and s[code_end - 1] in " \t":
        code_end -= 1
    run_start = code_end
    while run_start > max(floor, code_end - 80) and _RUN_CHAR.match(s[run_start - 1]):
        run_start -= 1
    parts = _split_run(s[run_start:code_end])
    if parts is None or (m["y2"] and not _BRACKETLESS_CODE_END.search(parts.code)):
        return None
    title, end = _title_before(s, run_start, parts, m.end(), floor)
    end = _AFTER_SUFFIX.match(s, end).end()  # 文件要求 / 文件 / 要求 belong to nothing
    if title is None:
        title = _title_after(s, _AFTER_SEP.match(s, end).end())
        end = title.end if title else end
    start = run_start + parts.issuer_start
    if title:
        start = min(start, title.start, title.issuer_start)
    while end > start and s[end - 1] in " \t":
        end -= 1
    ref = BasisRef(
        canonical=_doc_canonical(parts.code, *numbers),
        kind="document_number",
        variant=text[run_start + parts.code_start:m.end()].strip(),
        issuer_code=parts.code,
        year=numbers[0],
        number=numbers[1],
        title=title.title if title else None,
        notice=title.notice if title else None,
        issuer=parts.issuer or (title.issuer if title else None),
    )
    return _Found(start, end, ref)


def _find_doc_numbers(text: str, s: str) -> list[_Found]:
    found: list[_Found] = []
    floor = 0
    for m in _DOC_ANCHOR.finditer(s):
        if m.start() < floor:
            continue
        hit = _doc_at(text, s, m, floor)
        if hit:
            found.append(hit)
            floor = hit.end
    return found


def normalise_doc_number(text: str) -> str | None:
    """The GB/T 9704-2012 form of a 发文字号 (a stated issuer may precede it); None otherwise.

    >>> normalise_doc_number("冀财行[2013]80 号")
    '冀财行〔2013〕80号'
    >>> normalise_doc_number("冀政〔２０１７〕第６号")
    '冀政〔2017〕6号'
    >>> normalise_doc_number("省委、省政府冀发〔2002〕4号")
    '冀发〔2002〕4号'
    >>> normalise_doc_number("冀政字2017第6号")
    '冀政字〔2017〕6号'
    >>> normalise_doc_number("2017年6号楼") is None, normalise_doc_number("(2017)") is None
    (True, True)
    """
    s = _fold(text).strip()
    m = _DOC_ANCHOR.search(s)
    numbers = _anchor_numbers(m) if m and m.end() == len(s) else None
    if m is None or numbers is None:
        return None
    parts = _split_run(s[:m.start()].rstrip())
    if parts is None or parts.lead_end != 0 or parts.issuer_start != 0:
        return None
    if m["y2"] and not _BRACKETLESS_CODE_END.search(parts.code):
        return None
    return _doc_canonical(parts.code, *numbers)


# --------------------------------------------------------------------------------------------
# Titles, notices, bare titles, internal decisions
# --------------------------------------------------------------------------------------------


def _mask(s: str, spans: Iterable[tuple[int, int]]) -> str:
    """``s`` with every span replaced by mask characters (which no pattern crosses)."""
    chars = list(s)
    for start, end, *_ in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _find_notices(text: str, s: str) -> list[_Found]:
    found = []
    for m in _NOTICE.finditer(s):
        if not _is_notice(m):
            continue
        t = _notice_title(m, s, 0)
        classified = _classify_title(t.title)
        kind = classified[1] if classified else "regulation"
        ref = BasisRef(t.title, kind, text[m.start():m.end()].strip(), title=t.title,
                       notice=t.notice, issuer=t.issuer)
        found.append(_Found(t.issuer_start, m.end(), ref))
    return found


def _find_books(text: str, s: str) -> list[_Found]:
    found = []
    for m in _BOOK.finditer(s):
        inner = _inner_notice(m["x"])
        classified = _classify_title(inner[0] if inner else m["x"])
        if inner and not classified:
            classified = (_norm_title(inner[0]), "regulation")
        if classified:
            ref = BasisRef(classified[0], classified[1], text[m.start():m.end()],
                           title=classified[0], notice=inner[1] if inner else None)
            found.append(_Found(m.start(), m.end(), ref))
    return found


class _Clause(NamedTuple):
    start: int
    end: int
    compact: str
    index: tuple[int, ...]  # position in the text of each character of ``compact``


def _clauses(s: str) -> list[_Clause]:
    out = []
    for m in _CLAUSE.finditer(s):
        index = tuple(i for i in range(m.start(), m.end()) if not s[i].isspace())
        if index:
            out.append(_Clause(index[0], index[-1] + 1, "".join(s[i] for i in index), index))
    return out


def _bare_at(
    text: str, c: _Clause, lo: int, hi: int, cited: bool, table_only: bool
) -> _Found | None:
    """The bare title ``c.compact[lo:hi]``, if it is one."""
    hit = _bare_basis(c.compact[lo:hi], cited, table_only) if hi > lo else None
    if hit is None:
        return None
    start, end = c.index[lo], c.index[hi - 1] + 1
    return _Found(start, end, BasisRef(hit[0], hit[1], text[start:end], title=hit[0]))


def _bare_in_clause(text: str, c: _Clause, table_only: bool = False) -> list[_Found]:
    """Bare titles filling a clause, after a citing verb and before 规定/要求; a 、-list of them
    (依据预算法、政府采购法规定) gives one each."""
    if len(c.compact) > 160:
        return []
    lead = _LEAD_VERB.match(c.compact)
    lo = lead.end() if lead else 0
    # 按照禁毒法规定: 禁毒法 is tried before 禁毒法规定; …管理规定规定 loses one 规定 at a time.
    trims: list[int] = []
    hi = len(c.compact)
    while len(trims) < 3 and (trail := _TRAIL_WORD.search(c.compact, lo, hi)):
        if trail.start() <= lo:
            break
        hi = trail.start()
        trims.append(hi)
    ends = [*trims, len(c.compact)]
    for phase_table_only in (True,) if table_only else (True, False):
        for hi in ends:
            hit = _bare_at(text, c, lo, hi, lead is not None, phase_table_only)
            if hit:
                return [hit]
    items = re.finditer("[^、]+", c.compact[lo:ends[0]])
    cited = lead is not None
    hits = (_bare_at(text, c, lo + m.start(), lo + m.end(), cited, table_only) for m in items)
    return [h for h in hits if h]


def _find_table_titles(text: str, s: str) -> list[_Found]:
    """Titles of the law table written without 《》 whose brackets would split a clause:
    中国（上海）自由贸易试验区条例."""
    found: list[_Found] = []
    for m in _SEGMENT.finditer(s):
        if _BRACKET.search(m[0]):
            found += _bare_in_clause(text, _clause_of(s, m.start(), m.end()), table_only=True)
    return found


def _find_clause_bases(text: str, s: str) -> tuple[list[_Found], list[_Clause]]:
    """Bare titles and internal decisions among the clauses; returns them and what is left."""
    found: list[_Found] = []
    leftover: list[_Clause] = []
    pending: list[_Clause] = []  # consecutive decision clauses

    def flush() -> None:
        if pending and any(_DECISION_STRONG.search(c.compact) for c in pending):
            start, end = pending[0].start, pending[-1].end
            canonical = "，".join(c.compact for c in pending)
            ref = BasisRef(canonical, "internal_decision", text[start:end])
            found.append(_Found(start, end, ref))
        else:
            leftover.extend(pending)
        pending.clear()

    for c in _clauses(s):
        if _is_decision(c.compact):
            if pending and s[pending[-1].end:c.start].strip(" \t，,、"):
                flush()
            pending.append(c)
            continue
        flush()
        bare = _bare_in_clause(text, c)
        found += bare
        leftover += _gaps(s, c, bare)
    flush()
    leftover.sort()
    return found, leftover


def _clause_of(s: str, start: int, end: int) -> _Clause:
    index = tuple(i for i in range(start, end) if not s[i].isspace())
    return _Clause(index[0], index[-1] + 1, "".join(s[i] for i in index), index)


def _gaps(s: str, c: _Clause, spans: list[_Found]) -> list[_Clause]:
    """The parts of clause ``c`` outside ``spans``, as clauses."""
    out, pos = [], c.start
    for start, end in [(f.start, f.end) for f in spans] + [(c.end, c.end)]:
        if s[pos:start].strip():
            out.append(_clause_of(s, pos, start))
        pos = end
    return out


# --------------------------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------------------------


def _groups(s: str, clauses: list[_Clause]) -> list[tuple[int, int]]:
    """Consecutive leftover clauses joined only by commas, colons or 、 form one group."""
    groups: list[tuple[int, int]] = []
    for c in clauses:
        gap = (groups[-1][1], c.start) if groups else None
        if gap and not _HARD.search(s, *gap) and not s[gap[0]:gap[1]].strip(" \t，,：:、"):
            groups[-1] = (groups[-1][0], c.end)
        else:
            groups.append((c.start, c.end))
    return groups


def _clean(text: str) -> str:
    """A note without citing verbs, 规定/要求/文件 and separators at either end.

    >>> _clean("规定，每年不少于 15 万元")
    '每年不少于 15 万元'
    >>> _clean("2020 年此项工作由区公安分局转到区政法委管理，按照")
    '2020 年此项工作由区公安分局转到区政法委管理'
    """
    start, end = 0, len(text)
    while True:
        while start < end and text[start] in _NOTE_SEPARATORS:
            start += 1
        word = next((w for w in _NOTE_NOISE if text.startswith(w, start, end)), None)
        if word is None:
            break
        start += len(word)
    while True:
        while end > start and text[end - 1] in _NOTE_SEPARATORS:
            end -= 1
        word = next((w for w in _NOTE_NOISE if text.endswith(w, start, end)), None)
        if word is None:
            break
        end -= len(word)
    return text[start:end]


def _is_filler(text: str) -> bool:
    """Nothing left worth keeping: separators, brackets, 和/及/与 alone.

    >>> _is_filler(" ）（ "), _is_filler("和"), _is_filler("1")
    (True, True, False)
    """
    return _FILLER.fullmatch(_compact(text)) is not None


class _Note(NamedTuple):
    start: int
    end: int
    note: CitationNote


def _notes(text: str, s: str, clauses: list[_Clause], cites: bool) -> list[_Note]:
    """Notes from the leftover clauses: a group is a note when the text cites something, or
    when it states an amount or is a marker (涉密)."""
    notes = []
    for start, end in _groups(s, clauses):
        piece = _clean(text[start:end])
        if _is_filler(piece):
            continue
        amount, op = _amount(piece)
        if cites or amount is not None or _MARKER.fullmatch(_compact(piece)):
            notes.append(_Note(start, end, CitationNote(piece, amount, op)))
    return notes


def _unrecognised(text: str, masked: str) -> str | None:
    """What is left of the text, as written, once refs and notes are masked out (pieces that
    are only separators, citing verbs or 规定/文件 are dropped)."""
    spans = re.finditer(f"[^{_MASK}]+", masked)
    pieces = (text[m.start():m.end()].strip(" \t\n\r，,。；;：:、") for m in spans)
    return "；".join(p for p in pieces if not _is_filler(_clean(p))) or None


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def recognise(text: str) -> Recognition:
    """Every basis cited in ``text``, the notes written next to them, and what is left over.

    Leftover text becomes notes when the text cites something (or when it states an amount or
    is a marker such as 涉密); otherwise it is returned as ``unrecognised``.

    >>> r = recognise("冀综治办（2017）6号文件要求：关于做好综治重点工作经费纳入本级财政预算的通知")
    >>> r.refs[0].canonical, r.refs[0].title
    ('冀综治办〔2017〕6号', '关于做好综治重点工作经费纳入本级财政预算的通知')
    >>> r = recognise("新增项目，按照《禁毒法》规定，每年不少于 15 万元")
    >>> [(x.canonical, x.kind) for x in r.refs]
    [('新增项目', 'internal_decision'), ('中华人民共和国禁毒法', 'law')]
    >>> r.notes
    (CitationNote(text='每年不少于 15 万元', amount=Decimal('15'), op='>='),)
    """
    s = _fold(text)
    found = _find_doc_numbers(text, s)
    for finder in (_find_notices, _find_books, _find_table_titles):
        found += finder(text, _mask(s, found))
    clause_found, leftover = _find_clause_bases(text, _mask(s, found))
    found += clause_found
    found.sort(key=lambda f: f.start)
    notes = _notes(text, _mask(s, found), leftover, cites=bool(found))
    return Recognition(
        text=text,
        refs=tuple(f.ref for f in found),
        notes=tuple(n.note for n in notes),
        unrecognised=_unrecognised(text, _mask(s, [*found, *notes])),
    )


_JOINABLE = ("regulation", "charter")


def link(refs: Iterable[BasisRef]) -> tuple[tuple[LegalBasis, ...], dict[BasisRef, LegalBasis]]:
    """Merge refs that denote one entity; return the entities (first-seen order) and ref → entity.

    Refs with the same canonical form are one entity. A regulation or charter cited only by
    title joins the numbered document whose title (or notice) is the same, when exactly one
    numbered document of the input has that title.

    >>> a = recognise("关于印发《学法制度》的通知").refs[0]
    >>> b = recognise("秦开工办(2017)22号文件要求:关于印发《学法制度》)的通知").refs[0]
    >>> entities, of = link([a, b])
    >>> [(e.canonical, e.title, e.variants) for e in entities]
    [('秦开工办〔2017〕22号', '学法制度', ('关于印发《学法制度》的通知', '秦开工办(2017)22号'))]
    >>> of[a] is of[b]
    True
    """
    refs = list(refs)
    owners: dict[str, dict[str, None]] = {}
    for r in refs:
        if r.kind == "document_number":
            for name in (r.title, r.notice):
                if name:
                    owners.setdefault(_norm_title(name), {})[r.canonical] = None

    def target(r: BasisRef) -> str:
        if r.kind in _JOINABLE:
            hits: dict[str, None] = {}
            for name in (r.canonical, r.title, r.notice):
                if name:
                    hits.update(owners.get(_norm_title(name), {}))
            if len(hits) == 1:
                return next(iter(hits))
        return r.canonical

    members: dict[str, list[BasisRef]] = {}
    targets = [target(r) for r in refs]
    for r, t in zip(refs, targets):
        members.setdefault(t, []).append(r)
    entities = {t: _entity(t, rs) for t, rs in members.items()}
    return tuple(entities.values()), {r: entities[t] for r, t in zip(refs, targets)}


def _entity(canonical: str, refs: list[BasisRef]) -> LegalBasis:
    """One entity from the refs that denote it; the numbered document's own fields come first."""
    docs = [r for r in refs if r.kind == "document_number"]
    ordered = docs + [r for r in refs if r.kind != "document_number"]
    head = ordered[0]

    def first(field: str) -> str | None:
        return next((getattr(r, field) for r in ordered if getattr(r, field)), None)

    return LegalBasis(
        canonical=canonical,
        kind=head.kind,
        key=_key(canonical, head.issuer_code, head.year, head.number),
        variants=tuple(dict.fromkeys(r.variant for r in refs)),
        issuer_code=head.issuer_code,
        year=head.year,
        number=head.number,
        title=first("title"),
        notice=first("notice"),
        issuer=first("issuer"),
    )
