"""Legal bases as the parser reports them: every basis of the Hebei sample, its canonical form,
kind and citing tables, and the refs and notes on each indicator."""

from __future__ import annotations

import json
from decimal import Decimal as D

from budgetkg.server.cli import main

EXPECTED = [  # canonical, kind, citing tables
    ("秦开工委〔2005〕32号", "document_number", [1]),
    ("中国法学会章程", "charter", [2]),
    ("河北省行政执法证件和行政执法监督检查证件管理办法", "regulation", [3, 5, 14]),
    ("秦发〔2016〕12号", "document_number", [4]),
    ("新增管委已批，必保项目", "internal_decision", [6, 8, 12, 20]),
    ("秦开工办〔2017〕22号", "document_number", [7, 18]),
    ("冀综治办〔2017〕6号", "document_number", [9]),
    ("秦皇岛经济技术开发区人民调解委员会补助及人民调解员补贴办法", "regulation", [10]),
    ("河北省见义勇为条例", "regulation", [11]),
    ("冀发〔2002〕4号", "document_number", [13]),
    ("秦皇岛市人民政府关于推进政府法律顾问制度的意见", "regulation", [15, 21]),
    ("秦办字〔2010〕49号", "document_number", [16]),
    ("新增项目", "internal_decision", [17]),
    ("中华人民共和国禁毒法", "law", [17]),
    ("省委政法委〔2012〕131号", "document_number", [19]),
    ("关于实施严重精神障碍患者监护人以奖代补和监护人责任险的暂行办法", "regulation", [22]),
    ("新增必保项目", "internal_decision", [22]),
    ("涉密，政治任务必保项目", "internal_decision", [23]),
    ("冀司〔2018〕121号", "document_number", [24]),
    ("冀财行〔2013〕80号", "document_number", [25]),
]


def test_every_basis_of_the_sample(hebei):
    assert [(b["canonical"], b["kind"], b["cited_by"]) for b in hebei.legal_bases] == EXPECTED


def test_every_table_cites_something_and_refs_point_at_linked_entities(hebei):
    canonical = {b["canonical"] for b in hebei.legal_bases}
    for project in hebei.projects:
        for indicator in project.indicators:
            assert indicator.basis.refs, (project.no, indicator.basis.raw)
            assert {ref["canonical"] for ref in indicator.basis.refs} <= canonical
    table7 = hebei.projects[6].indicators[0].basis.refs
    assert [(r["canonical"], r["variant"]) for r in table7] == [
        ("秦开工办〔2017〕22号", "关于印发《秦皇岛经济技术开发区机关事业单位工作人员学法制度》的通知"),
    ]


def test_fields_of_numbered_documents(hebei):
    bases = {b["canonical"]: b for b in hebei.legal_bases}
    jizong = bases["冀综治办〔2017〕6号"]
    assert (jizong["issuer_code"], jizong["year"], jizong["number"], jizong["title"]) == (
        "冀综治办", 2017, 6, "关于做好综治重点工作经费纳入本级财政预算的通知",
    )
    assert jizong["variants"] == ["冀综治办（2017）6号"] and jizong["key"] == "冀综治办-2017-6"
    assert bases["冀发〔2002〕4号"]["issuer"] == "省委、省政府"
    assert bases["秦办字〔2010〕49号"]["issuer"] == "市委市政府"
    assert bases["秦开工办〔2017〕22号"]["title"] == "秦皇岛经济技术开发区机关事业单位工作人员学法制度"
    assert bases["冀司〔2018〕121号"]["title"] == "政府购买社区矫正社会服务实施方案"
    assert set(bases["新增管委已批，必保项目"]["variants"]) == {"新增管委已批, 必保项目", "新增管委已批，必保项目"}


def test_notes_are_kept_on_citations_not_as_bases(hebei):
    bases = {b["canonical"]: b for b in hebei.legal_bases}
    notes = bases["秦办字〔2010〕49号"]["notes"]
    assert [(n["text"], n["amount"], n["op"]) for n in notes] == [
        ("每县区每年防范经费不低于20万元", D(20), ">="), ("涉密", None, None),
    ]
    indicator = hebei.projects[16].indicators[3]  # table 17, 成本指标 ≤15 万元
    assert [(n["text"], n["amount"]) for n in indicator.basis.notes] == [
        ("2020 年此项工作由区公安分局转到区政法委管理", None), ("每年不少于 15 万元", D(15)),
    ]
    assert not any("每县区" in b["canonical"] or "万元" in b["canonical"] for b in hebei.legal_bases)


def test_json_output_has_refs_and_legal_bases(hebei_path, capsys):
    assert main(["parse", str(hebei_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    refs = doc["projects"][8]["indicators"][0]["basis"]["refs"]
    assert refs == [{"canonical": "冀综治办〔2017〕6号", "kind": "document_number", "key": "冀综治办-2017-6",
                     "variant": "冀综治办（2017）6号"}]
    first = doc["legal_bases"][0]
    assert set(first) >= {"canonical", "kind", "variants", "issuer_code", "year", "number", "title", "notes", "cited_by"}


def test_basis_command(capsys):
    assert main(["basis", "秦发（2016）12 号文件要求"]) == 0
    assert "document_number   秦发〔2016〕12号" in capsys.readouterr().out
    assert main(["basis", "--json", "按照《禁毒法》规定，每年不少于 15 万元"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["canonical"], r["kind"]) for r in data["refs"]] == [("中华人民共和国禁毒法", "law")]
    assert data["notes"][0]["amount"] == 15
    for text in ["2017年6号楼", "0335-1234567", "hello", "\x00\x01", "《》〔〕（）"]:
        assert main(["basis", text]) == 0
        assert "recognised nothing" in capsys.readouterr().out
    assert main(["basis", "x" * 10000]) == 0
    capsys.readouterr()


def test_unrecognised_basis_gives_a_warning(tmp_path, hebei_text):
    from budgetkg.graph.parse import parse_document

    path = tmp_path / "doc.txt"
    path.write_text(hebei_text.replace("冀财行[2013]80 号", "见附件"), encoding="utf-8")
    doc = parse_document(path)
    assert any("no legal basis recognised in '见附件'" in w for w in doc.warnings)
    assert doc.projects[24].indicators[0].basis.refs == ()
