"""The PDF parser on the eight Shanghai (普陀区) disclosures in data/, and on bad input.

Expected figures are read off the PDFs (编制说明 prose in 万元; tables in 元 converted exactly).
"""

from __future__ import annotations

import hashlib
import struct
from decimal import Decimal
from pathlib import Path

import pytest
from budgetkg.graph.pdfparser import parse_pdf
from budgetkg.graph.records import Document, DocumentError

DATA = Path(__file__).resolve().parent.parent / "data"
D = Decimal

#: file -> (unit, year, kind, income, expenditure, 三公 total, abroad, vehicle, purchase, operation,
#:          reception, 机关运行经费, 政府采购 total, (goods, works, services), 绩效 (projects, amount), pages)
FACTS = {
    "sh_putuo_wanli_street_2023_dept.pdf": (
        "上海市普陀区人民政府万里街道办事处", 2023, "部门预算", "16497.86", "16497.86",
        "22.91", "0", "21.56", "0", "21.56", "1.35", "786.09", "830.00", ("10.00", "550.00", "270.00"), (5, "3328.13"), 35,
    ),
    "sh_putuo_wanli_street_2024_dept.pdf": (
        "上海市普陀区人民政府万里街道办事处", 2024, "部门预算", "15621.11", "15621.11",
        "47.91", "0", "46.56", "25", "21.56", "1.35", "443.18", "1662.44", ("93.98", "815.87", "752.59"), (50, "5634.81"), 33,
    ),
    "sh_putuo_wanli_street_2025_dept.pdf": (
        "上海市普陀区人民政府万里街道办事处", 2025, "部门预算", "18976.76", "18976.76",
        "37.91", "0", "36.56", "15", "21.56", "1.35", "464.64", "4821.20", ("57.43", "3780.72", "983.05"), (49, "8825.98"), 31,
    ),
    "sh_putuo_govoffice_2025_dept.pdf": (
        "上海市普陀区人民政府办公室", 2025, "部门预算", "9101.68", "9101.68",
        "867.50", "839", "0", "0", "0", "28.50", "213.28", "34", ("0", "0", "34"), (11, "6626"), 22,
    ),
    "sh_putuo_govoffice_2025_unit.pdf": (
        "上海市普陀区人民政府办公室", 2025, "单位预算", "9101.68", "9101.68",
        "867.50", "839", "0", "0", "0", "28.50", "213.28", "34", ("0", "0", "34"), (11, "6626"), 21,
    ),
    "sh_putuo_commerce_2025_dept.pdf": (
        "上海市普陀区商务委员会", 2025, "部门预算", "37151.47", "37151.47",
        "1.00", "0", "0", "0", "0", "1.00", "171.01", "38.20", ("7.80", "0", "30.40"), (25, "11381.60"), 26,
    ),
    "sh_putuo_justice_2026_dept.pdf": (
        "上海市普陀区司法局", 2026, "部门预算", "9628.22", "9628.22",
        "10.81", "0", "9.98", "0", "9.98", "0.83", "217.83", "1486.42", ("3.66", "36.44", "1446.32"), (20, "7054.05"), 23,
    ),
    "sh_putuo_justice_2026_unit.pdf": (
        "上海市普陀区司法局", 2026, "单位预算", "8695.94", "8695.94",
        "10.71", "0", "9.98", "0", "9.98", "0.73", "184.59", "1484.2", ("1.44", "36.44", "1446.32"), (19, "6484.05"), 21,
    ),
}

@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    parsed = {}
    for name in FACTS:
        parsed[name] = parse_pdf(DATA / name)
    return parsed


@pytest.fixture(scope="module")
def wanli2023(docs) -> Document:
    return docs["sh_putuo_wanli_street_2023_dept.pdf"]


NAMES = list(FACTS)


@pytest.mark.parametrize("name", NAMES)
def test_identity(docs, name):
    doc, facts = docs[name], FACTS[name]
    assert doc.unit.name == facts[0]
    assert (doc.year, doc.kind) == (facts[1], facts[2])
    assert doc.source.format == "pdf"
    assert doc.source.pages == facts[-1]
    assert doc.source.lines is None
    assert doc.source.file == name
    assert doc.title == f"上海市普陀区{facts[1]}年区级{facts[2][:2]}预算"


@pytest.mark.parametrize("name", NAMES)
def test_totals_and_sangong(docs, name):
    s, f = docs[name].summary, FACTS[name]
    assert s.income_total == D(f[3]) and s.fiscal_appropriation == D(f[3])
    assert s.expenditure_total == D(f[4])
    g = s.sangong
    assert (g.total, g.abroad, g.vehicle, g.vehicle_purchase, g.vehicle_operation, g.reception) == tuple(D(x) for x in f[5:11])
    assert g.year == f[1]
    assert s.operating_expenses == D(f[11])
    assert s.procurement_total == D(f[12])
    assert all(isinstance(page, int) for page in s.lines.values())
    printed, unit = s.printed["income_total"]
    assert (printed.replace(",", ""), unit) == (f[3], "万元")
    if name in ("sh_putuo_wanli_street_2025_dept.pdf", "sh_putuo_commerce_2025_dept.pdf"):
        assert "," in printed  # 18,976.76万元 as printed


@pytest.mark.parametrize("name", NAMES)
def test_procurement_and_performance(docs, name):
    doc, f = docs[name], FACTS[name]
    p = doc.procurement_summary
    assert (p.total, p.goods, p.works, p.services) == (D(f[12]), *(D(x) for x in f[13]))
    assert p.year == f[1] and p.page is not None
    perf = doc.performance_summary
    assert (perf.projects, perf.amount, perf.year) == (f[14][0], D(f[14][1]), f[1])


@pytest.mark.parametrize("name", NAMES)
def test_tables(docs, name):
    doc = docs[name]
    tables = {t.no: t for t in doc.tables}
    assert sorted(tables) == list(range(1, 10))
    income = D(FACTS[name][3])
    # the 元 totals agree with the 万元 prose within rounding
    t1 = tables[1]
    assert t1.unit == "元"
    total_in = next(r for r in t1.rows if r.side == "收入" and r.name == "收入总计")
    assert abs(next(iter(total_in.amounts.values())) - income) <= D("0.005")
    for no in (2, 3, 5):
        total = next(r for r in tables[no].rows if r.name == "合计")
        assert abs(total.amounts["合计"] - income) <= D("0.005"), no
        coded = [r for r in tables[no].rows if r.code]
        assert coded and all(len(r.code) in (3, 5, 7) and r.code.isdigit() for r in coded)
    # every 类/款 row is checked against the sum of its sub-rows
    assert any(c.name.startswith("table5.rollup[") for c in doc.checks)
    for no in (6, 7):
        assert tables[no].title.endswith("功能分类预算表")
        assert all(not r.amounts for r in tables[no].rows)
        assert "空表" in (tables[no].note or "")
    assert tables[9].unit == "万元"
    assert tables[9].rows[0].amounts["三公经费合计"] == D(FACTS[name][5])
    assert tables[9].rows[0].amounts["机关运行经费"] == D(FACTS[name][11])
    assert all(r.page is not None for t in doc.tables for r in t.rows)


#: The documents' own errors, as printed (the checks find them):
KNOWN_FAILURES = {
    # 5 绩效目标填报表 add up to 3351.3343万元, the 绩效 sentence says 3328.13万元
    "sh_putuo_wanli_street_2023_dept.pdf": {"performance.amount"},
    # 2040601 行政运行 prints 项目支出 64,840,547.00 (the 204 total) instead of 0.00
    "sh_putuo_justice_2026_unit.pdf": {"table3.rollup[20406].项目支出", "table5.rollup[20406].项目支出"},
    # 21201 prints 94,995,790 but its 项 rows add up to 94,995,789 (1元)
    "sh_putuo_wanli_street_2025_dept.pdf": {
        f"table{no}.rollup[{code}].{column}"
        for no, columns in ((2, ("合计", "财政拨款收入")), (3, ("合计",)), (5, ("合计",)))
        for code in ("212", "21201") for column in columns
    },
}


@pytest.mark.parametrize("name", NAMES)
def test_checks_pass(docs, name):
    doc = docs[name]
    names = {c.name for c in doc.checks}
    assert {"summary.balance", "sangong.parts", "table1.income_total", "table1.expenditure_total",
            "table9.sangong_total", "table9.sangong_parts", "table9.operating_expenses"} <= names
    failing = {c.name for c in doc.checks if not c.ok}
    assert failing == KNOWN_FAILURES.get(name, set())
    assert all(c.page is not None and c.line is None for c in doc.checks if c.name.startswith("table"))


@pytest.mark.parametrize("name", NAMES)
def test_duties(docs, name):
    duties = docs[name].duties
    expected = {"wanli": 9, "govoffice": 14, "commerce": 13, "justice": 10}
    assert len(duties) == next(v for k, v in expected.items() if k in name)
    assert [d.no for d in duties] == list(range(1, len(duties) + 1))
    assert all(d.page and d.line is None and "\n" not in d.text for d in duties)
    assert duties[-1].text.endswith("其他事项。") or duties[-1].text.endswith("其他任务。")


def test_sub_offices(docs):
    justice = docs["sh_putuo_justice_2026_unit.pdf"].sub_offices
    assert justice.stated_count == 12 and len(justice.names) == 12
    assert justice.names[0] == "办公室" and justice.names[-1] == "教育帮扶科"
    office = docs["sh_putuo_govoffice_2025_unit.pdf"].sub_offices
    assert office.stated_count == 10 and office.names[0] == "秘书科（联络科）" and office.names[-1] == "区域合作科"
    commerce = docs["sh_putuo_commerce_2025_dept.pdf"].sub_offices
    assert commerce.stated_count == 9 and commerce.names[:2] == ("办公室", "综合调研科")


def test_table_rows_2023(wanli2023):
    tables = {t.no: t for t in wanli2023.tables}
    t5 = tables[5]
    assert t5.columns == ("合计", "基本支出", "项目支出")
    rows = {r.code: r for r in t5.rows if r.code}
    assert rows["204"].name == "公共安全支出" and rows["204"].amounts["合计"] == D("125.2300")
    assert rows["20406"].name == "司法"
    assert rows["2040607"].name == "公共法律服务" and rows["2040607"].amounts["合计"] == D("15.0000")
    assert rows["2080505"].name == "机关事业单位基本养老保险缴费支出"
    assert rows["2080505"].printed["合计"] == "4,412,547"
    assert {r.page for r in t5.rows} == {20, 21, 22, 23}
    total = next(r for r in t5.rows if r.name == "合计")
    assert total.amounts == {"合计": D("16497.8640"), "基本支出": D("9940.6297"), "项目支出": D("6557.2343")}
    s = wanli2023.summary
    assert (s.basic_expenditure, s.project_expenditure) == (D("9940.6297"), D("6557.2343"))
    assert (s.personnel_expenditure, s.public_expenditure) == (D("8402.4865"), D("1538.1432"))
    assert s.printed["basic_expenditure"] == ("99,406,297", "元")
    t9 = tables[9].rows[0].amounts
    assert t9["公务接待费"] == D("1.35") and t9["公务用车购置及运行费"] == D("21.56")


def test_change_and_reason(docs, wanli2023):
    change = wanli2023.summary.change
    assert (change.compared_to, change.total, change.reason) == (2022, D("1421.25"), "项目调整")
    # "比2023年预算减少\n876.75万元": the figure is split by a line break in the PDF
    change2024 = docs["sh_putuo_wanli_street_2024_dept.pdf"].summary.change
    assert (change2024.compared_to, change2024.total, change2024.page) == (2023, D("-876.75"), 6)
    justice = docs["sh_putuo_justice_2026_unit.pdf"]
    assert any("主要原因是。" in w for w in justice.warnings)
    assert justice.summary.sangong.change.total == 0
    wanli2025 = docs["sh_putuo_wanli_street_2025_dept.pdf"].summary.sangong
    assert wanli2025.change.total == D(-10) and wanli2025.previous_year.total == D("47.91")


def test_assets(docs, wanli2023):
    a = wanli2023.asset_summary
    assert a.as_of == "2022-12-31" and a.vehicles == 7
    assert a.vehicle_kinds["一般公务用车"] == 3 and a.vehicle_kinds["执法执勤用车"] == 4
    assert a.values["固定资产"] == D("3149.52")
    assert a.counts["房屋（平方米）"] == D("14609.83")
    b = docs["sh_putuo_wanli_street_2025_dept.pdf"].asset_summary
    assert (b.as_of, b.vehicles, b.vehicle_kinds["其他用车"], b.planned_year, b.planned_vehicles) == ("2024-08-31", 8, 8, 2025, 1)
    c = docs["sh_putuo_justice_2026_dept.pdf"].asset_summary
    assert (c.vehicles, c.vehicle_kinds["执法执勤用车"], c.planned_vehicles) == (3, 3, 0)


def test_code_without_leading_zero(docs):
    doc = docs["sh_putuo_wanli_street_2024_dept.pdf"]
    rows = {r.code: r for r in next(t for t in doc.tables if t.no == 8).rows if r.code}
    assert rows["30102"].name == "津贴补贴" and rows["30107"].name == "绩效工资"
    assert any("leading zero" in w for w in doc.warnings)


def test_repeated_page_text_is_dropped(docs):
    doc = docs["sh_putuo_justice_2026_dept.pdf"]
    assert any("repeats" in w for w in doc.warnings)
    assert "（十）" not in doc.duties[-1].text


PROJECT_HEADERS_2023 = [
    ("新建万里街道社区公共服务中心", "阶段性项目", "4,100,000.00", "410", 31),
    ("就业援助基地补贴", "经常性项目", "6,351,000.00", "635.1", 32),
    ("社区环境整治和建设经费", "经常性项目", "4,563,800.00", "456.38", 33),
    ("各类工作经费", "经常性项目", "7595500.00", "759.55", 34),
    ("公共服务设施运行经费", "经常性项目", "10,903,043.00", "1090.3043", 35),
]


def test_projects_2023_headers(wanli2023):
    projects = wanli2023.projects
    assert len(projects) == 5
    for project, (name, nature, printed, wan, page) in zip(projects, PROJECT_HEADERS_2023):
        h = project.header
        assert (project.name, h.nature, h.printed["total"], h.total, project.page) == (name, nature, printed, D(wan), page)
        assert (h.department, h.implementer) == ("上海市普陀区人民政府万里街道办事处",) * 2
        assert (h.start, h.end) == ("2023-01-01", "2023-12-31")
        assert project.cost == D(wan)
        assert project.goals and all(g for g in project.goals)
    assert projects[1].goals == ("管理各类下拨费用，实报实销",)
    assert projects[0].goals[0] == "建成后作为万里街道社区事务受理、社区管理、社区文化艺术活动场所。"
    assert projects[2].goals[0].startswith("整治辖区内乱设摊")


def test_projects_2023_indicators(wanli2023):
    got = {
        p.name: [
            (i.level1, i.level2, i.level3, i.value.raw, i.value.op,
             str(i.value.number) if i.value.number is not None else None, i.value.unit, i.page)
            for i in p.indicators
        ]
        for p in wanli2023.projects
    }
    assert got == INDICATORS_2023
    for project in wanli2023.projects:
        for indicator in project.indicators:
            assert indicator.description is None and indicator.basis.raw is None and indicator.line is None


# ---- bad input ------------------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf(text: bytes = b"Hello world", user_password: bytes | None = None) -> bytes:
    """A one-page PDF with ``text``; RC4-40 encrypted (standard handler, R2) with a user password."""
    content = b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET"
    doc_id = hashlib.md5(b"budgetkg").digest()
    encrypt = b""
    if user_password is not None:
        padded = (user_password + _PAD)[:32]
        owner = _rc4(hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5], padded)
        key = hashlib.md5(padded + owner + struct.pack("<i", -4) + doc_id).digest()[:5]
        user = _rc4(key, _PAD)
        content = _rc4(hashlib.md5(key + (4).to_bytes(3, "little") + b"\0\0").digest()[:10], content)
        encrypt = b"/Encrypt 6 0 R "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if user_password is not None:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <" + user.hex().encode() + b"> /P -4 >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + encrypt
    out += b"/ID [<" + doc_id.hex().encode() + b"> <" + doc_id.hex().encode() + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def _error(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_pdf(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_truncated(tmp_path):
    real = (DATA / "sh_putuo_justice_2026_unit.pdf").read_bytes()
    for cut in (len(real) // 3, len(real) - 2000, 600):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(real[:cut])
        assert "corrupt or truncated" in _error(path).message


def test_garbage_and_not_pdf(tmp_path):
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4 garbage")
    assert "corrupt" in _error(garbage).message
    text = tmp_path / "x.pdf"
    text.write_text("这不是PDF", encoding="utf-8")
    assert "not a PDF" in _error(text).message
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert "not a PDF" in _error(empty).message
    assert "cannot read" in _error(tmp_path / "missing.pdf").message
    assert "cannot read" in _error(tmp_path).message


def test_scanned_no_text_layer(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (200, 300), "white").save(path)
    error = _error(path)
    assert "no text layer" in error.message and error.page == 1


def test_not_a_disclosure(tmp_path):
    path = tmp_path / "hello.pdf"
    path.write_bytes(_pdf())
    error = _error(path)
    assert "not a budget disclosure" in error.message and error.page == 1


def test_encrypted(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_pdf(user_password=b"secret"))
    assert "encrypted" in _error(path).message


INDICATORS_2023 = {
    '新建万里街道社区公共服务中心': [
        ('产出指标', '数量指标', '规划建筑面积', '≥13459.00(平方米)', '>=', '13459.00', '平方米', 31),
        ('产出指标', '质量指标', '完工及时率', '及时率', None, None, None, 31),
        ('产出指标', '成本指标', '预算内经费', '合规', None, None, None, 31),
        ('效益指标', '社会效益指标', '完善社区基础设施建设', '完善率', None, None, None, 31),
        ('满意度指标', '服务对象满意度指标', '居民满意度', '满意度', None, None, None, 31),
    ],
    '就业援助基地补贴': [
        ('产出指标', '数量指标', '补贴对象申请审核完成率', '=100.00(%)', '=', '100.00', '%', 32),
        ('产出指标', '质量指标', '补贴对象审核达标率', '=100.00(%)', '=', '100.00', '%', 32),
        ('效益指标', '社会效益指标', '补贴对象生活改善度', '补贴对象生活改善度不低于80%', None, None, None, 32),
        ('满意度指标', '服务对象满意度指标', '补贴对象满意度', '≥80.00(%)', '>=', '80.00', '%', 32),
    ],
    '社区环境整治和建设经费': [
        ('产出指标', '数量指标', '整治行动、病媒消杀', '≥12.00(次)', '>=', '12.00', '次', 33),
        ('产出指标', '质量指标', '项目质量可控性', '可控性100%', None, None, None, 33),
        ('效益指标', '社会效益指标', '社区居民满意度、幸福感', '不低于50%', '>=', '50', '%', 33),
        ('满意度指标', '服务对象满意度指标', '市容环境满意度', '不低于50%', '>=', '50', '%', 33),
    ],
    '各类工作经费': [
        ('产出指标', '数量指标', '成立社戒社康人员习得规范小组', '>6.00(次)', '>', '6.00', '次', 34),
        ('产出指标', '数量指标', '开展特殊对象心理健康教育', '开展至少1次团体心理治疗', None, None, None, 34),
        ('产出指标', '数量指标', '开展社区服刑人员团队训练', '至少1次矫正人员的集中活动', None, None, None, 34),
        ('产出指标', '数量指标', '针对特殊群体进行个案心理辅导', '不低于50人次的个体心理咨询辅导', None, None, None, 34),
        ('产出指标', '数量指标', '开展社区法治宣传活动', '开展不低于5次的社区法治宣传活动', None, None, None, 34),
        ('产出指标', '数量指标', '按计划数量完成', '慰问人数不少于100人,宣传用品不少于20000份', None, None, None, 34),
        ('产出指标', '数量指标', '寒托班、暑托班开设班级数', '≥1.00(个)', '>=', '1.00', '个', 34),
        ('产出指标', '数量指标', '基干民兵整组工作', '≥100.00(人数)', '>=', '100.00', '人数', 34),
        ('产出指标', '数量指标', '日常走访企业', '>150.00(家)', '>', '150.00', '家', 34),
        ('产出指标', '数量指标', '企业服务活动', '≥8.00(次)', '>=', '8.00', '次', 34),
        ('产出指标', '数量指标', '商会活动及会长会议', '=12.00(次)', '=', '12.00', '次', 34),
        ('产出指标', '数量指标', '质量月活动', '=1.00(次)', '=', '1.00', '次', 34),
        ('产出指标', '数量指标', '节能减排宣传周活动', '=1.00(次)', '=', '1.00', '次', 34),
        ('产出指标', '数量指标', '统计法制宣传活动', '=1.00(次)', '=', '1.00', '次', 34),
        ('产出指标', '数量指标', '15个居民区全覆盖', '居民区全覆盖', None, None, None, 34),
        ('产出指标', '质量指标', '做好禁毒示范城区标准化建设', '做好禁毒示范城区标准化建设', None, None, None, 34),
        ('产出指标', '质量指标', '心理健康教育活动有效', '特殊对象及群体、居民心理健康有效提升', None, None, None, 34),
        ('产出指标', '质量指标', '法治宣传活动丰富有实效', '提升社区法治宣传氛围及居民知法懂法守法用法', None, None, None, 34),
        ('产出指标', '质量指标', '中心全年活动人次', '=5.00(万人次)', '=', '5.00', '万人次', 34),
        ('产出指标', '质量指标', '完善人大代表“家站点”建设', '达标', None, None, None, 34),
        ('产出指标', '质量指标', '夯实思想政治基础', '凝聚统战各界人士力量', None, None, None, 34),
        ('产出指标', '质量指标', '寒托班、暑托班完成班级数', '≥1.00(个)', '>=', '1.00', '个', 34),
        ('产出指标', '质量指标', '民兵训练及备勤工作', '根据区人武部安排，完成民兵训练任务及备勤任务', None, None, None, 34),
        ('效益指标', '社会效益指标', '扩大禁毒宣传教育覆盖面', '扩大', None, None, None, 34),
        ('效益指标', '社会效益指标', '社区服刑人员融入社会', '增强', None, None, None, 34),
        ('效益指标', '社会效益指标', '社区法治氛围增强', '增强', None, None, None, 34),
        ('效益指标', '社会效益指标', '居民依法、理性参与公众事务的能力增强', '提升', None, None, None, 34),
        ('效益指标', '社会效益指标', '提升住宅小区业委会规范化', '加强引导业委会工作制度、履职行为、自治能力等', None, None, None, 34),
        ('效益指标', '社会效益指标', '助力社区发展', '提升', None, None, None, 34),
        ('效益指标', '社会效益指标', '宣传工作覆盖面不断扩大', '宣传工作覆盖面不断扩大', None, None, None, 34),
        ('效益指标', '社会效益指标', '政治觉悟及参与范围', '政治觉悟及学习主动性不断提升，范围不断扩大', None, None, None, 34),
        ('效益指标', '社会效益指标', '解决小朋友寒暑假看护难问题', '≥120.00(人次)', '>=', '120.00', '人次', 34),
        ('效益指标', '社会效益指标', '"提升居民、驻区单位质量及节能环保意识提升驻区企业，依法统计意识优化营商环境"', '提升', None, None, None, 34),
        ('效益指标', '社会效益指标', '促进经济发展', '有效', None, None, None, 34),
        ('效益指标', '社会效益指标', '干部人事工作平稳有序', '平稳有序', None, None, None, 34),
        ('效益指标', '社会效益指标', '协调推动区域化党建工作的稳定有序发展', '有效', None, None, None, 34),
        ('效益指标', '社会效益指标', '全面提升社区党员党性修养，提升书记综合素质，牢固树立全心全意为民服务意识', '有效', None, None, None, 34),
        ('满意度指标', '服务对象满意度指标', '提升社区居民满意度', '提升', None, None, None, 34),
        ('满意度指标', '服务对象满意度指标', '特殊人员及群体满意', '90.00(度)', '=', '90.00', '度', 34),
        ('满意度指标', '服务对象满意度指标', '家长及学生满意比例', '满意率100%', None, None, None, 34),
        ('满意度指标', '服务对象满意度指标', '提高居民、驻区企业满意度', '提升', None, None, None, 34),
        ('满意度指标', '服务对象满意度指标', '提升经济服务满意度', '提升', None, None, None, 34),
        ('满意度指标', '服务对象满意度指标', '党员群众满意度', '党员群众满意度不少于80%', None, None, None, 34),
    ],
    '公共服务设施运行经费': [
        ('产出指标', '数量指标', '开展活动300场', '=300.00(场)', '=', '300.00', '场', 35),
        ('产出指标', '数量指标', '环境卫生及保安服务', '卫生整洁、内部安全有序', None, None, None, 35),
        ('产出指标', '质量指标', '居民参与率', '居民参与率不低于100%', None, None, None, 35),
        ('产出指标', '质量指标', '维修处理及时率', '维修响应速度快', None, None, None, 35),
        ('产出指标', '质量指标', '房屋质量', '房屋完好', None, None, None, 35),
        ('效益指标', '社会效益指标', '加强工作人员队伍建设', '是', None, None, None, 35),
        ('效益指标', '社会效益指标', '安全责任事故', '安全无事故', None, None, None, 35),
        ('满意度指标', '服务对象满意度指标', '居民满意度', '90%', '=', '90', '%', 35),
        ('满意度指标', '服务对象满意度指标', '工作人员满意度', '≥95.00(%)', '>=', '95.00', '%', 35),
    ],
}
