"""The document's own arithmetic, recomputed: each check states what the document says and
what its parts add up to."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from .records import Check, Document, Sangong


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    values = list(values)
    if any(value is None for value in values):
        return None
    return sum(values, Decimal(0))


def _check(name: str, expected, actual, detail: str, line=None, page=None, tolerance=Decimal(0)) -> Check | None:
    """A check, or None when the document does not state both sides."""
    if expected is None or actual is None:
        return None
    return Check(
        name=name,
        ok=abs(expected - actual) <= tolerance,
        expected=expected,
        actual=actual,
        detail=detail,
        line=line,
        page=page,
    )


def _sangong_checks(prefix: str, figures: Sangong, label: str) -> list[Check | None]:
    vehicle = figures.vehicle
    if vehicle is None and figures.vehicle_purchase is not None and figures.vehicle_operation is not None:
        vehicle = figures.vehicle_purchase + figures.vehicle_operation
    return [
        _check(
            f"{prefix}.parts",
            figures.total,
            _sum([figures.abroad or Decimal(0), vehicle, figures.reception]),
            f"{label}: 三公经费 total = 因公出国（境）费 + 公务用车购置及运维费 + 公务接待费",
            figures.line, figures.page,
        ),
        _check(
            f"{prefix}.vehicle_parts",
            figures.vehicle,
            _sum([figures.vehicle_purchase, figures.vehicle_operation]),
            f"{label}: 公务用车购置及运维费 = 购置费 + 运行维护费",
            figures.line, figures.page,
        ),
    ]


def compute(doc: Document) -> tuple[Check, ...]:
    """Every sum the document lets us recompute."""
    s = doc.summary
    lines = s.lines
    checks: list[Check | None] = [
        _check(
            "summary.basic_parts", s.basic_expenditure,
            _sum([s.personnel_expenditure, s.public_expenditure]),
            "基本支出 = 人员经费 + 日常公用经费", lines.get("basic_expenditure"),
        ),
        _check(
            "summary.expenditure_parts", s.expenditure_total,
            _sum([s.basic_expenditure, s.project_expenditure]),
            "支出总额 = 基本支出 + 项目支出", lines.get("expenditure_total"),
        ),
        _check(
            "summary.balance", s.income_total, s.expenditure_total,
            "收入总额 = 支出总额", lines.get("income_total"),
        ),
    ]
    if s.change is not None:
        checks.append(_check(
            "summary.change_parts", s.change.total,
            _sum([s.change.basic_expenditure, s.change.project_expenditure]),
            f"比{s.change.compared_to}年增减 = 基本支出增减 + 项目支出增减", s.change.line, s.change.page,
        ))
    sangong = s.sangong
    checks += _sangong_checks("sangong", sangong, f"{sangong.year or doc.year}年")
    if sangong.previous_year is not None:
        checks += _sangong_checks("sangong.previous_year", sangong.previous_year, f"{sangong.previous_year.year}年")
        change = sangong.change
        if change is not None:
            previous = sangong.previous_year
            for key, label in [("total", "三公经费"), ("abroad", "因公出国（境）费"),
                               ("vehicle", "公务用车购置及运维费"), ("reception", "公务接待费")]:
                now, before, stated = getattr(sangong, key), getattr(previous, key), getattr(change, key)
                checks.append(_check(
                    f"sangong.change.{key}", stated,
                    now - before if now is not None and before is not None else None,
                    f"stated change of {label} = {sangong.year or doc.year}年 − {previous.year}年",
                    change.line, change.page,
                ))

    if doc.procurement:
        checks.append(_check(
            "procurement.total", s.procurement_total, _sum(item.amount for item in doc.procurement),
            "政府采购 合计 = sum of its rows", lines.get("procurement_total"),
        ))
        for item in doc.procurement:
            if item.quantity is not None and item.unit_price is not None:
                checks.append(_check(
                    f"procurement.row_price[{item.project or item.item}]", item.amount, item.quantity * item.unit_price,
                    f"{item.project or item.item}: 金额 = 数量 × 单价", item.line, item.page,
                ))
            if item.funding:
                checks.append(_check(
                    f"procurement.row_funding[{item.project or item.item}]", item.amount, _sum(item.funding.values()),
                    f"{item.project or item.item}: 合计 = sum of its sources of funds", item.line, item.page,
                ))
            project = next((p for p in doc.projects if p.name == item.project and p.cost is not None), None)
            if project is not None:
                checks.append(_check(
                    f"procurement.project_cost[{item.project}]", item.project_budget, project.cost,
                    f"政府采购 预算资金 of {item.project} = 成本指标 of table {project.no}", item.line, item.page,
                ))

    if doc.assets is not None and doc.assets.items:
        top = [item.value or Decimal(0) for item in doc.assets.items if item.parent is None]
        checks.append(_check(
            "assets.total", doc.assets.total, _sum(top),
            "资产总额 = sum of the asset classes", doc.assets.line, doc.assets.page,
        ))

    costs = [project.cost for project in doc.projects]
    if costs and all(cost is not None for cost in costs):
        checks.append(_check(
            "projects.cost_total", s.project_expenditure, _sum(costs),
            f"项目支出 = sum of the 成本指标 of the {len(costs)} 绩效目标表",
            lines.get("project_expenditure"),
        ))
    return tuple(check for check in checks if check is not None)
