"""部门预算 against the 单位预算 of its units, across the documents of data/."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from budgetkg.graph.crosscheck import department_checks
from budgetkg.graph.parse import parse_document

FILES = ["sh_putuo_govoffice_2025_dept.pdf", "sh_putuo_govoffice_2025_unit.pdf",
         "sh_putuo_justice_2026_dept.pdf", "sh_putuo_justice_2026_unit.pdf"]


@pytest.fixture(scope="module")
def docs(hebei_path):
    return {name: parse_document(hebei_path.parent / name) for name in FILES}


def test_member_units_of_a_department(docs):
    rows = docs["sh_putuo_govoffice_2025_dept.pdf"].organization
    assert [(r.name, r.own, r.separate_budget) for r in rows] == [
        ("上海市普陀区人民政府办公室本部", True, None), ("上海市普陀区交流服务中心", False, False),
    ]
    assert [r.name for r in docs["sh_putuo_justice_2026_dept.pdf"].organization] == ["普陀区司法局本部", "普陀区法律援助中心"]


def test_complete_department_equals_the_sum_of_its_units(docs):
    checks, warnings = department_checks([docs["sh_putuo_govoffice_2025_dept.pdf"], docs["sh_putuo_govoffice_2025_unit.pdf"]])
    by_name = {c.name: c for c in checks}
    assert by_name["department.income_total"].ok and by_name["department.income_total"].expected == D("9101.68")
    assert all(c.ok for c in checks) and len(checks) == 5 and warnings == []
    assert all("= sum over its units" in c.detail for c in checks)


def test_incomplete_department_is_an_upper_bound_and_names_the_missing_unit(docs):
    checks, warnings = department_checks([docs["sh_putuo_justice_2026_dept.pdf"], docs["sh_putuo_justice_2026_unit.pdf"]])
    income = {c.name: c for c in checks}["department.income_total"]
    assert income.ok and (income.expected, income.actual) == (D("9628.22"), D("8695.94"))
    assert warnings and "普陀区法律援助中心" in warnings[0]


def test_a_department_that_does_not_add_up_fails(docs):
    unit = docs["sh_putuo_govoffice_2025_unit.pdf"]
    wrong = dataclasses.replace(unit, summary=dataclasses.replace(unit.summary, income_total=D("9000.00")))
    checks, _ = department_checks([docs["sh_putuo_govoffice_2025_dept.pdf"], wrong])
    income = {c.name: c for c in checks}["department.income_total"]
    assert not income.ok and income.actual == D("9000.00")


def test_no_pairs_no_checks(docs):
    assert department_checks([docs["sh_putuo_justice_2026_unit.pdf"]]) == ([], [])
