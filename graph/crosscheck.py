"""Checks across documents: a 部门预算 against the 单位预算 of the units it consists of.

A 部门预算 covers the department's own unit (本部) and the units under it that have budgets of
their own (a unit the text says is 不单列预算 / 并入本部 is inside the 本部's budget). When every
such unit's 单位预算 is among the documents, the department's figures must equal their sums;
when only some are, each figure must be at least the sum of those present, and the missing
units are named.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from .records import Check, Document

FIGURES = ("income_total", "expenditure_total", "basic_expenditure", "project_expenditure",
           "operating_expenses")


def _matches(member: str, unit_doc: Document, department: Document) -> bool:
    names = {unit_doc.unit.name, *unit_doc.unit.aliases}
    if member in names:
        return True
    own = member.replace("（本部）", "").replace("(本部)", "").removesuffix("本部").removesuffix("本级")
    return unit_doc.unit.name == department.unit.name and (own in department.unit.name or own in names)


def department_checks(documents: Iterable[Document]) -> tuple[list[Check], list[str]]:
    """(checks, warnings) for every 部门预算 whose units' 单位预算 are among ``documents``."""
    docs = list(documents)
    checks: list[Check] = []
    warnings: list[str] = []
    for department in (d for d in docs if d.kind == "部门预算" and d.organization):
        units = [d for d in docs if d.kind == "单位预算" and d.year == department.year]
        members = [row for row in department.organization if row.separate_budget is not False]
        present = {row.name: next((u for u in units if _matches(row.name, u, department)), None) for row in members}
        found = [u for u in present.values() if u is not None]
        if not found:
            continue
        missing = [name for name, unit in present.items() if unit is None]
        complete = not missing
        label = f"{department.source.file} vs {', '.join(u.source.file for u in found)}"
        for key in FIGURES:
            stated = getattr(department.summary, key)
            parts = [getattr(u.summary, key) for u in found]
            if stated is None or any(p is None for p in parts):
                continue
            total = sum(parts, Decimal(0))
            checks.append(Check(
                name=f"department.{key}",
                ok=abs(stated - total) <= Decimal("0.005") if complete else total <= stated + Decimal("0.005"),
                expected=stated,
                actual=total,
                detail=(f"{label}: 部门 {key} = sum over its units" if complete
                        else f"{label}: 部门 {key} ≥ sum over the units present"),
                page=department.summary.lines.get(key) if department.source.format == "pdf" else None,
                line=department.summary.lines.get(key) if department.source.format == "text" else None,
            ))
        if missing:
            warnings.append(f"{department.source.file}: the 部门 consists of units whose 单位预算 is not among the "
                            f"documents ({'、'.join(missing)}): its totals can only be checked as upper bounds")
    return checks, warnings
