"""Parse a budget disclosure published as PDF (the Shanghai 区级部门/单位预算 layouts) into a
:class:`~budgetkg.graph.records.Document`, the same record the text parser produces.

Page text comes from pdfium (pypdfium2, a pdfplumber dependency; fast) bounded by the page box;
prose is re-joined across the PDF's line breaks (a page repeating the end of the page before it
is trimmed, with a warning). pdfplumber is opened only for the pages it is needed on: the nine 预算表 are read
as tables (pdfplumber's ruled-table finder), rows spanning pages; the 财政项目支出绩效目标填报表
grids are read from their ruling lines so merged cells fill down. Text outside the page box
(invisible residue) is dropped. Money is Decimal in 万元; what was printed in 元 is kept.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import checks as checks_mod
from .numbers import chinese_numeral, parse_amount, parse_value
from .records import (
    AssetSummary,
    Basis,
    BudgetTable,
    Change,
    Check,
    Document,
    DocumentError,
    Indicator,
    Item,
    OrgRow,
    PerformanceSummary,
    ProcurementSummary,
    Project,
    ProjectHeader,
    Sangong,
    Source,
    SubOffices,
    Summary,
    TableRow,
    Unit,
)

_CN = "一二三四五六七八九十"
_NUM = r"-?\d[\d,]*(?:\.\d+)?"
_AMT = rf"({_NUM})万元"
_COVER = re.compile(r"(\d{4})年区级(部门|单位)预算")
_TOLERANCE = Decimal("0.005")

#: The nine tables, recognised by their titles.
_TABLES = [
    (1, re.compile(r"财务收支预算总表$")),
    (2, re.compile(r"收入预算总表$")),
    (3, re.compile(r"支出预算总表$")),
    (4, re.compile(r"财政拨款收支预算总表$")),
    (5, re.compile(r"一般公共预算支出功能分类预算表$")),
    (6, re.compile(r"政府性基金预算支出功能分类预算表$")),
    (7, re.compile(r"国有资本经营预算支出功能分类预算表$")),
    (8, re.compile(r"基本支出.*经济分类预算表$")),
    (9, re.compile(r"“三公”经费和机关运行经费预算表$")),
]
_PROJECT_TABLE = "财政项目支出绩效目标填报表"


def _to_cn(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else _CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[ones - 1] if ones else "")


def _amount(text: str | None, unit: str = "万元") -> Decimal | None:
    if text is None:
        return None
    return parse_amount(text.replace("，", ","), default_unit=unit)


def _clean_cell(cell: Any) -> str:
    return re.sub(r"\s+", "", str(cell)) if cell is not None else ""


def _within(page):
    """The page without objects outside its box (invisible residue)."""
    x0, top, x1, bottom = page.bbox

    def inside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        return obj["x0"] >= x0 and obj["x1"] <= x1 and obj["top"] >= top and obj["bottom"] <= bottom

    return page.filter(inside)


class _PdfParser:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.file = str(path)
        self.warnings: list[str] = []

    def warn(self, message: str, page: int | None = None) -> None:
        self.warnings.append(f"page {page}: {message}" if page else message)

    # ---- opening -----------------------------------------------------------------------
    def open(self):
        import pdfplumber  # imported here: the text parser does not need it

        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise DocumentError(self.file, f"cannot read the file: {error.strerror or error}") from None
        if not data.startswith(b"%PDF"):
            raise DocumentError(self.file, "not a PDF file (no %PDF header)")
        self.source = Source(
            file=self.path.name, sha256=hashlib.sha256(data).hexdigest(), format="pdf",
            pages=None, lines=None, size=len(data),
        )
        try:
            pdf = pdfplumber.open(self.path)
            pages = pdf.pages
        except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds for broken files
            name = type(error).__name__
            inner = [type(arg).__name__ for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)]
            name = inner[0] if inner else name
            if "Password" in name or "Encrypt" in name or "encrypt" in str(error).lower():
                raise DocumentError(self.file, "the PDF is encrypted (password protected)") from None
            raise DocumentError(self.file, f"corrupt or truncated PDF ({name}: {error})") from None
        if not pages:
            raise DocumentError(self.file, "the PDF has no pages")
        return pdf

    # ---- the whole document ----------------------------------------------------------------
    def parse(self) -> Document:
        pdf = self.open()
        try:
            return self._parse(pdf)
        except DocumentError:
            raise
        except Exception as error:  # noqa: BLE001 - a page pdfminer cannot read
            raise DocumentError(
                self.file, f"cannot read the PDF ({type(error).__name__}: {error})", page=getattr(self, "current_page", None)
            ) from None
        finally:
            pdf.close()

    def _parse(self, pdf) -> Document:
        self.pdf = pdf
        self._plumber: dict[int, Any] = {}
        self.texts = self._read_texts()
        self.source = dataclasses.replace(self.source, pages=len(self.texts))
        if not any(text.strip() for text in self.texts):
            raise DocumentError(self.file, "no text layer (a scanned PDF?): nothing to read", page=1)
        cover = None
        for number, text in enumerate(self.texts[:3], 1):
            cover = _COVER.search(re.sub(r"\s+", "", text))
            if cover:
                self.cover_page = number
                break
        if cover is None:
            raise DocumentError(
                self.file, "not a budget disclosure: no cover like 'YYYY年区级部门预算' or 'YYYY年区级单位预算'", page=1
            )
        year, kind = int(cover[1]), cover[2] + "预算"
        self.year = year
        self._classify_pages()
        self._build_prose()

        tables = self._tables()
        unit = self._unit()
        duties = self._duties()
        sub_offices = self._sub_offices()
        summary = self._summary(tables)
        procurement = self._procurement()
        if procurement is not None and procurement.total is not None:
            summary = dataclasses.replace(
                summary, procurement_total=procurement.total,
                lines=dict(summary.lines, procurement_total=procurement.page),
            )
        assets = self._assets()
        performance = self._performance()
        projects = self._projects()

        for label, present in [
            ("主要职能", duties), ("收入", summary.income_total is not None),
            ("支出", summary.expenditure_total is not None),
            ("机关运行经费", summary.operating_expenses is not None),
            ("三公经费", summary.sangong.total is not None), ("政府采购", procurement),
            ("国有资产", assets), ("绩效目标", performance),
        ]:
            if not present:
                self.warn(f"missing section: {label}")
        found = {table.no for table in tables}
        for no in range(1, 10):
            if no not in found:
                self.warn(f"missing budget table {no}")

        document = Document(
            source=self.source, unit=unit, year=year, kind=kind,
            title=re.sub(r"\s+", "", self.texts[self.cover_page - 1].splitlines()[0]) if self.texts[self.cover_page - 1] else None,
            organization=self._member_units(), duties=duties, sub_offices=sub_offices, summary=summary,
            procurement=(), assets=None, overall_goal=None, performance_areas=(), measures=(),
            projects=projects, glossary=(), other_matters=None, checks=(), warnings=(),
            tables=tables, procurement_summary=procurement, asset_summary=assets,
            performance_summary=performance,
        )
        checks = self._adjust(checks_mod.compute(document), document) + self._table_checks(document)
        return dataclasses.replace(document, checks=checks, warnings=tuple(self.warnings))

    # ---- pages -------------------------------------------------------------------------------
    def _read_texts(self) -> list[str]:
        """The text of every page within its box (pdfium: fast; pdfplumber is kept for the
        pages whose tables and ruling lines are read)."""
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(str(self.path))
        except Exception as error:  # noqa: BLE001 - pdfium raises PdfiumError and others
            message = str(error)
            if "password" in message.lower():
                raise DocumentError(self.file, "the PDF is encrypted (password protected)") from None
            raise DocumentError(self.file, f"corrupt or truncated PDF ({message})") from None
        texts = []
        try:
            for index in range(len(document)):
                self.current_page = index + 1
                page = document[index]
                left, bottom, right, top = page.get_bbox()
                textpage = page.get_textpage()
                texts.append(textpage.get_text_bounded(left, bottom, right, top).replace("\r\n", "\n").replace("\r", "\n"))
                textpage.close()
                page.close()
        finally:
            document.close()
        return texts

    def plumber_page(self, number: int):
        if number not in self._plumber:
            self.current_page = number
            self._plumber[number] = _within(self.pdf.pages[number - 1])
        return self._plumber[number]

    def _classify_pages(self) -> None:
        """page -> table no (1..9) for the budget table pages, "project" for 绩效目标表 pages."""
        self.page_kind: dict[int, Any] = {}
        self.table_titles: dict[int, tuple[int, str]] = {}
        current = None
        for number, text in enumerate(self.texts, 1):
            head = [re.sub(r"\s+", "", line) for line in text.splitlines()[:3]]
            # a title, not a line of the 目录 (numbered "1. 2023年部门…表")
            title = next(
                ((no, line) for line in head if not re.match(r"^\d+[.．、]", line)
                 for no, pattern in _TABLES if pattern.search(line)),
                None,
            )
            if title and number > self.cover_page:
                self.table_titles[number] = title
                self.page_kind[number] = title[0]
                current = title[0]
            elif any(_PROJECT_TABLE in line for line in head):
                self.page_kind[number] = "project"
                current = None
            elif current is not None and current != 9 and (
                not head or re.match(r"^(项目|类|\d{3}|合计)", head[0] or "")
            ):
                self.page_kind[number] = current
            else:
                current = None

    def _build_prose(self) -> None:
        """The prose pages joined into one string, line breaks removed; offsets map to pages."""
        parts: list[str] = []
        self.starts: list[int] = []
        self.start_pages: list[int] = []
        length = 0
        for number, text in enumerate(self.texts, 1):
            if number in self.page_kind:
                continue
            joined = re.sub(r"\s*\n\s*", "", text)
            joined = re.sub(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", "", joined)  # spaces between CJK
            joined = re.sub(r" +(?=[。，；：、）])", "", joined)
            if parts and len(joined) > 20:
                previous = parts[-1]
                position = previous.find(joined[:20])
                if position >= 0 and joined.startswith(previous[position:]):
                    # the page repeats the end of the page before it
                    self.warn(f"the page repeats {len(previous) - position} characters of page {self.start_pages[-1]}; dropped", number)
                    joined = joined[len(previous) - position:]
            self.starts.append(length)
            self.start_pages.append(number)
            parts.append(joined)
            length += len(joined)
        self.prose = "".join(parts)

    def page_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.start_pages[index] if index >= 0 else None

    def search(self, pattern: str, start: int = 0, end: int | None = None):
        return re.compile(pattern).search(self.prose, start, len(self.prose) if end is None else end)

    # ---- unit, duties, sub-offices ---------------------------------------------------------------
    def _unit(self) -> Unit:
        cover = re.sub(r"\s+", "", self.texts[self.cover_page - 1])
        match = re.search(r"预算(?:主管部门|单位)[:：](.+?)(?:$|\n)", cover)
        names: list[str] = []
        if match:
            names.append(match[1])
        for pattern in (
            rf"{self.year}年，(.{{2,40}}?)收入预算",
            rf"{self.year}年(.{{2,40}}?)(?:下属|财政拨款的)",
        ):
            found = self.search(pattern)
            if found:
                names.append(found[1].strip("，,"))
        for number, text in enumerate(self.texts, 1):
            if number in self.table_titles:
                found = re.search(r"编制(?:部门|单位)[:：](\S+)", text)
                if found:
                    names.append(found[1])
                    break
        names = [re.sub(r"^(?:部门|单位)$", "", name) for name in names]
        names = [name for name in names if name and not re.search(r"[\d:：]", name)]
        if not names:
            raise DocumentError(self.file, "no unit name found (cover 预算单位：…, 编制说明)", page=self.cover_page)
        full = names[0]
        aliases = tuple(dict.fromkeys(name for name in names[1:] if name != full))
        return Unit(name=full, aliases=aliases, line=None)

    def _numbered(self, text: str, base: int) -> list[tuple[int, int, int]]:
        """(no, start, end) of the items numbered 1, 2, 3 … in ``text`` — as （一）, 一、, 1、 or 1. —
        in the style whose first item comes first; offsets are shifted by ``base``."""
        styles = [
            lambda n: f"（{_to_cn(n)}）、?",
            lambda n: f"(?<![{_CN}]){_to_cn(n)}、",
            lambda n: rf"(?<![\d.]){n}、",
            lambda n: rf"(?<![\d.]){n}[.．](?!\d)",
        ]
        best: list[tuple[int, int]] = []  # (start, end) of each marker
        for marker in styles:
            found = re.search(marker(1), text)
            if not found or (best and found.start() >= best[0][0]):
                continue
            spans = [(found.start(), found.end())]
            while following := re.compile(marker(len(spans) + 1)).search(text, spans[-1][1]):
                spans.append((following.start(), following.end()))
            best = spans
        return [
            (index + 1, base + end, base + (best[index + 1][0] if index + 1 < len(best) else len(text)))
            for index, (_, end) in enumerate(best)
        ]

    def _duties(self) -> tuple[Item, ...]:
        intro = self.search(r"主要(?:职能|职责)(?:包括|是|为|有)?[:：]")
        if not intro:
            return ()
        stop = self.search(r"机构设置", intro.end())
        end = stop.start() if stop else min(len(self.prose), intro.end() + 6000)
        # the section title of the next page (e.g. "上海市普陀区司法局机构设置") is cut off below
        text = self.prose[intro.end():end]
        items = []
        for no, start, stop_at in self._numbered(text, intro.end()):
            body = self.prose[start:stop_at].strip()
            if no == len(items) + 1:
                body = self._cut_trailing_heading(body)
                items.append(Item(no=no, text=body, page=self.page_at(start)))
        return tuple(items)

    def _member_units(self) -> tuple[OrgRow, ...]:
        """The units a 部门预算 consists of (具体包括：1. …本部 2. …), with whether each has a
        budget of its own."""
        intro = self.search(r"部门预算是包括.{0,80}?具体包括[^:：]{0,20}[:：]")
        if not intro:
            return ()
        stated = re.search(r"下属\s*(\d+)\s*家", intro.group(0))
        count = 1 + int(stated[1]) if stated else None  # 本部 and the units under it
        rest = self.prose[intro.end(): intro.end() + 3000]
        rows = []
        for no, start, stop in self._numbered(rest, 0):
            if no != len(rows) + 1 or (count is not None and no > count):
                break
            body = re.sub(r"\s+", "", rest[start:stop]).rstrip("。；;")
            name = re.split(r"名词解释|[，,。；]", body, maxsplit=1)[0]
            name = re.sub(r"^下属(?:事业|预算)?单位", "", name)
            name = re.sub(r"不单列预算.*$|并入本部.*$", "", name)
            rows.append(OrgRow(
                name=name, nature=None, level=None, funding=None, page=self.page_at(intro.end() + start),
                separate_budget=False if re.search(r"不单列预算|并入本部", body) else None,
                own=bool(re.search(r"本部|本级", name)),
            ))
        return tuple(rows)

    def _cut_trailing_heading(self, text: str) -> str:
        """Drop a page title (the unit's name before 机构设置) glued to the last item."""
        cut = re.search(r"[。；](?:上海市|部门)[^。；]*$", text)
        if cut and len(text) - cut.end() < 40:
            return text[: cut.start() + 1]
        return text

    def _sub_offices(self) -> SubOffices | None:
        match = self.search(rf"设(\d+|[{_CN}]+)个内设机构[，,]?(?:包括|分别是|分别为|为)?[:：]")
        if not match:
            return None
        count = int(match[1]) if match[1].isdigit() else chinese_numeral(match[1])
        rest = self.prose[match.end(): match.end() + 4000]
        if rest.startswith(("（一）", "1")):
            names = []
            for no, start, stop in self._numbered(rest, 0):
                first = re.split(r"[。；]", rest[start:stop], maxsplit=1)[0]
                names.append(first.strip())
                if count and no >= count:
                    break
        else:
            listed = re.split(r"[。；]", rest, maxsplit=1)[0]
            names = [name for name in re.split(r"[、，,]", listed) if name]
        distinct: list[str] = []
        duplicates: list[str] = []
        for name in names:
            (duplicates if name in distinct else distinct).append(name)
        page = self.page_at(match.start())
        if count is not None and count != len(names):
            self.warn(f"the text says {count} sub-offices but lists {len(names)}", page)
        return SubOffices(stated_count=count, names=tuple(distinct), duplicates=tuple(duplicates), line=None)

    # ---- figures from the prose ---------------------------------------------------------------
    def _summary(self, tables: tuple[BudgetTable, ...]) -> Summary:
        values: dict[str, Decimal | None] = {}
        pages: dict[str, int] = {}
        printed: dict[str, tuple[str, str]] = {}

        def grab(key: str, pattern: str, start: int = 0, end: int | None = None):
            match = self.search(pattern, start, end)
            if match:
                values[key] = _amount(match[1])
                pages[key] = self.page_at(match.start(1))
                printed[key] = (match[1], "万元")
            return match

        income = grab("income_total", rf"收入预算(?:总额|合计)?(?:为)?{_AMT}")
        if income:
            grab("fiscal_appropriation", rf"财政拨款收入{_AMT}", income.end(), income.end() + 30)
        spend = grab("expenditure_total", rf"(?<!拨款)支出预算(?:总额|合计)?(?:为)?{_AMT}，其中")
        grab("operating_expenses", rf"机关运行经费预算(?:数)?为{_AMT}")
        # figures the prose does not state come from the tables (printed in 元)
        by_no = {table.no: table for table in tables}
        total_row = lambda no: next((row for row in by_no[no].rows if row.name in ("合计", "总计")), None) if no in by_no else None
        row3 = total_row(3)
        for key, column in (("basic_expenditure", "基本支出"), ("project_expenditure", "项目支出")):
            if row3 is not None and column in row3.amounts:
                values[key], pages[key] = row3.amounts[column], row3.page
                printed[key] = (row3.printed.get(column, ""), by_no[3].unit)
        row8 = total_row(8)
        for key, column in (("personnel_expenditure", "人员经费"), ("public_expenditure", "公用经费")):
            if row8 is not None and column in row8.amounts:
                values[key], pages[key] = row8.amounts[column], row8.page
                printed[key] = (row8.printed.get(column, ""), by_no[8].unit)
        if values.get("expenditure_total") is None and row3 is not None and "合计" in row3.amounts:
            values["expenditure_total"], pages["expenditure_total"] = row3.amounts["合计"], row3.page
        change = self._change(income, spend)
        sangong = self._sangong()
        return Summary(**values, sangong=sangong, change=change, lines=pages, printed=printed)

    def _change(self, income, spend) -> Change | None:
        anchor = income or spend
        if not anchor:
            return None
        match = self.search(rf"比(\d{{4}})年(?:（[^）]*）)?预算(?:执行数)?(增加|减少|持平)(?:{_AMT})?", anchor.end(), anchor.end() + 80)
        if not match:
            return None
        total = Decimal(0) if match[2] == "持平" else _amount(match[3])
        if total is not None and match[2] == "减少":
            total = -total
        reason_match = self.search(r"(?:收入支出|收支)?(?:增加|减少|变化|增减)?的?主要原因(?:是|为|[:：])([^。]*)。", match.end(), match.end() + 400)
        reason = None
        if reason_match and not re.search(r"财政拨款支出主要内容", self.prose[match.end():reason_match.start()]):
            reason = re.split(r"财政拨款支出主要内容", reason_match[1])[0].strip("，,：: ") or None
            if reason is None:
                self.warn("the reason for the change is left blank (主要原因是。)", self.page_at(reason_match.start()))
        return Change(
            compared_to=int(match[1]), total=total, basic_expenditure=None, project_expenditure=None,
            reason=reason, line=None, page=self.page_at(match.start()),
        )

    def _sangong(self) -> Sangong:
        head = self.search(rf"“三公”经费预算数为{_AMT}[，,]?(比|与)(\d{{4}})年预算(?:数)?(持平|增加{_AMT}|减少{_AMT})")
        if not head:
            head = self.search(rf"“三公”经费预算数为{_AMT}")
            if not head:
                return Sangong()
        end_match = self.search(r"机关运行经费预算", head.end())
        end = end_match.start() if end_match else head.end() + 800
        text = self.prose[head.end():end]
        page = self.page_at(head.start())
        parts: dict[str, Decimal | None] = {}
        changes: dict[str, Decimal | None] = {}
        patterns = {
            "abroad": r"因公出国（境）费",
            "vehicle": r"公务(?:用)?车购置及运行费",
            "vehicle_purchase": r"公务用车购置费",
            "vehicle_operation": r"公务(?:车)?用车运行费",
            "reception": r"公务接待费",
        }
        for key, label in patterns.items():
            match = re.search(rf"{label}{_AMT}[。，,]?(?:(?:比|与)\d{{4}}年预算(?:数)?(持平|增加{_AMT}|减少{_AMT}))?", text)
            if match:
                parts[key] = _amount(match[1])
                changes[key] = _signed_change(match[2])
                if re.search(r"主要原因是[。；]", text[match.end(): match.end() + 20]):
                    self.warn(f"the reason for the change of {label.replace('(?:用)?', '用').replace('(?:车)?', '')} is left blank (主要原因是。)", page)
        total = _amount(head[1])
        change = None
        previous = None
        if head.lastindex and head.lastindex >= 3:
            changes["total"] = _signed_change(head[4])
            change = Sangong(year=int(head[3]), page=page, **{k: v for k, v in changes.items()})
            if all(parts.get(k) is not None and changes.get(k) is not None for k in ("abroad", "vehicle", "reception")) and changes["total"] is not None:
                # the previous year as the document implies it: this year minus the stated change
                previous = Sangong(
                    year=int(head[3]), total=total - changes["total"], page=page,
                    **{k: parts[k] - changes[k] for k in parts if changes.get(k) is not None},
                )
        return Sangong(year=self.year, total=total, page=page, previous_year=previous, change=change, **parts)

    def _procurement(self) -> ProcurementSummary | None:
        match = self.search(rf"(\d{{4}})年度?本(?:部门|单位)政府采购预算{_AMT}")
        if not match:
            none = self.search(r"(?:无|没有|未安排)政府采购")
            if none:
                return ProcurementSummary(year=self.year, total=Decimal(0), goods=None, works=None, services=None, page=self.page_at(none.start()))
            return None
        window = self.prose[match.end(): match.end() + 300]
        split = {}
        for key, label in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
            found = re.search(rf"政府采购{label}预算{_AMT}", window)
            split[key] = _amount(found[1]) if found else None
        sme = self.search(rf"面向中小企业预留政府采购项目预算金额{_AMT}", match.end(), match.end() + 400)
        small = self.search(rf"预留给小型和微型企业的政府采购项目预算为{_AMT}", match.end(), match.end() + 500)
        total = _amount(match[2])
        parts = [v for v in split.values() if v is not None]
        if len(parts) == 3 and sum(parts, Decimal(0)) != total:
            self.warn(f"政府采购 货物+工程+服务 = {sum(parts, Decimal(0))} ≠ total {total}", self.page_at(match.start()))
        return ProcurementSummary(
            year=int(match[1]), total=total, **split,
            sme_reserved=_amount(sme[1]) if sme else None,
            small_micro_reserved=_amount(small[1]) if small else None,
            page=self.page_at(match.start()),
        )

    def _assets(self) -> AssetSummary | None:
        match = self.search(r"截[止至](\d{4})年(\d{1,2})月(\d{1,2})日[，,]")
        if not match:
            return None
        stop = self.search(r"项目经费情况说明|财政项目支出绩效", match.end())
        limit = stop.start() if stop else min(len(self.prose), match.end() + 1500)
        text = self.prose[match.start():limit]
        plan = re.search(r"(\d{4})年(?:部门|单位)?预算安排购置车辆(\d+)辆", text)
        current = text[: plan.start()] if plan else text
        vehicles = re.search(r"(?:共有)?车辆(\d+)辆", current)
        kinds = {k: int(n) for k, n in re.findall(r"([^，,、；：（）()。\d]{2,12}?用车)(\d+)辆", current)}
        values = {k: Decimal(v) for k, v in re.findall(r"([^，,、；：（）()。\d]{2,10}?)(\d+(?:\.\d+)?)万元(?!以上)", current) if not k.endswith("单价")}
        counts = {}
        for name, number, unit in re.findall(r"([^，,、；：（）()。]{2,40}?)(\d+(?:\.\d+)?)(台（套）|台/套|平方米|项)", current):
            counts[re.sub(r"^(?:其中[:：])", "", name) + f"（{unit}）"] = Decimal(number)
        planned_kinds = {}
        if plan:
            planned_kinds = {k: int(n) for k, n in re.findall(r"([^，,、；：（）()。\d]{2,12}?用车)(\d+)辆", text[plan.end():])}
        return AssetSummary(
            as_of=f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}",
            vehicles=int(vehicles[1]) if vehicles else None,
            vehicle_kinds=kinds, counts=counts, values=values,
            planned_year=int(plan[1]) if plan else None,
            planned_vehicles=int(plan[2]) if plan else None,
            planned_vehicle_kinds=planned_kinds,
            text=text, page=self.page_at(match.start()),
        )

    def _performance(self) -> PerformanceSummary | None:
        match = self.search(
            rf"(?:(\d+)个预算单位开展了(\d{{4}})年项目预算绩效目标编报工作，|(\d{{4}})年度，本(?:部门|单位))?"
            rf"编报绩效目标的项目(?:共)?(\d+)个，涉及项目预算资金{_AMT}"
        )
        if not match:
            return None
        year = match[2] or match[3]
        return PerformanceSummary(
            units=int(match[1]) if match[1] else None, year=int(year) if year else None,
            projects=int(match[4]), amount=_amount(match[5]), page=self.page_at(match.start()),
        )

    # ---- the budget tables ---------------------------------------------------------------------
    def _tables(self) -> tuple[BudgetTable, ...]:
        groups: dict[int, list[int]] = {}
        order: list[int] = []
        for number in sorted(self.page_kind):
            kind = self.page_kind[number]
            if isinstance(kind, int):
                if number in self.table_titles or kind not in groups:
                    if kind in groups and number in self.table_titles:
                        self.warn(f"budget table {kind} printed twice; the first is kept", number)
                        continue
                    groups[kind] = []
                    order.append(kind)
                groups[kind].append(number)
        tables = []
        for no in order:
            pages = groups[no]
            first = pages[0]
            title = self.table_titles.get(first, (no, ""))[1]
            unit_match = re.search(r"单位\s*[:：]\s*(万元|元)", self.texts[first - 1])
            unit = unit_match[1] if unit_match else "元"
            note = re.search(r"注[:：](.+)", self.texts[pages[-1] - 1])
            if no == 9:
                tables.append(self._sangong_table(title, unit, first, note))
            else:
                tables.append(self._table(no, title, unit, pages, note))
        return tuple(tables)

    def _table(self, no: int, title: str, unit: str, pages: list[int], note) -> BudgetTable:
        columns: list[str] | None = None
        code_columns: list[int] = []
        name_column = None
        sides: list[tuple[int, int, str]] = []  # (label col, first amount col, side)
        rows: list[TableRow] = []
        for number in pages:
            for raw in self.plumber_page(number).extract_tables():
                body_start = 0
                header_rows = []
                for index, row in enumerate(raw):
                    cells = [_clean_cell(c) for c in row]
                    if self._is_data_row(cells):
                        body_start = index
                        break
                    header_rows.append(cells)
                    body_start = index + 1
                if header_rows and (columns is None or len(header_rows[0]) != len(columns)):
                    columns, code_columns, name_column, sides = self._header(header_rows)
                if columns is None:
                    continue
                for row in raw[body_start:]:
                    cells = [_clean_cell(c) for c in row]
                    if not any(cells):
                        continue
                    first = str(row[0] or "").split()
                    if not sides and first and first[0] in ("合计", "总计") and (len(first) > 1 or len(row) != len(columns)):
                        # the total row's cells run together ("合计 156,211,123 99,706,020 …") or the
                        # row stands alone on a page with its own column grid
                        tokens = " ".join(str(c or "") for c in row).split()
                        amount_cols = [i for i, c in enumerate(columns) if i not in code_columns and i != name_column]
                        cells = [""] * len(columns)
                        cells[0] = tokens[0]
                        for col, token in zip(amount_cols, tokens[1:]):
                            cells[col] = token
                    rows.extend(self._rows(cells, columns, code_columns, name_column, sides, unit, number))
        names = tuple(c for i, c in enumerate(columns or ()) if i not in code_columns and i != name_column and c)
        if not rows and not (note and "空表" in note[1]):
            self.warn(f"budget table {no} ({title}) has no rows", pages[0])
        return BudgetTable(
            no=no, title=title, unit=unit, columns=tuple(dict.fromkeys(names)), rows=tuple(rows),
            page=pages[0], note=note[1].strip() if note else None,
        )

    @staticmethod
    def _is_data_row(cells: list[str]) -> bool:
        if cells and (re.fullmatch(r"\d{3}", cells[0]) or cells[0] in ("合计", "总计")):
            return True
        return any(re.fullmatch(r"-?[\d,]+\.?\d*", c) for c in cells if c) and not all(
            re.fullmatch(r"[类款项]", c) for c in cells if c
        )

    @staticmethod
    def _header(header_rows: list[list[str]]):
        width = max(len(r) for r in header_rows)
        names: list[str] = []
        for col in range(width):
            name = ""
            for row in header_rows:
                if col < len(row) and row[col]:
                    name = row[col]
            if not name:  # spanned from the left in every row
                for row in header_rows:
                    left = next((row[c] for c in range(col, -1, -1) if c < len(row) and row[c]), "")
                    if left:
                        name = left
                        break
            names.append(name)
        code_columns = [i for i, n in enumerate(names) if n in ("类", "款", "项")]
        name_column = next((i for i, n in enumerate(names) if "科目名称" in n), None)
        sides = []
        if not code_columns:
            labels = [i for i, n in enumerate(names) if n == "项目"]
            for position, col in enumerate(labels):
                side = "收入" if position == 0 else "支出"
                sides.append((col, col + 1, side))
        return names, code_columns, name_column, sides

    def _rows(self, cells, columns, code_columns, name_column, sides, unit, page) -> list[TableRow]:
        def amounts(lo: int, hi: int):
            values, printed = {}, {}
            for col in range(lo, min(hi, len(cells))):
                if col in code_columns or col == name_column or not cells[col]:
                    continue
                value = _amount(cells[col], unit)
                if value is not None:
                    key = columns[col] if col < len(columns) else str(col)
                    values[key], printed[key] = value, cells[col]
            return values, printed

        if sides:
            result = []
            for index, (label_col, first, side) in enumerate(sides):
                stop = sides[index + 1][0] if index + 1 < len(sides) else len(cells)
                label = cells[label_col] if label_col < len(cells) else ""
                values, printed = amounts(first, stop)
                if label or values:
                    result.append(TableRow(code=None, name=label or None, amounts=values, page=page, side=side, printed=printed))
            return result
        segments = [cells[c] for c in code_columns if c < len(cells) and cells[c]]
        for index in range(1, len(segments)):
            if re.fullmatch(r"\d", segments[index]):
                # 款/项 are two digits in the national classification; the table printed one
                self.warn(f"科目编码 segment {segments[index]!r} printed without its leading zero "
                          f"({''.join(segments)}); read as 0{segments[index]}", page)
                segments[index] = "0" + segments[index]
        code = "".join(segments) or None
        name = cells[name_column] if name_column is not None and name_column < len(cells) else None
        if code in ("合计", "总计"):
            code, name = None, code
        values, printed = amounts(0, len(cells))
        return [TableRow(code=code, name=name or None, amounts=values, page=page, printed=printed)]

    def _sangong_table(self, title: str, unit: str, page: int, note) -> BudgetTable:
        columns = ("三公经费合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "机关运行经费")
        rows = []
        for raw in self.plumber_page(page).extract_tables():
            header = " ".join(_clean_cell(c) for row in raw[:3] for c in row)
            order = columns
            if header.find("公务用车购置及运行费") < header.find("公务接待费") and "公务用车购置及运行费" in header:
                order = ("三公经费合计", "因公出国(境)费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费", "机关运行经费")
            for row in raw[3:]:
                cells = [_clean_cell(c) for c in row]
                if not any(cells):
                    continue
                values, printed = {}, {}
                for name, cell in zip(order, cells):
                    value = _amount(cell, unit) if cell else None
                    if value is not None:
                        values[name], printed[name] = value, cell
                rows.append(TableRow(code=None, name=None, amounts=values, page=page, printed=printed))
        return BudgetTable(no=9, title=title, unit=unit, columns=columns, rows=tuple(rows), page=page,
                           note=note[1].strip() if note else None)

    def _adjust(self, checks: tuple[Check, ...], doc: Document) -> tuple[Check, ...]:
        """The text parser's checks, fitted to the PDF: figures read from the tables (元) against
        figures of the prose (万元, rounded to 0.01) agree within 0.005 万元; the project costs
        are compared with the 绩效 summary, not with all of 项目支出 (only some projects have tables)."""
        out = []
        printed = doc.summary.printed
        for check in checks:
            if check.name == "projects.cost_total":
                continue
            if check.name.startswith("sangong.change.") and doc.summary.sangong.previous_year is not None:
                continue  # the previous year is derived from the stated change: nothing to recompute
            if check.name.startswith("summary.") and not check.ok and check.expected is not None and check.actual is not None:
                mixed = {unit for _, unit in printed.values()} >= {"元", "万元"}
                if mixed and abs(check.expected - check.actual) <= _TOLERANCE:
                    check = dataclasses.replace(check, ok=True, detail=check.detail + " (±0.005万元: table figures in 元 against prose in 万元)")
            if check.page is None and check.line is not None:
                check = dataclasses.replace(check, page=check.line, line=None)
            out.append(check)
        perf = doc.performance_summary
        if perf is not None and doc.projects:
            out.append(Check(
                name="performance.project_count", ok=perf.projects == len(doc.projects),
                expected=Decimal(perf.projects) if perf.projects is not None else None, actual=Decimal(len(doc.projects)),
                detail="编报绩效目标的项目 N个 = number of 绩效目标填报表", line=None, page=perf.page,
            ))
            costs = [p.cost for p in doc.projects]
            if perf.amount is not None and all(c is not None for c in costs):
                total = sum(costs, Decimal(0))
                out.append(Check(
                    name="performance.amount", ok=abs(perf.amount - total) <= _TOLERANCE, expected=perf.amount,
                    actual=total, detail="涉及项目预算资金 = sum of the 绩效目标填报表 amounts", line=None, page=perf.page,
                ))
        return tuple(out)

    def _table_checks(self, doc: Document) -> tuple[Check, ...]:
        s = doc.summary
        checks: list[Check] = []

        def add(name, expected, actual, detail, page):
            if expected is None or actual is None:
                return
            checks.append(Check(name=name, ok=abs(expected - actual) <= _TOLERANCE, expected=expected,
                                actual=actual, detail=detail, line=None, page=page))

        by_no = {table.no: table for table in doc.tables}
        if 1 in by_no:
            t = by_no[1]
            for side, key, label in (("收入", "income_total", "收入总计"), ("支出", "expenditure_total", "支出总计")):
                row = next((r for r in t.rows if r.side == side and r.name == label), None)
                if row is not None and row.amounts:
                    value = next(iter(row.amounts.values()))
                    add(f"table1.{key}", getattr(s, key), value,
                        f"表1 {label} ({row.printed.get(next(iter(row.amounts)))} {t.unit}) = 编制说明 figure (±0.005万元)", row.page)
        for no, key, label in ((2, "income_total", "收入总表 合计"), (3, "expenditure_total", "支出总表 合计")):
            if no in by_no:
                row = next((r for r in by_no[no].rows if r.name in ("合计", "总计")), None)
                if row is not None and "合计" in row.amounts:
                    add(f"table{no}.{key}", getattr(s, key), row.amounts["合计"],
                        f"表{no} {label} ({row.printed.get('合计')} {by_no[no].unit}) = 编制说明 figure (±0.005万元)", row.page)
        for table in doc.tables:
            coded = [row for row in table.rows if row.code and row.code.isdigit()]
            for row in coded:
                children = [r for r in coded if len(r.code) == len(row.code) + 2 and r.code.startswith(row.code)]
                if not children:
                    continue
                for column, value in row.amounts.items():
                    total = sum((r.amounts.get(column, Decimal(0)) for r in children), Decimal(0))
                    add(f"table{table.no}.rollup[{row.code}].{column}", value, total,
                        f"表{table.no} {row.code} {row.name} {column} = sum of its {len(children)} sub-rows", row.page)
                    checks[-1] = dataclasses.replace(checks[-1], ok=checks[-1].expected == checks[-1].actual)
        if 9 in by_no and by_no[9].rows:
            row = by_no[9].rows[0]
            a = row.amounts
            zero = Decimal(0)
            if "三公经费合计" in a or s.sangong.total is not None:
                add("table9.sangong_total", s.sangong.total, a.get("三公经费合计", zero),
                    "表9 三公经费合计 = 编制说明 三公经费预算数", row.page)
            add("table9.sangong_parts", a.get("三公经费合计", zero),
                a.get("因公出国(境)费", zero) + a.get("公务接待费", zero) + a.get("公务用车购置及运行费", zero),
                "表9 三公经费合计 = 因公出国(境)费 + 公务接待费 + 公务用车购置及运行费", row.page)
            add("table9.operating_expenses", s.operating_expenses, a.get("机关运行经费", zero),
                "表9 机关运行经费 = 编制说明 机关运行经费预算", row.page)
        return tuple(checks)

    # ---- 财政项目支出绩效目标填报表 -------------------------------------------------------------------
    def _projects(self) -> tuple[Project, ...]:
        projects = []
        for number in sorted(n for n, k in self.page_kind.items() if k == "project"):
            project = self._project(number, len(projects) + 1)
            if project is not None:
                projects.append(project)
        return tuple(projects)

    def _project(self, number: int, no: int) -> Project | None:
        page = self.plumber_page(number)
        text = page.extract_text() or ""
        flat = re.sub(r"\s+", " ", text)
        name = re.search(r"项目名称 (.+?) 项目性质 (\S+) 项目类别 (\S+)", flat)
        if not name:
            self.warn("绩效目标填报表 without a 项目名称", number)
            return None
        dept = re.search(r"主管部门 (\S+) 实施单位 (\S+)", flat)
        dates = re.search(r"计划开始日期 (\S+) 计划完成日期 (\S+)", flat)
        printed: dict[str, str] = {}

        def money(key: str, label: str):
            found = re.search(label + r" ?([\d,]+\.\d{2})", flat)
            if found:
                printed[key] = found[1]
                return _amount(found[1], "元")
            return None

        header = ProjectHeader(
            name=name[1], nature=name[2], category=name[3],
            department=dept[1] if dept else None, implementer=dept[2] if dept else None,
            start=dates[1] if dates else None, end=dates[2] if dates else None,
            total=money("total", "项目资金总额"), annual=money("annual", "年度资金申请总额"),
            fiscal=money("fiscal", "当年财政拨款"), carried_over=money("carried_over", "上年结转资金"),
            other=money("other", "其他资金"), unit="元", printed=printed,
        )
        goals, indicators = self._grid(page, number)
        cost = None
        for indicator in indicators:
            if indicator.level2 == "成本指标" and indicator.value.number is not None and indicator.value.unit in ("元", "万元"):
                cost = (cost or Decimal(0)) + _amount(str(indicator.value.number), indicator.value.unit)
        if cost is None:
            cost = header.annual if header.annual is not None else header.total
        return Project(
            no=no, name=header.name, title=_PROJECT_TABLE, goals=goals, indicators=indicators,
            cost=cost, line=None, page=number, header=header,
        )

    def _grid(self, page, number: int):
        """年度总体目标 and the indicator rows, read from the table's ruling lines."""
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
        edges = page.edges
        heads = {}
        for word in words:
            for key in ("一级指标", "二级指标", "三级指标"):
                if word["text"] == key:
                    heads[key] = word
            if "指标值" in word["text"]:
                heads["value"] = word
        if len(heads) < 4:
            self.warn("绩效目标填报表 without its 一级/二级/三级指标/指标值 header", number)
            return (), ()
        header_top, header_bottom = heads["一级指标"]["top"], heads["一级指标"]["bottom"]
        verticals = sorted({round(e["x0"]) for e in edges if e["orientation"] == "v"
                            and e["top"] <= header_top + 1 and e["bottom"] >= header_bottom - 1})
        centres = {k: (w["x0"] + w["x1"]) / 2 for k, w in heads.items()}

        def span(centre: float) -> tuple[float, float]:
            left = max((x for x in verticals if x < centre), default=centre - 40)
            right = min((x for x in verticals if x > centre), default=centre + 40)
            return left, right

        spans = {k: span(c) for k, c in centres.items()}

        def boundaries(key: str) -> list[float]:
            lo, hi = spans[key]
            ys = sorted(e["top"] for e in edges if e["orientation"] == "h"
                        and e["x0"] <= lo + 2 and e["x1"] >= hi - 2 and e["top"] >= header_bottom - 1)
            merged: list[float] = []
            for y in ys:
                if not merged or y - merged[-1] > 2:
                    merged.append(y)
            return merged

        def cells(key: str) -> list[tuple[float, float, str]]:
            lo, hi = spans[key]
            ys = boundaries(key)
            out = []
            for top, bottom in itertools.pairwise(ys):
                inside = [w for w in words if lo - 1 <= (w["x0"] + w["x1"]) / 2 <= hi + 1
                          and top - 1 <= (w["top"] + w["bottom"]) / 2 <= bottom + 1]
                inside.sort(key=lambda w: (round(w["top"]), w["x0"]))
                out.append((top, bottom, "".join(w["text"] for w in inside)))
            return out

        level3 = cells("三级指标")
        values = cells("value")
        level1 = cells("一级指标")
        level2 = cells("二级指标")

        def covering(blocks, top, bottom):
            centre = (top + bottom) / 2
            return next((text for t, b, text in blocks if t <= centre <= b and text), None)

        indicators = []
        for top, bottom, text in level3:
            value_text = covering(values, top, bottom) or ""
            if not text and not value_text:
                continue
            indicators.append(Indicator(
                level1=covering(level1, top, bottom), level2=covering(level2, top, bottom), level3=text or None,
                description=None, value=parse_value(value_text), basis=Basis(raw=None), line=None, page=number,
            ))
        # 年度总体目标: the text under its heading, right half of the goals block
        goals_head = next((w for w in words if w["text"] == "年度总体目标"), None)
        goals: tuple[str, ...] = ()
        if goals_head is not None:
            goal_verticals = sorted({e["x0"] for e in edges if e["orientation"] == "v"
                                     and e["top"] <= goals_head["top"] + 1 and e["bottom"] >= goals_head["bottom"] - 1})
            left = max((x for x in goal_verticals if x < goals_head["x0"]), default=goals_head["x0"] - 30)
            inside = [c for c in page.chars if c["x0"] >= left - 1 and goals_head["bottom"] < c["top"] < header_top - 2
                      and c["text"].strip()]
            lines: dict[int, list] = {}
            for w in sorted(inside, key=lambda c: (c["top"], c["x0"])):
                key = next((k for k in lines if abs(k - w["top"]) < 3), None)
                lines.setdefault(key if key is not None else round(w["top"]), []).append(w)
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
            text = "".join("".join(w["text"] for w in ws) for _, ws in sorted(lines.items()))
            goals = tuple(part for part in re.split(r"(?<=[。])", text) if part) if text else ()
        return goals, tuple(indicators)


def _signed_change(text: str | None) -> Decimal | None:
    if text is None:
        return None
    if text == "持平":
        return Decimal(0)
    match = re.match(rf"(增加|减少){_AMT}", text)
    if not match:
        return None
    value = _amount(match[2])
    return -value if match[1] == "减少" else value


def parse_pdf(path: str | Path) -> Document:
    """Read one PDF disclosure (Shanghai 区级部门/单位预算) into a Document.

    Raises :class:`DocumentError` naming the file (and page) for anything that is not a readable
    budget disclosure: no text layer, encrypted, corrupt or truncated, not a PDF at all.
    """
    return _PdfParser(path).parse()
