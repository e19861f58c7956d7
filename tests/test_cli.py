"""The `budgetkg` command line: parse output, JSON contract, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from budgetkg.server.cli import main

BIN = Path(sys.executable).parent / "budgetkg"


def test_console_script_help():
    result = subprocess.run([str(BIN), "--help"], capture_output=True, text=True, check=True)
    assert "parse" in result.stdout
    result = subprocess.run([str(BIN), "parse", "--help"], capture_output=True, text=True, check=True)
    assert "--json" in result.stdout


def test_parse_json_contract(hebei_path, capsys):
    assert main(["parse", str(hebei_path), "--json"]) == 0
    out = capsys.readouterr().out
    assert "中共秦皇岛经济技术开发区工委政法委员会" in out  # UTF-8, not ASCII-escaped
    assert '"procurement_total": 349.20' in out  # printed digits kept
    doc = json.loads(out, parse_float=D)
    for key in ("source", "unit", "year", "kind", "summary", "procurement", "projects", "checks", "warnings"):
        assert key in doc
    assert set(doc["source"]) >= {"file", "sha256", "format", "pages"}
    assert set(doc["unit"]) >= {"name", "aliases"}
    assert set(doc["summary"]) >= {
        "income_total", "fiscal_appropriation", "expenditure_total", "basic_expenditure",
        "personnel_expenditure", "public_expenditure", "project_expenditure", "operating_expenses",
        "sangong", "procurement_total",
    }
    assert set(doc["summary"]["sangong"]) >= {"total", "abroad", "vehicle_purchase", "vehicle_operation", "reception"}
    assert set(doc["procurement"][0]) >= {
        "project", "item", "catalog_code", "measure_unit", "quantity", "unit_price", "amount",
    }
    project = doc["projects"][0]
    assert set(project) >= {"no", "name", "title", "goals", "indicators"}
    indicator = project["indicators"][0]
    assert set(indicator) >= {"level1", "level2", "level3", "description", "value", "basis", "line", "page"}
    assert indicator["value"] == {"raw": "≥1 次", "op": ">=", "number": 1, "unit": "次"}
    assert indicator["basis"]["raw"] == "秦开工委〔2005〕32号文件要求"
    assert set(doc["checks"][0]) >= {"name", "ok", "expected", "actual"}
    assert doc["summary"]["income_total"] == D("1099.98")
    assert doc["summary"]["sangong"]["reception"] == D("0.44")


def test_parse_summary(hebei_path, capsys):
    assert main(["parse", str(hebei_path)]) == 0
    out = capsys.readouterr().out
    assert "中共秦皇岛经济技术开发区工委政法委员会 — 2021 单位预算" in out
    assert "收入 1099.98 万元" in out
    assert "绩效目标表 25, indicators 156" in out
    assert "checks: " in out and "0 failed" in out


def test_parse_folder_reads_text_and_pdf(capsys, hebei_path):
    assert main(["parse", str(hebei_path.parent)]) == 0
    out = capsys.readouterr().out
    assert "中共秦皇岛经济技术开发区工委政法委员会 — 2021 单位预算" in out
    assert "上海市普陀区司法局 — 2026 单位预算" in out and "上海市普陀区人民政府万里街道办事处 — 2023 部门预算" in out
    assert out.count("  source: ") == 9


def test_parse_pdf_json_has_pages(capsys, hebei_path):
    assert main(["parse", str(hebei_path.parent / "sh_putuo_wanli_street_2023_dept.pdf"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out, parse_float=D)
    assert doc["source"]["format"] == "pdf" and doc["source"]["pages"] == 35 and doc["source"]["lines"] is None
    indicator = doc["projects"][0]["indicators"][0]
    assert indicator["page"] and indicator["line"] is None
    assert set(indicator) >= {"level1", "level2", "level3", "description", "value", "basis", "line", "page"}
    assert doc["summary"]["income_total"] is not None and doc["summary"]["lines"]["income_total"] > 1


def _bad(tmp_path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n \n", "the file is empty"),
    ("binary.txt", bytes(range(256)) * 20, "binary data"),
    ("notes.txt", "会议纪要\n今天讨论了绿化工作。\n".encode(), "not a budget disclosure"),
    ("latin1.txt", "caf\xe9 cr\xe8me".encode("latin-1") * 3, "not UTF-8 or GB18030 text"),
    ("fake.pdf", b"%PDF-1.7\n garbage", "PDF"),
])
def test_bad_input_gives_a_clear_error(tmp_path, capsys, name, content, message):
    path = _bad(tmp_path, name, content)
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"budgetkg: error: {path}")
    assert message in err and "Traceback" not in err


def test_truncated_table_names_file_and_line(tmp_path, capsys, hebei_text):
    lines = hebei_text.split("\n")[:300] + ["效益指标\t社会效益指标\t提高依法行政"]
    path = _bad(tmp_path, "cut.txt", "\n".join(lines).encode())
    assert main(["parse", str(path), "--json"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:301: truncated table 5 (全区行政执法人员公培训费绩效目标表)" in err


def test_missing_file_and_folder(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_bad_input_through_the_real_process(tmp_path):
    path = _bad(tmp_path, "x.txt", b"\x00\x01\x02")
    result = subprocess.run([str(BIN), "parse", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "binary data" in result.stderr and "Traceback" not in result.stderr
