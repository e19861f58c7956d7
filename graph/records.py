"""The typed records a budget disclosure is parsed into.

Frozen dataclasses pass between the pipeline's steps. Money is Decimal in 万元; every record
that comes from one place of the source carries its provenance (``line`` for text, ``page``
for PDF; the one that does not apply is None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

PARSER_VERSION = "0.1.0"


class DocumentError(Exception):
    """A document that cannot be parsed: says what went wrong and where (file, line or page)."""

    def __init__(self, file: str, message: str, line: int | None = None, page: int | None = None):
        self.file, self.message, self.line, self.page = file, message, line, page
        where = file + (f":{line}" if line else "") + (f" (page {page})" if page else "")
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # survives a trip through a worker process
        return (DocumentError, (self.file, self.message, self.line, self.page))


@dataclass(frozen=True)
class Value:
    """An indicator target: the printed text and, when it is a figure, its parts."""

    raw: str
    op: str | None  # ">=", "<=", "=", ">", "<"; None for free text
    number: Decimal | None
    unit: str | None


@dataclass(frozen=True)
class Source:
    file: str  # the file name, without its folder
    sha256: str
    format: str  # "text" or "pdf"
    pages: int | None  # None for text
    lines: int | None  # None for PDF
    size: int
    parser_version: str = PARSER_VERSION


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...]
    line: int | None = None


@dataclass(frozen=True)
class OrgRow:
    """A row of the 机构设置 table."""

    name: str
    nature: str | None  # 单位性质: 行政, 事业, ...
    level: str | None  # 单位规格: 副处(县)级, ...
    funding: str | None  # 经费保障形式: 财政拨款, ...
    line: int | None = None
    page: int | None = None
    #: For the units a 部门预算 lists: False when the text says it has no budget of its own
    #: (不单列预算, 并入本部); None when not stated.
    separate_budget: bool | None = None
    own: bool = False  # the department's own unit (本部 / 本级)


@dataclass(frozen=True)
class Item:
    """A numbered piece of text: a duty, a goal, a measure."""

    no: int
    text: str
    line: int | None = None
    page: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class SubOffices:
    stated_count: int | None
    names: tuple[str, ...]  # distinct, in the order printed
    duplicates: tuple[str, ...]
    line: int | None = None


@dataclass(frozen=True)
class Sangong:
    """财政拨款“三公”经费, in 万元; ``change`` holds signed differences as printed."""

    year: int | None = None
    total: Decimal | None = None
    abroad: Decimal | None = None
    vehicle: Decimal | None = None  # 公务用车购置及运维费
    vehicle_purchase: Decimal | None = None
    vehicle_operation: Decimal | None = None
    reception: Decimal | None = None
    line: int | None = None
    page: int | None = None
    previous_year: Sangong | None = None
    change: Sangong | None = None


@dataclass(frozen=True)
class Change:
    """The change against the previous year, signed, in 万元, with its stated reason."""

    compared_to: int | None
    total: Decimal | None
    basic_expenditure: Decimal | None
    project_expenditure: Decimal | None
    reason: str | None
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Summary:
    income_total: Decimal | None = None
    fiscal_appropriation: Decimal | None = None
    expenditure_total: Decimal | None = None
    basic_expenditure: Decimal | None = None
    personnel_expenditure: Decimal | None = None
    public_expenditure: Decimal | None = None
    project_expenditure: Decimal | None = None
    operating_expenses: Decimal | None = None
    operating_expenses_purpose: str | None = None
    sangong: Sangong = field(default_factory=Sangong)
    procurement_total: Decimal | None = None
    change: Change | None = None
    #: Where each figure was read: key -> line (text) or page (PDF).
    lines: Mapping[str, int] = field(default_factory=dict)
    #: How each figure was printed (PDF): key -> (text as printed, its unit).
    printed: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcurementItem:
    project: str | None
    project_budget: Decimal | None
    item: str
    catalog_code: str | None
    measure_unit: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None
    funding: Mapping[str, Decimal]  # source of funds -> 万元, only the filled columns
    group: str | None  # the 小计 the row belongs to (a sub-unit)
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class AssetItem:
    name: str
    quantity: Decimal | None
    quantity_unit: str | None
    value: Decimal | None  # 万元
    parent: str | None  # set for 其中 rows
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Assets:
    compiled_by: str | None
    as_of: str | None  # ISO date
    total: Decimal | None
    items: tuple[AssetItem, ...]
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Basis:
    """The 指标值确定依据 cell: the text as printed, and what it cites."""

    raw: str | None
    refs: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Indicator:
    level1: str | None
    level2: str | None
    level3: str | None
    description: str | None
    value: Value
    basis: Basis
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Project:
    """One 绩效目标表: a project, its goals and indicator rows."""

    no: int
    name: str
    title: str
    goals: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    cost: Decimal | None  # the 成本指标 amount in 万元, where the table states one
    line: int | None = None
    page: int | None = None
    goals_line: int | None = None
    header: ProjectHeader | None = None


@dataclass(frozen=True)
class UnitIndicator:
    name: str
    value: Value
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class UnitGoal:
    no: int
    text: str
    indicators: tuple[UnitIndicator, ...]
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class PerformanceArea:
    """A 分项绩效目标 of the unit as a whole."""

    no: int
    title: str
    goals: tuple[UnitGoal, ...]
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Check:
    """One of the document's own sums, recomputed."""

    name: str
    ok: bool
    expected: Decimal | None  # what the document states
    actual: Decimal | None  # what its parts add up to
    detail: str
    line: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Document:
    source: Source
    unit: Unit
    year: int
    kind: str  # 单位预算 or 部门预算
    title: str | None
    organization: tuple[OrgRow, ...]
    duties: tuple[Item, ...]
    sub_offices: SubOffices | None
    summary: Summary
    procurement: tuple[ProcurementItem, ...]
    assets: Assets | None
    overall_goal: str | None
    performance_areas: tuple[PerformanceArea, ...]
    measures: tuple[Item, ...]
    projects: tuple[Project, ...]
    glossary: tuple[Term, ...]
    other_matters: str | None
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    legal_bases: tuple[Mapping[str, Any], ...] = ()
    tables: tuple[BudgetTable, ...] = ()
    procurement_summary: ProcurementSummary | None = None
    asset_summary: AssetSummary | None = None
    performance_summary: PerformanceSummary | None = None


# ---- records of the PDF disclosures (Shanghai layouts) ----------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One row of a budget table: 科目编码 (national classification, e.g. 2040601), name, and
    the amounts by column, in 万元; ``printed`` keeps each amount as printed (in the table's unit)."""

    code: str | None
    name: str | None
    amounts: Mapping[str, Decimal]
    page: int | None = None
    side: str | None = None  # "收入" / "支出" for the two-sided 收支总表
    printed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetTable:
    """One of the nine 预算表 (its rows may span pages; an empty table keeps its title)."""

    no: int
    title: str
    unit: str  # the printed money unit: 元 or 万元
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    page: int | None = None
    note: str | None = None  # 注：… printed under the table


@dataclass(frozen=True)
class ProcurementSummary:
    """The 政府采购 sentence: total and its 货物/工程/服务 split, in 万元."""

    year: int | None
    total: Decimal | None
    goods: Decimal | None
    works: Decimal | None
    services: Decimal | None
    sme_reserved: Decimal | None = None  # 面向中小企业预留
    small_micro_reserved: Decimal | None = None  # 预留给小型和微型企业
    page: int | None = None


@dataclass(frozen=True)
class AssetSummary:
    """The 国有资产 sentence: counts and values at a date, and planned purchases."""

    as_of: str | None  # ISO date
    vehicles: int | None
    vehicle_kinds: Mapping[str, int]
    counts: Mapping[str, Decimal]  # other counted things (name -> number), e.g. 设备 台（套）
    values: Mapping[str, Decimal]  # 万元 amounts, e.g. 流动资产
    planned_year: int | None = None
    planned_vehicles: int | None = None
    planned_vehicle_kinds: Mapping[str, int] = field(default_factory=dict)
    text: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class PerformanceSummary:
    """编报绩效目标的项目共N个，涉及项目预算资金X万元."""

    units: int | None
    year: int | None
    projects: int | None
    amount: Decimal | None
    page: int | None = None


@dataclass(frozen=True)
class ProjectHeader:
    """The header block of a 财政项目支出绩效目标填报表; money in 万元, printed in ``printed`` (元)."""

    name: str
    nature: str | None = None  # 项目性质
    category: str | None = None  # 项目类别
    department: str | None = None  # 主管部门
    implementer: str | None = None  # 实施单位
    start: str | None = None
    end: str | None = None
    total: Decimal | None = None  # 项目资金总额
    annual: Decimal | None = None  # 年度资金申请总额
    fiscal: Decimal | None = None  # 当年财政拨款
    carried_over: Decimal | None = None  # 上年结转资金
    other: Decimal | None = None  # 其他资金
    unit: str = "元"
    printed: Mapping[str, str] = field(default_factory=dict)
