"""The text parser on the real Hebei sample: every section, table, row and figure."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from budgetkg.graph.parse import parse_document


# ---- unit, year, kind, organisation ---------------------------------------------------------------
def test_unit_year_kind(hebei):
    assert hebei.unit.name == "中共秦皇岛经济技术开发区工委政法委员会"
    assert hebei.unit.aliases == (
        "秦皇岛经济技术开发区政法委",
        "中共政法委",
        "中共秦皇岛经济技术开发区工委政法委",
        "政法委",
    )
    assert hebei.year == 2021
    assert hebei.kind == "单位预算"
    assert hebei.title == "秦皇岛经济技术开发区政法委 2021 年单位预算公开"
    assert hebei.source.format == "text"
    assert hebei.source.file == "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"
    assert hebei.source.lines == 529
    assert len(hebei.source.sha256) == 64


def test_organization_table(hebei):
    (row,) = hebei.organization
    assert (row.name, row.nature, row.level, row.funding, row.line) == (
        "中共秦皇岛经济技术开发区工委政法委员会(本级)", "行政", "副处(县)级", "财政拨款", 79,
    )


def test_duties(hebei):
    assert [duty.no for duty in hebei.duties] == list(range(1, 9))
    assert hebei.duties[0].text == "贯彻执行党的路线、方针、政策以及党委的有关决策和部署，统一政法各部门的思想和行动。"
    assert hebei.duties[0].line == 56
    assert hebei.duties[-1].text == "承办党委和上级政法委员会、维护稳定及社会治安综合治理委员会交办的其他事项。"
    assert hebei.duties[5].text.startswith("组织、协调、指导本级维护社会稳定工作")


def test_sub_offices_keep_the_stated_count_and_the_duplicate(hebei):
    offices = hebei.sub_offices
    assert offices.stated_count == 13
    assert offices.names == (
        "办公室", "维稳办", "综治办", "防范办", "扫黑办", "护路办", "政治处", "执法监督科",
        "涉法涉诉中心", "国安办", "法学会", "反邪教协会",
    )
    assert offices.duplicates == ("扫黑办",)
    assert "line 72: sub-office listed twice: 扫黑办" in hebei.warnings


# ---- summary figures ---------------------------------------------------------------------------------
def test_summary_figures_in_wan_yuan(hebei):
    s = hebei.summary
    assert s.income_total == D("1099.98")
    assert s.fiscal_appropriation == D("1099.98")
    assert s.expenditure_total == D("1099.98")
    assert s.basic_expenditure == D("584.16")
    assert s.personnel_expenditure == D("448.78")
    assert s.public_expenditure == D("135.38")
    assert s.project_expenditure == D("515.82")
    assert s.operating_expenses == D("135.38")
    assert s.operating_expenses_purpose.startswith("保证机关正常运转的办公及印刷费")
    assert s.procurement_total == D("349.20")
    assert all(isinstance(value, D) for value in (s.income_total, s.basic_expenditure, s.procurement_total))
    assert s.lines["income_total"] == 87 and s.lines["expenditure_total"] == 91
    assert s.lines["operating_expenses"] == 99


def test_change_against_previous_year(hebei):
    change = hebei.summary.change
    assert change.compared_to == 2020
    assert (change.total, change.basic_expenditure, change.project_expenditure) == (
        D("729.05"), D("345.43"), D("383.62"),
    )
    assert change.reason == "机构改革，政策法规局并入政法委，造成2021年经费增加"
    assert change.line == 95


def test_sangong_this_year_last_year_and_change(hebei):
    sangong = hebei.summary.sangong
    assert sangong.year == 2021 and sangong.line == 103
    assert (sangong.total, sangong.abroad, sangong.vehicle, sangong.vehicle_purchase,
            sangong.vehicle_operation, sangong.reception) == (
        D("11.22"), D("0"), D("10.78"), D("0"), D("10.78"), D("0.44"),
    )
    last = sangong.previous_year
    assert last.year == 2020
    assert (last.total, last.abroad, last.vehicle, last.reception) == (D("5.61"), D("0"), D("5.50"), D("0.11"))
    assert last.vehicle_purchase is None and last.vehicle_operation is None  # not printed for 2020
    change = sangong.change
    assert change.line == 105 and change.year == 2020
    assert (change.total, change.abroad, change.vehicle_purchase, change.vehicle, change.reception) == (
        D("5.61"), D("0"), D("0"), D("5.28"), D("0.33"),
    )


# ---- procurement and assets -------------------------------------------------------------------------------
def test_procurement_every_row(hebei):
    rows = [
        (r.project, r.project_budget, r.item, r.catalog_code, r.measure_unit, r.quantity, r.unit_price, r.amount, r.line)
        for r in hebei.procurement
    ]
    assert rows == [
        ("综治视联网建设经费", D("162.00"), "通信网络维护和管理系统", "A020816", "套", D(1), D("162.00"), D("162.00"), 113),
        ("综治保险", D("11.90"), "其他保险服务", "C150499", "服务", D(1), D("11.90"), D("11.90"), 114),
        ("三级综治平台电脑", D("27.20"), "其他网络设备", "A02010299", "台", D(1), D("27.20"), D("27.20"), 115),
        ("综治“9+X”网格员信息应用服务费", D("44.10"), "平台运营服务", "C020702", "套", D(1), D("44.10"), D("44.10"), 116),
        ("雪亮工程建设", D("104.00"), "通信网络维护和管理系统", "A020816", "套", D(1), D("104.00"), D("104.00"), 117),
    ]
    for row in hebei.procurement:
        assert dict(row.funding) == {"general_budget": row.amount}
        assert row.group == "中共秦皇岛经济技术开发区工委政法委员会(本级)"


def test_assets_table(hebei):
    assets = hebei.assets
    assert (assets.compiled_by, assets.as_of, assets.total) == ("中共政法委", "2020-12-31", D("314.78"))
    items = [(i.name, i.quantity, i.quantity_unit, i.value, i.parent, i.line) for i in assets.items]
    assert items == [
        ("房屋", D(45), "平方米", D("11.15"), None, 129),
        ("办公用房", None, "平方米", None, "房屋", 131),
        ("车辆", D(1), "台、辆", D("25.06"), None, 132),
        ("单价在20万元以上的设备", None, None, None, None, 133),
        ("其他固定资产", None, None, D("278.57"), None, 134),
    ]


# ---- unit-level performance -------------------------------------------------------------------------------
def test_overall_goal_is_rejoined_across_the_page_break(hebei):
    assert hebei.overall_goal.startswith("严格按照省委省政府工作部署")
    assert "为群众提供优质、高效、便捷的公证法律服务；" in hebei.overall_goal
    assert hebei.overall_goal.endswith("促进全区经济的发展。")


def test_performance_areas_with_goals_and_indicators(hebei):
    areas = hebei.performance_areas
    assert [(a.no, a.title, len(a.goals)) for a in areas] == [
        (1, "社会管理综合治理工作", 3), (2, "加强内部规范化建设", 1),
        (3, "加强铁路护路联防工作", 3), (4, "执法监督工作", 3),
    ]
    indicators = [(i.name, i.value.op, i.value.number, i.value.unit) for a in areas for g in a.goals for i in g.indicators]
    assert indicators == [
        ("工程计划完成率", ">=", D(90), "%"), ("验收合格率", ">=", D(90), "%"), ("项目完成及时性", ">=", D(90), "%"),
        ("监管合格率", ">=", D(90), "%"),
        ("参加护路人数", ">=", D(1), "人"), ("保证铁路运行的安全性", ">=", D(90), "%"), ("护路持续性", ">=", D(90), "%"),
        ("工作计划完成率", "=", D(100), "%"), ("工作任务达标率", "=", D(100), "%"), ("工作完成及时性", "=", D(100), "%"),
    ]
    third = areas[0].goals[2]
    assert "专业会议麦克风，同时根据需要自行配置" in third.text  # broken by the PDF, rejoined
    assert third.text.endswith("区综治办需将乡级终端费用纳入本级财政预算。")
    assert areas[0].goals[0].indicators[0].value.raw == r"$\geq 90\%$"


def test_measures_and_glossary_and_other_matters(hebei):
    assert [m.title for m in hebei.measures] == [
        "完善制度建设", "加强支出管理", "加强绩效运行监控", "做好绩效自评", "规范财务资产管理", "加强内部监督", "加强宣传培训调研等",
    ]
    assert hebei.measures[0].text.startswith("制定完善预算绩效管理制度")
    terms = [t.term for t in hebei.glossary]
    assert terms == [
        "一般公共预算拨款收入", "事业收入", "其他收入", "基本支出", "项目支出", "上缴上级支出", "“三公”经费",
        "机关运行费", "上年结转", "事业单位经营支出",
    ]
    assert hebei.glossary[0].definition == "指区级财政当年拨付的资金。"
    assert hebei.other_matters == "我单位无其他需要说明的事项。"


# ---- 绩效目标表 -------------------------------------------------------------------------------------------------
PROJECTS = [
    (1, "维护稳定工作专项经费", "5"), (2, "法学会工作专项经费", "1"), (3, "执法证年检考试", "2.1"),
    (4, "全面依法治区委员会办公室经费", "0.5"), (5, "全区行政执法人员公培训费", "0.7"),
    (6, "综治“9+X”网格员信息应用服务费", "44.1"), (7, "普法宣传经费", "3"), (8, "三级综治平台电脑", "27.2"),
    (9, "综治工作专项经费", "12"), (10, "人民调解工作经费", "5"), (11, "见义勇为基金", "1"),
    (12, "雪亮工程建设", "104"), (13, "综治视联网建设经费", "162"), (14, "法制专家咨询工作经费", "2.5"),
    (15, "管委法律顾问服务经费", "28"), (16, "防范和处理邪教问题工作专项经费", "1"),
    (17, "防范和处理邪教问题工作专项经费", "15"), (18, "编辑印制《法治开发区》", "1.5"),
    (19, "政法信息化专项经费", "4.32"), (20, "综治保险", "11.9"), (21, "法律服务费", "12"),
    (22, "精神病监护保险", "4"), (23, "护路经费", "62"), (24, "社区矫正工作经费", "2"), (25, "法律援助工作经费", "4"),
]


def test_all_25_tables_with_name_and_cost(hebei):
    assert [(p.no, p.name, p.cost) for p in hebei.projects] == [(no, name, D(cost)) for no, name, cost in PROJECTS]
    assert all(p.title == p.name + "绩效目标表" for p in hebei.projects)


def _expected_rows(text: str):
    """The indicator rows read straight off the file: table number, cells, line (fills merged 一级)."""
    table, level1 = None, None
    for no, line in enumerate(text.split("\n"), start=1):
        title = re.match(r"^(\d+)、.*绩效目标表$", line.strip())
        if title:
            table = int(title[1])
            continue
        cells = [c.strip() for c in line.split("\t")]
        if table and len(cells) == 6 and cells[1].endswith("指标") and cells[0] != "一级指标":
            level1 = cells[0] or level1
            yield table, (level1, *cells[1:]), no


def test_every_indicator_row_and_field(hebei, hebei_text):
    expected = list(_expected_rows(hebei_text))
    actual = [
        (p.no, (i.level1, i.level2, i.level3, i.description, i.value.raw, i.basis.raw), i.line)
        for p in hebei.projects for i in p.indicators
    ]
    assert len(expected) == 156
    assert actual == expected


def test_goals_split_into_items_even_after_the_header_row(hebei):
    goals = {p.no: p.goals for p in hebei.projects}
    assert goals[1] == ("维护全区社会政治安全", "维护全区社会政治安全")
    assert goals[3] == ("提高行政执法能力，规范行政执法行为", "促进严格规范公正文明执法；提升行政行为合法性水平")
    assert goals[9] == ("促进社会和谐、稳定", "全区社会治理能力得到有效提升")  # 绩效目标 row after the header
    assert goals[17] == ("定期了解吸毒人员生活、思想状况和社会交往情况", "帮助教育其远离毒品，防止再次吸毒")
    assert {p.no: p.goals_line for p in hebei.projects}[9] == 343
    assert all(len(g) == 2 for g in goals.values())


def test_merged_cells_filled_down_and_values_parsed(hebei):
    table9 = hebei.projects[8].indicators
    assert [(i.level1, i.level2) for i in table9] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标"),
    ]
    values = {(p.no, i.level3): i.value for p in hebei.projects for i in p.indicators}
    cost = values[(1, "预算数")]
    assert (cost.raw, cost.op, cost.number, cost.unit) == ("≤5 万元", "<=", D(5), "万元")
    days = values[(7, "持续天数")]
    assert (days.raw, days.op, days.number, days.unit) == ("≥1天", ">=", D(1), "天")
    rate = values[(3, "合格率")]
    assert (rate.op, rate.number, rate.unit) == (">=", D(92), "%")
    assert values[(19, "预算数")].number == D("4.32")
    ops = {i.value.op for p in hebei.projects for i in p.indicators}
    assert ops == {">=", "<="}


def test_same_title_twice_is_kept_and_warned(hebei):
    sixteen, seventeen = hebei.projects[15], hebei.projects[16]
    assert sixteen.title == seventeen.title == "防范和处理邪教问题工作专项经费绩效目标表"
    assert "社区戒毒社区康复中心" in seventeen.indicators[0].description
    assert "line 431: tables 16 and 17 have the same title 防范和处理邪教问题工作专项经费绩效目标表" in hebei.warnings


# ---- checks -------------------------------------------------------------------------------------------------
def test_checks_recompute_the_documents_arithmetic(hebei):
    checks = {c.name: c for c in hebei.checks}
    for name, expected in [
        ("summary.basic_parts", "584.16"), ("summary.expenditure_parts", "1099.98"),
        ("summary.balance", "1099.98"), ("summary.change_parts", "729.05"),
        ("sangong.parts", "11.22"), ("sangong.vehicle_parts", "10.78"),
        ("sangong.previous_year.parts", "5.61"), ("sangong.change.total", "5.61"),
        ("sangong.change.vehicle", "5.28"), ("sangong.change.reception", "0.33"),
        ("procurement.total", "349.20"), ("assets.total", "314.78"), ("projects.cost_total", "515.82"),
        ("procurement.project_cost[综治视联网建设经费]", "162.00"),
    ]:
        check = checks[name]
        assert check.ok and check.expected == D(expected) == check.actual, name
    assert all(c.ok for c in hebei.checks)
    assert checks["projects.cost_total"].line == 91


def test_failed_check_when_the_numbers_do_not_add_up(tmp_path, hebei_text):
    changed = hebei_text.replace("包括人员经费448.78万元", "包括人员经费448.87万元")
    path = tmp_path / "doc.txt"
    path.write_text(changed, encoding="utf-8")
    check = {c.name: c for c in parse_document(path).checks}["summary.basic_parts"]
    assert not check.ok
    assert (check.expected, check.actual, check.line) == (D("584.16"), D("584.25"), 91)


def test_warnings_for_what_is_published_elsewhere(hebei):
    assert hebei.warnings[0].startswith("line 48: the budget tables are published separately")
    assert not [w for w in hebei.warnings if "missing section" in w]


# ---- a family of documents, not one file ------------------------------------------------------------------------
def _write(tmp_path, text, name="doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_another_unit_year_and_kind(tmp_path, hebei_text):
    text = (
        hebei_text.replace("2021", "2022").replace("单位预算", "部门预算")
        .replace("政法委", "司法局").replace("政法 委员会", "司法局")
    )
    doc = parse_document(_write(tmp_path, text))
    assert (doc.year, doc.kind) == (2022, "部门预算")
    assert doc.unit.name == "中共秦皇岛经济技术开发区工委司法局"
    assert len(doc.projects) == 25 and all(c.ok for c in doc.checks)


def test_spaces_full_width_and_ascii_punctuation(tmp_path, hebei_text):
    text = (
        hebei_text.replace("2021年单位预算收入为1099.98万元", "2021 年单位预算收入为 1 099.98 万 元")
        .replace("≤44.1 万元", "≤ 4 4.1万 元")
        .replace("绩效指标：工作计划完成率=100%", "绩效指标:工作计划完成率＝１００％")
        .replace("(1) 贯彻执行", "（1）贯彻执行")
    )
    doc = parse_document(_write(tmp_path, text))
    assert doc.summary.income_total == D("1099.98")
    cost = next(i.value for i in doc.projects[5].indicators if i.level2 == "成本指标")
    assert (cost.op, cost.number, cost.unit) == ("<=", D("44.1"), "万元")
    indicator = doc.performance_areas[3].goals[0].indicators[0]
    assert (indicator.name, indicator.value.op, indicator.value.number, indicator.value.unit) == (
        "工作计划完成率", "=", D(100), "%",
    )
    assert doc.duties[0].text.startswith("贯彻执行")


def test_missing_sections_parse_what_is_there(tmp_path, hebei_text):
    lines = hebei_text.split("\n")
    start = lines.index("五、政府采购预算情况")
    end = lines.index("六、国有资产信息情况")
    text = "\n".join(lines[:start] + lines[end:])
    doc = parse_document(_write(tmp_path, text))
    assert "missing section: 政府采购" in doc.warnings
    assert doc.procurement == () and doc.summary.procurement_total is None
    assert len(doc.projects) == 25 and doc.summary.income_total == D("1099.98")


def test_gbk_encoded_document(tmp_path, hebei_text):
    path = tmp_path / "gbk.txt"
    path.write_bytes(hebei_text.encode("gb18030"))
    doc = parse_document(path)
    assert doc.unit.name == "中共秦皇岛经济技术开发区工委政法委员会" and len(doc.projects) == 25


def test_crlf_line_endings(tmp_path, hebei_text):
    path = tmp_path / "crlf.txt"
    path.write_bytes(hebei_text.replace("\n", "\r\n").encode("utf-8"))
    doc = parse_document(path)
    assert len(doc.projects) == 25 and doc.projects[0].indicators[0].basis.raw == "秦开工委〔2005〕32号文件要求"


@pytest.mark.parametrize("goal_row_first", [True, False])
def test_minimal_document(tmp_path, goal_row_first):
    goal = "绩效目标\t1. 目标甲 2. 目标乙\t\t\t\t"
    header = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据"
    rows = [goal, header] if goal_row_first else [header, goal]
    text = "\n".join([
        "某某县财政局", "2023 年部门预算公开", "",
        "1、示例项目绩效目标表", *rows,
        "产出指标\t数量指标\t培训次数\t培训的次数\t≥3 次\t某财〔2022〕1号",
        "\t成本指标\t预算数\t预算控制数\t≤2 万元\t某财〔2022〕1号",
    ])
    doc = parse_document(_write(tmp_path, text))
    assert (doc.unit.name, doc.year, doc.kind) == ("某某县财政局", 2023, "部门预算")
    (project,) = doc.projects
    assert project.goals == ("目标甲", "目标乙") and project.cost == D(2)
    assert [(i.level1, i.level2) for i in project.indicators] == [("产出指标", "数量指标"), ("产出指标", "成本指标")]
    assert "missing section: 收入" in doc.warnings
    assert any("no 效益指标、满意度指标 rows" in w for w in doc.warnings)
