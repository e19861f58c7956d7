"""Parse a budget disclosure in text form (the Hebei layout: prose, tables as tab-separated
lines) into a :class:`~budgetkg.graph.records.Document`.

Sections are found by what they say (headings, table headers, the sentences that state
figures), not by position, so that documents of the same family with other units, years,
numbering and missing parts parse too. What is missing is listed in ``warnings``.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

from . import checks as checks_mod
from .numbers import amount_of_value, chinese_numeral, parse_amount, parse_decimal, parse_value
from .records import (
    AssetItem,
    Assets,
    Basis,
    Change,
    DocumentError,
    Document,
    Indicator,
    Item,
    OrgRow,
    PerformanceArea,
    ProcurementItem,
    Project,
    Sangong,
    SubOffices,
    Summary,
    Term,
    Unit,
    UnitGoal,
    UnitIndicator,
    Value,
)
from .textfile import clean, paragraphs, read_lines, squeeze, table_blocks

_CN_NUM = "一二三四五六七八九十"
_AMT = r"(-?\d[\d,，]*(?:\.\d+)?)万元"
_TITLE = re.compile(r"^(?P<name>.*?)(?P<year>\d{4})年度?(?P<kind>单位|部门)预算(?:信息)?公开(?P<rest>.*)$")
_EXPLANATION_TITLE = re.compile(
    rf"^(?![{_CN_NUM}\d]+[、.．])(?P<name>.+?)(?P<year>\d{{4}})年度?(?:单位|部门)预算(?:信息)?公开情况说明$"
)
_TOP_HEADING = re.compile(rf"^(?P<no>[{_CN_NUM}]+)、(?P<title>.+)$")
_PROJECT_TITLE = re.compile(r"^(?P<no>\d+)[、.．](?P<title>.*绩效目标(?:申报)?表)$")
_NUMBERED = re.compile(r"^[-•*]?(?P<no>\d+)[、.．](?P<text>.+)$")
_PAREN_NUMBERED = re.compile(r"^[(（](?P<no>\d+)[)）](?P<text>.+)$")


class _TextParser:
    def __init__(self, path: str | Path):
        self.source, self.lines = read_lines(path)
        self.file = str(path)
        self.warnings: list[str] = []

    # ---- locating things -------------------------------------------------------------
    def find(self, pattern: re.Pattern[str] | str, start: int = 0, end: int | None = None):
        """The first (index, match) whose squeezed line matches ``pattern``, or (None, None)."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        for index in range(start, len(self.lines) if end is None else end):
            match = regex.search(self.lines[index].squeezed)
            if match:
                return index, match
        return None, None

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(f"line {line}: {message}" if line else message)

    # ---- the whole document --------------------------------------------------------------
    def parse(self) -> Document:
        title_index, title = self.find(_TITLE, 0, min(len(self.lines), 80))
        if title is None:
            raise DocumentError(
                self.file,
                "not a budget disclosure: no title like 'YYYY年单位预算公开' or 'YYYY年部门预算公开' "
                "in the first 80 lines",
            )
        year, kind = int(title["year"]), title["kind"] + "预算"
        explanation_index, explanation = self.find(_EXPLANATION_TITLE, title_index)
        body = explanation_index if explanation_index is not None else title_index + 1
        perf_index, _ = self.find(r"预算绩效信息$|^第一部分.*绩效目标|^第二部分.*绩效目标", body)
        if perf_index is None:  # no heading for the performance part: it starts at the first table
            perf_index, _ = self.find(_PROJECT_TITLE, body)
        perf = perf_index if perf_index is not None else len(self.lines)
        sections = self._sections(body, perf)

        self._budget_tables_note(title_index, body)
        organization = self._organization(body, perf)
        duties = self._duties(sections.get("职责", (body, perf)))
        sub_offices = self._sub_offices(body, perf)
        unit = self._unit(title_index, title, explanation_index, explanation, organization, body, perf)
        summary = self._summary(body, perf)
        procurement, procurement_total, procurement_line = self._procurement(
            sections.get("政府采购", (body, perf))
        )
        if procurement_total is not None:
            lines = dict(summary.lines, procurement_total=procurement_line)
            summary = _replace(summary, procurement_total=procurement_total, lines=lines)
        assets = self._assets(sections.get("国有资产", (body, perf)))
        glossary = self._glossary(sections.get("名词解释"))
        other = self._other_matters(sections.get("其他"))
        overall, areas, measures = self._unit_performance(perf)
        projects = self._projects(perf)

        for label, present in [
            ("单位职责", duties),
            ("机构设置", organization),
            ("收入", summary.income_total is not None),
            ("支出", summary.expenditure_total is not None),
            ("机关运行经费", summary.operating_expenses is not None),
            ("三公经费", summary.sangong.total is not None),
            ("政府采购", procurement or procurement_total is not None),
            ("国有资产", assets),
            ("绩效目标表", projects),
        ]:
            if not present:
                self.warn(f"missing section: {label}")
        self._project_warnings(projects)

        document = Document(
            source=self.source,
            unit=unit,
            year=year,
            kind=kind,
            title=self._title(title_index, title),
            organization=organization,
            duties=duties,
            sub_offices=sub_offices,
            summary=summary,
            procurement=procurement,
            assets=assets,
            overall_goal=overall,
            performance_areas=areas,
            measures=measures,
            projects=projects,
            glossary=glossary,
            other_matters=other,
            checks=(),
            warnings=(),
        )
        return _replace(
            document, checks=checks_mod.compute(document), warnings=tuple(self.warnings)
        )

    def _title(self, index: int, match: re.Match[str]) -> str:
        """The cover title; when the unit's name stands on the line above, it is included."""
        title = clean(self.lines[index].text)
        if not squeeze(match["name"]):
            above = next((line for line in reversed(self.lines[:index]) if not line.is_blank), None)
            if above is not None:
                title = f"{clean(above.text)} {title}"
        return title

    def _sections(self, start: int, end: int) -> dict[str, tuple[int, int]]:
        """Top-level headings (一、… 八、) of the explanation, keyed by what they are about."""
        keys = ["职责", "总体情况", "机关运行", "三公", "政府采购", "国有资产", "名词解释", "其他"]
        heads = [
            (index, match["title"])
            for index in range(start, end)
            if (match := _TOP_HEADING.match(self.lines[index].squeezed))
        ]
        sections: dict[str, tuple[int, int]] = {}
        for position, (index, heading) in enumerate(heads):
            stop = heads[position + 1][0] if position + 1 < len(heads) else end
            for key in keys:
                if key in heading and key not in sections:
                    sections[key] = (index + 1, stop)
        return sections

    def _budget_tables_note(self, start: int, end: int) -> None:
        index, match = self.find(r"以上.{0,4}张?公开表格见(.+)", start, end)
        if match:
            self.warn(
                f"the budget tables are published separately ({clean(match[1]).rstrip(')）')}) "
                "and are not in this document",
                self.lines[index].no,
            )

    # ---- unit ----------------------------------------------------------------------------
    def _unit(self, title_index, title, explanation_index, explanation, organization, start, end) -> Unit:
        names: list[tuple[str, int]] = []
        cover = squeeze(title["name"])
        if not cover:
            for index in range(title_index - 1, -1, -1):
                if not self.lines[index].is_blank:
                    cover = self.lines[index].squeezed
                    break
        if explanation:
            names.append((explanation["name"], self.lines[explanation_index].no))
        for row in organization:
            names.append((re.sub(r"[(（]本级[)）]$", "", squeeze(row.name)), row.line))
        if cover:
            names.append((cover, self.lines[title_index].no))
        for pattern in (r"编制(?:部门|单位)[:：](.+)$", r"^(.{2,40}?)下设\d+个", r"见\d{4}年度?(.+?)(?:单位|部门)预算公开表"):
            index, match = self.find(pattern, start if "见" not in pattern else 0, end)
            if match:
                names.append((match[1], self.lines[index].no))
        if not names:
            raise DocumentError(self.file, "no unit name found (title, 情况说明 or 机构设置)")
        full, line = names[0]
        aliases: list[str] = []
        for name, _ in names[1:]:
            if name != full and name not in aliases:
                aliases.append(name)
        return Unit(name=full, aliases=tuple(aliases), line=line)

    def _organization(self, start: int, end: int) -> tuple[OrgRow, ...]:
        columns = {"name": ("单位名称", "机构名称"), "nature": ("单位性质", "机构性质"),
                   "level": ("单位规格", "机构规格", "级别"), "funding": ("经费保障形式", "经费形式")}
        for block in table_blocks(self.lines, start, end):
            header = [squeeze(cell) for cell in block[0].cells]
            if not any(name in header for name in columns["name"]):
                continue
            index = _column_index(header, columns)
            rows = []
            for line in block[1:]:
                cells = line.cells
                name = _cell(cells, index.get("name"))
                if not name:
                    continue
                rows.append(OrgRow(
                    name=name,
                    nature=_cell(cells, index.get("nature")),
                    level=_cell(cells, index.get("level")),
                    funding=_cell(cells, index.get("funding")),
                    line=line.no,
                ))
            return tuple(rows)
        return ()

    def _duties(self, span: tuple[int, int]) -> tuple[Item, ...]:
        start, end = span
        index, _ = self.find(r"职责[:：]?$|主要职能[:：]?$", start, end)
        if index is None:
            return ()
        items: list[Item] = []
        for line in self.lines[index + 1:end]:
            text = line.squeezed
            if not text:
                continue
            match = _PAREN_NUMBERED.match(text)
            if match:
                items.append(Item(no=int(match["no"]), text=_strip_number(line.text), line=line.no))
            elif items and not items[-1].text.endswith(("。", "；", ";")) and not _NUMBERED.match(text):
                last = items[-1]
                items[-1] = Item(no=last.no, text=last.text + clean(line.text), line=last.line)
            else:
                break
        return tuple(items)

    def _sub_offices(self, start: int, end: int) -> SubOffices | None:
        index, match = self.find(
            rf"下设(\d+|[{_CN_NUM}]+)个(?:科室|处室|内设机构|机构|部门)[,，]?(?:包括|分别是|分别为|为)?[:：]?(.+?)(?:。|$)",
            start, end,
        )
        if not match:
            return None
        count = int(match[1]) if match[1].isdigit() else chinese_numeral(match[1])
        listed = [name for name in re.split(r"[、，,]", match[2]) if name]
        distinct: list[str] = []
        duplicates: list[str] = []
        for name in listed:
            (duplicates if name in distinct else distinct).append(name)
        line = self.lines[index].no
        if duplicates:
            self.warn(f"sub-office listed twice: {'、'.join(duplicates)}", line)
        if count is not None and count != len(listed):
            self.warn(f"the text says {count} sub-offices but lists {len(listed)}", line)
        return SubOffices(stated_count=count, names=tuple(distinct), duplicates=tuple(duplicates), line=line)

    # ---- figures ------------------------------------------------------------------------
    def _summary(self, start: int, end: int) -> Summary:
        lines: dict[str, int] = {}
        values: dict[str, Decimal | None] = {}

        def grab(key: str, pattern: str, lo: int = start, hi: int = end, group: int = 1):
            index, match = self.find(pattern, lo, hi)
            if match:
                values[key] = _amount(match[group])
                lines[key] = self.lines[index].no
            return index

        income = grab("income_total", rf"预算收入(?:总额|总计|合计)?(?:为|是|[:：])?{_AMT}")
        if income is not None:
            grab("fiscal_appropriation", rf"财政拨款(?:收入)?(?:为)?{_AMT}", income, income + 1)
        else:
            grab("fiscal_appropriation", rf"财政拨款收入(?:为)?{_AMT}")
        spend = grab("expenditure_total", rf"预算支出(?:总额|总计|合计)?(?:为|是|[:：])?{_AMT}")
        lo, hi = (spend, spend + 1) if spend is not None else (start, end)
        grab("basic_expenditure", rf"基本支出(?:为|[:：])?{_AMT}", lo, hi)
        grab("personnel_expenditure", rf"人员经费(?:支出)?(?:为|[:：])?{_AMT}", lo, hi)
        grab("public_expenditure", rf"公用经费(?:支出)?(?:为|[:：])?{_AMT}", lo, hi)
        grab("project_expenditure", rf"项目支出(?:为|[:：])?{_AMT}", lo, hi)
        operating = grab("operating_expenses", rf"机关运行经费(?:共计|合计|总额)?(?:安排|预算)?(?:为|[:：])?{_AMT}")
        purpose = None
        if operating is not None:
            match = re.search(r"主要用于(.+?)(?:。|$)", self.lines[operating].squeezed)
            purpose = match[1] if match else None
        change = self._change(start, end)
        sangong = self._sangong(start, end)
        return Summary(
            **values,
            operating_expenses_purpose=purpose,
            sangong=sangong,
            change=change,
            lines=lines,
        )

    def _change(self, start: int, end: int) -> Change | None:
        index, match = self.find(rf"较(\d{{4}})年(增加|减少|增长|下降){_AMT}", start, end)
        if not match:
            return None
        text = self.lines[index].squeezed
        reason = re.search(r"主要原因(?:是|为|[:：])(.*?)(?:。|$)", text)
        reason_text = reason[1].strip("，,") if reason else None
        if reason and not reason_text:
            self.warn("the reason for the change is left blank (主要原因是。)", self.lines[index].no)
        return Change(
            compared_to=int(match[1]),
            total=_signed(match[2], match[3]),
            basic_expenditure=_signed_part(text[match.end():], "基本支出"),
            project_expenditure=_signed_part(text[match.end():], "项目支出"),
            reason=reason_text or None,
            line=self.lines[index].no,
        )

    def _sangong(self, start: int, end: int) -> Sangong:
        index, match = self.find(rf"三公.?经费.?(?:预算)?(?:总额|合计|共计)?(?:为|是)?{_AMT}", start, end)
        if not match:
            return Sangong()
        text = self.lines[index].squeezed
        sentences = [s for s in text.split("。") if s]
        current = _sangong_parts(sentences[0], year_default=None)
        previous = None
        for sentence in sentences[1:]:
            found = re.match(rf"(\d{{4}})年.?三公.?经费.?(?:预算)?(?:为|是)?{_AMT}", sentence)
            if found:
                previous = _replace(_sangong_parts(sentence), year=int(found[1]), total=_amount(found[2]), line=self.lines[index].no)
        change = None
        change_index, change_match = self.find(r"与(\d{4})年相比.*三公.?经费.?(增加|减少|增长|下降)了?" + _AMT, index, min(end, index + 4))
        if change_match:
            sentence = self.lines[change_index].squeezed
            change = _replace(
                _sangong_parts(sentence, signed=True),
                year=int(change_match[1]),
                total=_signed(change_match[2], change_match[3]),
                line=self.lines[change_index].no,
            )
        year_match = re.search(r"(\d{4})年", sentences[0])
        return _replace(
            current,
            year=int(year_match[1]) if year_match else None,
            total=_amount(match[1]),
            line=self.lines[index].no,
            previous_year=previous,
            change=change,
        )

    # ---- tables ---------------------------------------------------------------------------
    def _procurement(self, span: tuple[int, int]):
        columns = {
            "project": ("项目名称",), "project_budget": ("预算资金",), "item": ("采购物品名称", "采购品目名称", "采购项目名称"),
            "catalog_code": ("政府采购目录序号", "采购目录序号", "采购目录代码", "目录序号"),
            "measure_unit": ("计量单位",), "quantity": ("数量",), "unit_price": ("单价",),
            "amount": ("合计", "政府采购金额"), "general_budget": ("一般公共预算拨款", "一般公共预算"),
            "fund_budget": ("基金预算拨款", "政府性基金预算拨款"), "state_capital": ("国有资本经营预算拨款",),
            "special_account": ("财政专户核拨", "财政专户管理资金"), "unit_funds": ("单位资金",),
        }
        start, end = span
        for block in table_blocks(self.lines, start, end):
            header_rows = [line for line in block[:3] if any(key in line.squeezed for key in ("采购物品", "采购目录", "采购品目"))]
            if not header_rows:
                continue
            first = block.index(header_rows[0])
            headers = [line.cells for line in block[first:first + 2]]
            second_is_header = len(headers) > 1 and any(squeeze(c) in ("项目名称", "合计") for c in headers[1])
            merged = _merge_headers(headers if second_is_header else headers[:1])
            index = _column_index(merged, columns)
            unit = self._money_unit_near(block[0].no - 1)
            body = block[first + (2 if second_is_header else 1):]
            items: list[ProcurementItem] = []
            total = total_line = None
            group = None
            for line in body:
                cells = line.cells
                label = squeeze(cells[0]) if cells else ""
                amount = _money(_cell(cells, index.get("amount")), unit)
                if label in ("合计", "总计"):
                    total, total_line = amount, line.no
                    continue
                if label.endswith("小计"):
                    group = label[: -len("小计")]
                    continue
                item = _cell(cells, index.get("item"))
                if not item:
                    if any(cells):
                        self.warn(f"procurement row without an item name: {line.text.strip()!r}", line.no)
                    continue
                if len([c for c in line.text.split("\t")]) <= index.get("amount", 0):
                    raise DocumentError(self.file, "truncated procurement row: no amount column", line=line.no)
                funding = {
                    key: value
                    for key in ("general_budget", "fund_budget", "state_capital", "special_account", "unit_funds")
                    if (value := _money(_cell(cells, index.get(key)), unit)) is not None
                }
                items.append(ProcurementItem(
                    project=_cell(cells, index.get("project")),
                    project_budget=_money(_cell(cells, index.get("project_budget")), unit),
                    item=item,
                    catalog_code=_cell(cells, index.get("catalog_code")),
                    measure_unit=_cell(cells, index.get("measure_unit")),
                    quantity=parse_decimal(_cell(cells, index.get("quantity")) or ""),
                    unit_price=_money(_cell(cells, index.get("unit_price")), unit),
                    amount=amount,
                    funding=funding,
                    group=group,
                    line=line.no,
                ))
            return tuple(items), total, total_line
        index, match = self.find(rf"政府采购(?:预算)?(?:总额|合计|共计)?(?:为|安排)?{_AMT}", start, end)
        if match:
            return (), _amount(match[1]), self.lines[index].no
        index, _ = self.find(r"(?:无|没有|未安排)政府采购", start, end)
        if index is not None:
            return (), Decimal(0), self.lines[index].no
        return (), None, None

    def _money_unit_near(self, index: int) -> str:
        """The money unit a table states just above itself (单位：元), else 万元."""
        for line in self.lines[max(0, index - 4): index + 2]:
            match = re.search(r"(?:金额)?单位[:：]?(万元|元|千元|亿元)", line.squeezed)
            if match:
                return match[1]
        return "万元"

    def _assets(self, span: tuple[int, int]) -> Assets | None:
        start, end = span
        for block in table_blocks(self.lines, start, end):
            header = block[0]
            if "数量" not in header.squeezed or "价值" not in header.squeezed and "金额" not in header.squeezed:
                continue
            unit_match = re.search(r"(万元|元)", header.squeezed)
            unit = unit_match[1] if unit_match else self._money_unit_near(header.no - 1)
            compiled = self.find(r"编制(?:部门|单位)[:：](.+)$", start, header.no - 1)[1]
            as_of_index, as_of = self.find(r"截[止至](?:时间|日期)?[:：]?(\d{4})年(\d{1,2})月(\d{1,2})日", start, header.no - 1)
            items: list[AssetItem] = []
            total = None
            parent = None
            for line in block[1:]:
                cells = line.cells
                label = squeeze(cells[0])
                if not label:
                    continue
                quantity = parse_decimal(cells[1]) if len(cells) > 1 else None
                value = _money(_cell(cells, 2), unit)
                if "总额" in label or label in ("合计", "总计"):
                    total = value
                    continue
                is_part = label.startswith("其中")
                name = re.sub(r"^(?:其中[:：]|\d+[、.．])", "", label)
                quantity_unit = None
                unit_in_name = re.search(r"[(（]([^()（）]+)[)）]$", name)
                if unit_in_name:
                    quantity_unit, name = unit_in_name[1], name[: unit_in_name.start()]
                items.append(AssetItem(
                    name=name, quantity=quantity, quantity_unit=quantity_unit, value=value,
                    parent=parent if is_part else None, line=line.no,
                ))
                if not is_part:
                    parent = name
            return Assets(
                compiled_by=compiled[1] if compiled else None,
                as_of=f"{as_of[1]}-{int(as_of[2]):02d}-{int(as_of[3]):02d}" if as_of else None,
                total=total,
                items=tuple(items),
                line=header.no,
            )
        return None

    # ---- prose sections ------------------------------------------------------------------------
    def _glossary(self, span: tuple[int, int] | None) -> tuple[Term, ...]:
        if not span:
            return ()
        terms = []
        for line in self.lines[span[0]:span[1]]:
            match = re.match(r"^[-•*]?\s*\d+[、.．]\s*(.+?)[:：](.+)$", line.text.strip())
            if match:
                term = re.sub(r"[*\s]", "", match[1])
                terms.append(Term(term=term, definition=clean(match[2]), line=line.no))
        return tuple(terms)

    def _other_matters(self, span: tuple[int, int] | None) -> str | None:
        if not span:
            return None
        texts = []
        for line in self.lines[span[0]:span[1]]:
            if line.is_blank:
                continue
            if _TITLE.match(line.squeezed) or re.search(r"绩效信息$", line.squeezed):
                break
            texts.append(clean(line.text))
        return "".join(texts) or None

    def _unit_performance(self, perf: int):
        overall_index, _ = self.find(r"总体绩效目标$", perf)
        areas_index, _ = self.find(r"分项绩效目标$", perf)
        measures_index, _ = self.find(r"工作保障措施$", perf)
        projects_index, _ = self.find(r"^第二部分|" + _PROJECT_TITLE.pattern, perf)
        stops = sorted(i for i in (overall_index, areas_index, measures_index, projects_index) if i is not None)

        def until(index: int) -> int:
            later = [stop for stop in stops if stop > index]
            return later[0] if later else len(self.lines)

        overall = None
        if overall_index is not None:
            overall = "".join(text for _, text in paragraphs(self.lines[overall_index + 1: until(overall_index)])) or None
        areas: list[PerformanceArea] = []
        if areas_index is not None:
            areas = self._areas(areas_index + 1, until(areas_index))
        measures: list[Item] = []
        if measures_index is not None:
            measures = self._measures(measures_index + 1, until(measures_index))
        return overall, tuple(areas), tuple(measures)

    def _areas(self, start: int, end: int) -> list[PerformanceArea]:
        starts = re.compile(rf"^(?:[{_CN_NUM}]+、|\d+[、.．]|绩效指标[:：])")
        areas: list[PerformanceArea] = []
        goals: list[UnitGoal] = []
        area_head: tuple[int, str, int] | None = None

        def close_area():
            if area_head:
                no, title, line = area_head
                areas.append(PerformanceArea(no=no, title=title, goals=tuple(goals), line=line))

        for no, text in paragraphs(self.lines[start:end], starts):
            squeezed = squeeze(text)
            heading = _TOP_HEADING.match(squeezed)
            goal = re.match(r"^(\d+)[、.．]\s*绩效目标[:：](.*)$", text)
            indicator = re.match(r"^绩效指标[:：](.+)$", text)
            if heading and not goal:
                close_area()
                goals = []
                area_head = (chinese_numeral(heading["no"]) or len(areas) + 1, heading["title"], no)
            elif goal:
                goals.append(UnitGoal(no=int(goal[1]), text=clean(goal[2]), indicators=(), line=no))
            elif indicator and goals:
                name, value = _split_indicator(indicator[1])
                last = goals[-1]
                goals[-1] = _replace(last, indicators=last.indicators + (UnitIndicator(name=name, value=value, line=no),))
            elif goals:
                last = goals[-1]
                goals[-1] = _replace(last, text=last.text + text)
        close_area()
        return areas

    def _measures(self, start: int, end: int) -> list[Item]:
        measures: list[Item] = []
        for line in self.lines[start:end]:
            if line.is_blank:
                continue
            match = _NUMBERED.match(line.squeezed)
            if match and len(match["text"]) <= 20:
                measures.append(Item(no=int(match["no"]), title=match["text"], text="", line=line.no))
            elif measures:
                last = measures[-1]
                measures[-1] = _replace(last, text=last.text + clean(line.text))
        return measures

    # ---- 绩效目标表 --------------------------------------------------------------------------------
    def _projects(self, perf: int) -> tuple[Project, ...]:
        titles = [
            (index, match)
            for index in range(perf, len(self.lines))
            if (match := _PROJECT_TITLE.match(self.lines[index].squeezed))
        ]
        projects = []
        for position, (index, match) in enumerate(titles):
            stop = titles[position + 1][0] if position + 1 < len(titles) else len(self.lines)
            projects.append(self._project(index, match, stop))
        return tuple(projects)

    def _project(self, index: int, title_match: re.Match[str], stop: int) -> Project:
        title_line = self.lines[index]
        title = title_match["title"]  # squeezed: PDF-to-text conversions put spaces anywhere
        name = re.sub(r"(?:项目)?绩效目标(?:申报)?表$", "", title)
        columns = {
            "level1": ("一级指标",), "level2": ("二级指标",), "level3": ("三级指标",),
            "description": ("绩效指标描述", "指标解释", "指标内容", "指标说明"),
            "value": ("指标值", "年度指标值", "当年预期实现值", "预期实现值", "绩效标准", "目标值"),
            "basis": ("指标值确定依据", "确定依据", "备注"),
        }
        blocks = table_blocks(self.lines, index + 1, stop)
        rows = [line for block in blocks for line in block]
        if not rows:
            self.warn(f"table {title_match['no']} ({title}) has no rows", title_line.no)
        header_index: dict[str, int] | None = None
        goals: tuple[str, ...] = ()
        goals_line = None
        indicators: list[Indicator] = []
        level1 = level2 = None
        for line in rows:
            cells = line.cells
            first = squeeze(cells[0])
            if first in ("绩效目标", "年度目标", "项目目标", "年度绩效目标", "总体目标"):
                goals = _split_goals(" ".join(cell for cell in cells[1:] if cell))
                goals_line = line.no
                continue
            if "一级指标" in [squeeze(cell) for cell in cells]:
                header_index = _column_index([squeeze(cell) for cell in cells], columns)
                continue
            if header_index is None:
                header_index = {key: position for position, key in enumerate(columns)}
                self.warn(f"table {title_match['no']}: indicator rows before any header row; "
                          "assuming 一级/二级/三级/描述/指标值/依据", line.no)
            needed = header_index.get("value", len(cells))
            if len(line.text.split("\t")) <= needed:
                raise DocumentError(
                    self.file,
                    f"truncated table {title_match['no']} ({title}): the row has "
                    f"{len(line.text.split(chr(9)))} cells, the header has {max(header_index.values()) + 1}",
                    line=line.no,
                )
            if _cell(cells, header_index.get("level1")):
                level1 = _cell(cells, header_index.get("level1"))
                level2 = None
            if _cell(cells, header_index.get("level2")):
                level2 = _cell(cells, header_index.get("level2"))
            raw_value = _cell(cells, header_index.get("value")) or ""
            indicators.append(Indicator(
                level1=level1,
                level2=level2,
                level3=_cell(cells, header_index.get("level3")),
                description=_cell(cells, header_index.get("description")),
                value=parse_value(raw_value),
                basis=Basis(raw=_cell(cells, header_index.get("basis"))),
                line=line.no,
            ))
        costs = [
            amount for ind in indicators
            if ind.level2 and "成本" in ind.level2 and (amount := amount_of_value(ind.value)) is not None
        ]
        return Project(
            no=int(title_match["no"]),
            name=name,
            title=title,
            goals=goals,
            indicators=tuple(indicators),
            cost=sum(costs, Decimal(0)) if costs else None,
            line=title_line.no,
            goals_line=goals_line,
        )

    def _project_warnings(self, projects: tuple[Project, ...]) -> None:
        seen: dict[str, Project] = {}
        for project in projects:
            if project.title in seen:
                first = seen[project.title]
                self.warn(f"tables {first.no} and {project.no} have the same title {project.title}", project.line)
            else:
                seen[project.title] = project
            if not project.goals:
                self.warn(f"table {project.no} ({project.title}) states no 绩效目标", project.line)
            present = {ind.level1 for ind in project.indicators}
            usual = [level for level in ("产出指标", "效益指标", "满意度指标") if level not in present]
            if project.indicators and usual:
                self.warn(f"table {project.no} ({project.title}) has no {'、'.join(usual)} rows", project.line)


# ---- helpers -----------------------------------------------------------------------------------------
def _replace(record, **changes):
    return dataclasses.replace(record, **changes)


def _strip_number(text: str) -> str:
    return clean(re.sub(r"^\s*[(（]\s*\d+\s*[)）]\s*", "", text))


def _amount(text: str) -> Decimal | None:
    return parse_amount(text.replace("，", ","))


def _money(text: str | None, unit: str) -> Decimal | None:
    return parse_amount(text, default_unit=unit) if text else None


def _signed(direction: str, text: str) -> Decimal | None:
    value = _amount(text)
    if value is None:
        return None
    return -value if direction.startswith(("减少", "下降")) else value


def _signed_part(text: str, term: str) -> Decimal | None:
    match = re.search(rf"{term}(增加|减少|增长|下降)了?{_AMT}", text)
    return _signed(match[1], match[2]) if match else None


_SANGONG_PARTS = {
    "abroad": r"因公出国[(（]境[)）](?:费用?)?",
    "vehicle": r"公务用车购置及运[行维]+(?:护)?费",
    "vehicle_purchase": r"公务用车购置费",
    "vehicle_operation": r"公务用车运行(?:维护)?费",
    "reception": r"公务接待(?:费)?",
}


def _sangong_parts(sentence: str, year_default: int | None = None, signed: bool = False) -> Sangong:
    values = {}
    for key, term in _SANGONG_PARTS.items():
        match = re.search(rf"{term}(增加了?|减少了?|增长|下降|为|[:：])?{_AMT}", sentence)
        if match:
            direction = match[1] or ""
            values[key] = _signed(direction, match[2]) if signed else _amount(match[2])
    return Sangong(year=year_default, **values)


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return cells[index] or None


def _column_index(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map each wanted column to its position in ``header`` by any of its names."""
    index: dict[str, int] = {}
    for key, names in columns.items():
        for position, cell in enumerate(header):
            if squeeze(cell) in names:
                index[key] = position
                break
    return index


def _merge_headers(rows: list[list[str]]) -> list[str]:
    """Two header rows of a table with merged cells: the lower row names a column where it can."""
    width = max(len(row) for row in rows)
    merged = []
    for position in range(width):
        names = [squeeze(row[position]) for row in rows if position < len(row) and squeeze(row[position])]
        merged.append(names[-1] if names else "")
    return merged


_GOAL_NUMBER = re.compile(r"(?:^|(?<=\s)|(?<=[。；;]))(\d{1,2})[.．、](?!\d)\s*")


def _split_goals(text: str) -> tuple[str, ...]:
    """``1. 维护安全 2. 促进发展`` → ('维护安全', '促进发展'); unnumbered text is one goal.

    >>> _split_goals("1. 维护全区社会政治安全 2. 维护全区社会政治安全")
    ('维护全区社会政治安全', '维护全区社会政治安全')
    """
    text = clean(text)
    if not text:
        return ()
    marks = list(_GOAL_NUMBER.finditer(text))
    if not marks or marks[0].start() != 0:
        return (text,)
    goals = []
    for position, mark in enumerate(marks):
        end = marks[position + 1].start() if position + 1 < len(marks) else len(text)
        goal = text[mark.end():end].strip()
        if goal:
            goals.append(goal)
    return tuple(goals)


_VALUE_START = re.compile(r"(\$?\\[gl]eq?|[≥≤=<>＞＜≧≦＝]|不低于|不少于|不高于|不超过|大于|小于|等于)")


def _split_indicator(text: str) -> tuple[str, Value]:
    """``工程计划完成率 $\\geq 90\\%$`` → ('工程计划完成率', ≥90%)."""
    match = _VALUE_START.search(text)
    if not match or match.start() == 0:
        return clean(text), parse_value("")
    return clean(text[: match.start()]), parse_value(text[match.start():].strip())


def parse_text(path: str | Path) -> Document:
    """Parse a text disclosure; raises DocumentError for anything that is not one."""
    return _TextParser(path).parse()
