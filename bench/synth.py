"""A realistic synthetic corpus of budget disclosures, for benchmarks at scale.

    .venv/bin/python bench/synth.py N --out DIR [--seed S] [--check]
    .venv/bin/python bench/synth.py --harvest          # refresh synth_data/harvest.json from data/

Writes N documents in the text layout of data/hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt
(prose, tables as tab-separated lines) as
``DIR/synthetic_<seed>_<n:05d>_<unit-slug>_<year>_unit.txt``. Every document says on its first
line and in its title that it is synthetic (合成数据 SYNTHETIC — 非真实预算公开); nothing is ever
written into data/, so ``make run`` never ingests it.

Where the text comes from:

* units: real Hebei places (cities, districts, counties, development zones) and real office
  names, named as each level names them (synth_data/catalog.json); every unit has documents for
  a run of consecutive years in 2019–2025, and keeps most of its projects, wording, legal bases
  and figures from one year to the next;
* indicator rows, goals, legal bases, duties, measures and glossary: harvested from the real
  documents of data/ with budgetkg's own parser (synth_data/harvest.json, written by
  ``--harvest``); about half of all rows are verbatim copies from a shared boilerplate pool, the
  rest are variants (synonyms, reordered clauses, adverbs, the project's own topic) drawn from a
  finite seeded pool per project theme, so the number of distinct description texts grows slowly
  (embedding cost);
* legal bases: the real ones, document numbers with realistic issuer codes in every bracket style
  the basis recogniser knows, laws and regulations from graph/data/cn_laws.tsv, and internal
  decisions;
* money: Decimal with two places, and every sum the parser checks adds up (budget summary, 三公
  and its change on the previous year, 政府采购 rows and the projects' 成本指标, assets, 项目支出
  = Σ 成本指标), so every document parses without warnings and with every check passing.

Deterministic: the same N and seed give byte-identical files (only ``random.Random`` seeded from
the seed and a key; no global random state, no clock, no set iteration). Document n does not
depend on N, so a smaller corpus is a prefix of a larger one.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HERE = Path(__file__).resolve().parent / "synth_data"
HARVEST = HERE / "harvest.json"
CATALOG = HERE / "catalog.json"

MARKER = "（合成数据 SYNTHETIC — 非真实预算公开）"
MARKER_NOTE = "本文件为基准测试自动生成的合成数据（SYNTHETIC），单位、项目和金额均非真实预算公开内容。"
YEARS = (2019, 2025)
CENT = Decimal("0.01")

#: Share of indicator rows copied verbatim from the shared boilerplate pool.
SHARED_SHARE = 0.5
#: Variants per project theme and indicator slot (the bound on distinct wording).
VARIANTS = 20
#: Chance that a row's wording or value differs from the unit's previous year.
YEARLY_REDRAW = 0.15

# Words that make a harvested row specific to legal and political-legal work (政法 offices).
_LEGAL = re.compile(
    "政法|执法|治安|法律|法治|依法|法宣|普法|邪教|毒|矫正|调解|护路|铁路|见义勇为|综治|维护稳定|政治安全|"
    "社会稳定|案件|干警|行政复议|行政决策|合法性|法学会|视频监控|治理体系|戒毒|援助|犯罪|监管教育|治区|"
    "矛盾纠纷|社会治理"
)
# Harvested wording too tied to the place it comes from (a Shanghai street office) to move elsewhere.
_LOCAL = re.compile(
    "万里|街道|寒托|暑托|商会|业委会|统一战线|统战|人大|民兵|兵役|党员|书记|团员|团市委|驻区|楼委会|企业|营商|"
    "班级|15个|300场|小朋友|政治觉悟|质量月|节能减排|统计法制|区域化党建|社戒社康|社区服刑|特殊对象|特殊人员|"
    "特殊群体|十九大|实报实销|活禽|排档|片区|两新|创建|白领|法治开发区"
)
_KINDS = [
    ("build", re.compile("建设|平台|系统|工程|改造|设备|购置|电脑|视联网|信息化|装备|管网|加固|修复")),
    ("training", re.compile("培训|考试|学习|年检|培育|继续教育")),
    ("publicity", re.compile("宣传|普法|印制|法宣|推广|放映|送戏")),
    ("subsidy", re.compile("补助|补贴|资助|救助|保险|基金|抚恤|津贴|助学金|奖励|贴息|保障资金|帮扶")),
    ("service", re.compile("服务费|运维|运行维护|物业|顾问|测评|评价|鉴定|检定|监测|抽检|普查|调查")),
]
_SUFFIXES = ("专项经费", "工作经费", "专项资金", "补助资金", "运行维护费", "运维费", "维护费", "服务费", "经费",
             "资金", "补助", "补贴", "基金", "工作", "项目")
_QUALIFIER = re.compile(r"（[^（）]*）$")


def kind_of(name: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(name):
            return kind
    return "work"


def topic_of(name: str) -> str:
    """What a project is about: its name without qualifier and money words.

    >>> topic_of("维护稳定工作专项经费"), topic_of("社区矫正工作经费（中央补助）"), topic_of("办公设备购置")
    ('维护稳定', '社区矫正', '办公设备购置')
    """
    topic = _QUALIFIER.sub("", name)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if topic.endswith(suffix) and len(topic) - len(suffix) >= 2:
                topic, changed = topic[: -len(suffix)], True
                break
    return topic


def money(value: Decimal) -> str:
    """Two decimals, as the budget tables print money."""
    return f"{value.quantize(CENT, ROUND_HALF_UP)}"


def short_money(value: Decimal) -> str:
    """Money as a 指标值 prints it: no trailing zeros (≤44.1 万元)."""
    text = f"{value.quantize(CENT, ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


class Rng(random.Random):
    """A ``random.Random`` seeded by the corpus seed and a key (str seeds hash with SHA-512, so
    the stream is the same in every process, whatever PYTHONHASHSEED is)."""

    def __init__(self, seed: int, *key: object):
        super().__init__("\x1f".join(map(str, (seed, *key))))

    def weighted(self, items: list, weights: list[float]):
        return self.choices(items, weights)[0]

    def chance(self, p: float) -> bool:
        return self.random() < p


# ---------------------------------------------------------------------------------------------
# Harvest: the real documents of data/ → synth_data/harvest.json
# ---------------------------------------------------------------------------------------------


def harvest(data: Path = DATA) -> dict:
    """Everything the generator takes from the real documents, read with budgetkg's parser."""
    from budgetkg.graph.parse import parse_document

    out: dict = {
        "_about": "Harvested from data/ by `bench/synth.py --harvest` with budgetkg's parser; do not edit by hand.",
        "sources": [], "projects": [], "duties": [], "sub_offices": [], "overall_goal": None, "areas": [],
        "measures": [], "glossary": [], "operating_purpose": None, "change_reasons": [], "intro": None,
        "procurement": [], "organization": [],
    }
    for path in sorted(data.iterdir()):
        if path.suffix.lower() not in (".txt", ".pdf"):
            continue
        doc = parse_document(path)
        out["sources"].append(path.name)
        for project in doc.projects:
            rows = []
            level1 = None
            for ind in project.indicators:
                level1 = ind.level1 or level1
                rows.append({
                    "level1": level1, "level2": ind.level2, "level3": (ind.level3 or "").strip('"“”'),
                    "description": ind.description, "value": ind.value.raw, "basis": ind.basis.raw,
                })
            out["projects"].append({"name": project.name, "goals": list(project.goals), "source": path.name,
                                    "rows": rows})
        if doc.source.format != "text":
            continue
        out["duties"] += [item.text for item in doc.duties]
        if doc.sub_offices:
            out["sub_offices"] += list(doc.sub_offices.names)
        out["overall_goal"] = out["overall_goal"] or doc.overall_goal
        out["areas"] += [
            {"title": area.title, "goals": [
                {"text": goal.text, "indicators": [{"name": i.name, "value": i.value.raw} for i in goal.indicators]}
                for goal in area.goals]}
            for area in doc.performance_areas
        ]
        out["measures"] += [{"title": item.title, "text": item.text} for item in doc.measures]
        out["glossary"] += [{"term": term.term, "definition": term.definition} for term in doc.glossary]
        out["operating_purpose"] = out["operating_purpose"] or doc.summary.operating_expenses_purpose
        if doc.summary.change and doc.summary.change.reason:
            out["change_reasons"].append(doc.summary.change.reason)
        out["procurement"] += [
            {"item": item.item, "catalog_code": item.catalog_code, "measure_unit": item.measure_unit,
             "project": item.project}
            for item in doc.procurement
        ]
        out["organization"] += [{"nature": row.nature, "level": row.level, "funding": row.funding}
                                for row in doc.organization]
        text = path.read_text(encoding="utf-8")
        intro = re.search(r"^(部门预算安排总体情况是指.+)$", text, re.MULTILINE)
        if intro and not out["intro"]:
            out["intro"] = intro[1].strip()
    return out


@lru_cache(maxsize=1)
def load_inputs() -> tuple[dict, dict]:
    with open(HARVEST, encoding="utf-8") as f:
        harvested = json.load(f)
    with open(CATALOG, encoding="utf-8") as f:
        catalog = json.load(f)
    return harvested, catalog


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


class Unit:
    """One budget unit: an office at a place, with the years it publishes."""

    __slots__ = ("city", "cover", "level", "name", "office", "place", "scale", "slug", "weight", "years")

    def __init__(self, name, cover, office, level, city, place, slug, weight):
        self.name, self.cover, self.office, self.level = name, cover, office, level
        self.city, self.place, self.slug, self.weight = city, place, slug, weight
        self.years: tuple[int, ...] = ()
        self.scale = 1.0


def _universe(catalog: dict) -> list[Unit]:
    """Every (place, office) unit the catalog can name, in catalog order."""
    units: list[Unit] = []
    province = catalog["province"]
    weights = catalog["level_weights"]
    places: list[tuple[str, dict | None, str, str, dict]] = [("province", None, province["name"], province["code"], {})]
    for city in catalog["cities"]:
        places.append(("city", city, city["name"], city["code"], {"city": city["name"]}))
        for i, district in enumerate(city["districts"], 1):
            places.append(("district", city, city["name"] + district, f"{city['code']}-d{i:02d}",
                           {"city": city["name"], "district": district}))
        for i, county in enumerate(city["counties"], 1):
            level = "county_city" if county.endswith("市") else "county"
            places.append((level, city, county, f"{city['code']}-c{i:02d}", {"city": city["name"], "county": county}))
        for i, zone in enumerate(city["zones"], 1):
            places.append(("zone", city, zone, f"{city['code']}-z{i:02d}", {"city": city["name"], "zone": zone}))
    for level, city, place, code, parts in places:
        pattern_level = "county" if level == "county_city" else level
        for office in catalog["offices"]:
            pattern = office["names"].get(pattern_level)
            if not pattern:
                continue
            fields = {"place": place, "zone": place, **parts}
            name = pattern.format(**fields)
            cover = office["cover"].format(unit=name, **fields)
            units.append(Unit(name, cover, office, level, city, place, f"{code}-{office['code']}",
                              weights["county" if level == "county_city" else level] * office["weight"]))
    return units


# ---------------------------------------------------------------------------------------------
# Wording: harvested rows, the shared pool, and per-theme variant pools
# ---------------------------------------------------------------------------------------------

SLOTS = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "社会效益指标": "效益指标", "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标",
}


class Wording:
    """Indicator wording: harvested rows generalised into templates, a shared pool of boilerplate
    rows copied verbatim, and a finite seeded pool of variants per (theme, slot)."""

    def __init__(self, seed: int, harvested: dict, catalog: dict):
        self.seed = seed
        self.catalog = catalog
        self.base: dict[str, list[dict]] = {level2: [] for level2 in SLOTS}
        counts: dict[tuple, int] = {}
        for project in harvested["projects"]:
            name = project["name"]
            topic = topic_of(name)
            kind = kind_of(name)
            for row in project["rows"]:
                level2 = row["level2"]
                if level2 not in SLOTS:
                    continue
                l3, desc = row["level3"] or "", row["description"] or ""
                if not l3 or _LOCAL.search(l3 + desc + (row["value"] or "")):
                    continue
                l3 = l3.replace("开发区", "全区").rstrip("；;")
                desc = desc.replace("开发区", "全区").rstrip("。")
                templated = False
                for word, slot in ((name, "{name}"), (topic, "{topic}")):
                    if len(word) >= 4 and (word in l3 or word in desc):
                        l3, desc = l3.replace(word, slot), desc.replace(word, slot)
                        templated = True
                key = (level2, l3, desc)
                counts[key] = counts.get(key, 0) + 1
                if counts[key] > 1:
                    continue
                legal = bool(_LEGAL.search(l3.replace("{topic}", "") + desc.replace("{topic}", "")))
                self.base[level2].append({
                    "l3": l3, "desc": desc, "value": row["value"] or "", "kind": kind, "legal": legal,
                    "templated": templated, "source": _bigrams(name),
                })
        for level2, rows in self.base.items():
            for row in rows:
                row["count"] = counts[(level2, row["l3"], row["desc"])]
        # Boilerplate: harvested rows that name no project, by family.
        self.shared: dict[tuple[str, str], list[dict]] = {}
        for level2, rows in self.base.items():
            for family in ("legal", "general"):
                pool = [r for r in rows if not r["templated"] and r["desc"] and (family == "legal" or not r["legal"])]
                self.shared[(level2, family)] = pool
        self.shared_keys = {(level2, r["l3"], r["desc"]) for (level2, _), pool in self.shared.items() for r in pool}
        self.purposes = self._purposes(harvested)
        self._synonyms = [group for group in catalog["synonyms"]]
        alternatives = sorted({w for g in self._synonyms for w in g}, key=lambda w: (-len(w), w))
        self._synonym_re = re.compile("|".join(map(re.escape, alternatives)))
        self._group_of = {w: g for g in self._synonyms for w in g}
        self._verbs_re = re.compile("|".join(catalog["verbs"]))
        self._adverbs = catalog["adverbs"]
        self._pools: dict[tuple, list[tuple[str, str, str]]] = {}

    @staticmethod
    def _purposes(harvested: dict) -> list[str]:
        """Purpose clauses (确保…, 提高…) cut from the real measures and goals."""
        texts = [m["text"] for m in harvested["measures"]] + [g for p in harvested["projects"] for g in p["goals"]]
        found: list[str] = []
        for text in texts:
            for piece in re.split("[，,；;。]", text):
                piece = piece.strip()
                if (5 <= len(piece) <= 16 and re.match("提高|确保|保证|促进|维护|推进|加强|形成|实现|提升", piece)
                        and piece not in found and not _LEGAL.search(piece)):
                    found.append(piece)
        return found

    # -- pools ------------------------------------------------------------------------------------
    def shared_pool(self, theme: str, family: str, kind: str, level2: str) -> tuple[list[dict], list[float]]:
        key = ("shared", theme, family, level2)
        cached = self._pools.get(key)
        if cached is None:
            pool = self.shared[(level2, family)] or self.shared[(level2, "legal")]
            weights = [(r["count"] + 1.0) * (3.0 if r["kind"] == kind else 1.0) * _affinity(theme, r) for r in pool]
            cached = self._pools[key] = (pool, weights)
        return cached

    def themed_pool(self, theme: str, family: str, kind: str, level2: str, index: int) -> list[tuple[str, str, str]]:
        """``VARIANTS`` (三级指标, 描述, 指标值) variants for one slot of one theme, none of them a
        shared-pool row; the same for every unit and year (seeded by the theme)."""
        key = (theme, family, level2, index)
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        rng = Rng(self.seed, "pool", *key)
        topic = topic_of(theme)
        candidates = [r for r in self.base[level2] if family == "legal" or not r["legal"]] or self.base[level2]
        weights = [(3.0 if r["templated"] else 1.0) * (3.0 if r["kind"] == kind else 1.0) * _affinity(theme, r)
                   for r in candidates]
        pool = []
        seen: set[tuple[str, str]] = set()
        for _ in range(VARIANTS * 6):
            if len(pool) == VARIANTS:
                break
            base = rng.weighted(candidates, weights)
            l3, desc = self._variant(rng, base, theme, topic, level2)
            if not l3 or not desc or (l3, desc) in seen or (level2, l3, desc) in self.shared_keys:
                continue
            seen.add((l3, desc))
            pool.append((l3, desc, base["value"]))
        self._pools[key] = pool
        return pool

    def _variant(self, rng: Rng, base: dict, name: str, topic: str, level2: str) -> tuple[str, str]:
        frames = self.catalog
        l3 = base["l3"].replace("{name}", name).replace("{topic}", topic)
        desc = base["desc"].replace("{name}", name).replace("{topic}", topic)
        if level2 == "成本指标" and rng.chance(0.6):
            desc = rng.choice(frames["name_frames"]).format(name=_QUALIFIER.sub("", name), topic=topic)
        if rng.chance(0.45):
            l3 = self._synonym(rng, l3)
        elif not base["templated"] and len(l3) <= 6 and rng.chance(0.4):
            l3 = rng.choice(frames["l3_frames"]).format(topic=topic, l3=l3)
        if not desc:
            desc = rng.choice(frames["description_frames"]).format(l3=l3)
        operations = [self._synonym, self._adverb, self._reorder, self._topic, self._purpose]
        op_weights = [0.35, 0.15, 0.1, 0.25 if not base["templated"] else 0.05, 0.15]
        for _ in range(rng.randint(1, 3)):
            op = rng.weighted(operations, op_weights)
            desc = op(rng, desc, topic) if op in (self._topic,) else op(rng, desc)
        return l3, desc

    def _synonym(self, rng: Rng, text: str) -> str:
        def swap(match: re.Match) -> str:
            word = match[0]
            if rng.chance(0.5):
                return word
            others = [w for w in self._group_of[word] if w != word]
            return rng.choice(others)
        return self._synonym_re.sub(swap, text)

    def _adverb(self, rng: Rng, text: str) -> str:
        if any(a in text for a in self._adverbs):
            return text
        match = self._verbs_re.search(text)
        if not match:
            return text
        return text[: match.start()] + rng.choice(self._adverbs) + text[match.start():]

    @staticmethod
    def _reorder(rng: Rng, text: str) -> str:
        for sep in ("，", "；", "、"):
            parts = text.split(sep)
            if 2 <= len(parts) <= 4 and all(len(p) >= 2 for p in parts):
                return sep.join(parts[::-1])
        return text

    def _topic(self, rng: Rng, text: str, topic: str) -> str:
        if topic in text:
            return text
        return rng.choice(self.catalog["topic_frames"]).format(topic=topic, text=text)

    def _purpose(self, rng: Rng, text: str) -> str:
        if "，" in text and len(text) > 24:
            return text
        return f"{text}，{rng.choice(self.purposes)}"


def _bigrams(text: str) -> frozenset[str]:
    text = _QUALIFIER.sub("", text)
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _affinity(theme: str, row: dict) -> float:
    """How well a harvested row fits a project theme: rows specific to political-legal work (护路,
    禁毒, 调解…) go mostly to themes whose names share words with the row's own project."""
    if not row["legal"] or row["templated"]:
        return 1.0
    mine = _bigrams(theme)
    overlap = len(mine & row["source"]) / max(1, len(mine))
    return 0.25 + 4.0 * overlap


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

_VALUE = re.compile(r"^(?P<op>≥|≤|=|>|<|＞|＜)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|[(（].{1,4}[)）]|[^\d\s]{1,3})?$")
_SCALES = {
    "%": ([80, 85, 90, 92, 95, 96, 98, 100], (-2, -1, 0, 0, 1, 2)),
    "度": ([80, 85, 90, 95], (-1, 0, 0, 1)),
    "天": ([1, 2, 3, 5, 7, 10, 15, 30, 60, 90, 180, 240, 365], (-1, 0, 1, 2, 3)),
    "": ([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 50, 100, 200], (-1, 0, 1, 2, 3)),
}


@cache
def _parse_target(raw: str) -> tuple[str, str, list[int], tuple[int, ...], int] | None:
    """(op, unit, scale, steps, index of the nearest scale value) of a numeric target, else None."""
    match = _VALUE.match(raw.strip())
    if not match:
        return None
    op = match["op"] or "≥"
    unit = (match["unit"] or "").strip("()（）")
    number = float(match["num"])
    if not unit and number > 50:
        unit = "%"
    scale, steps = _SCALES.get(unit, _SCALES[""])
    index = min(range(len(scale)), key=lambda i: abs(scale[i] - number))
    return op, unit, scale, steps, index


def vary_value(raw: str, u: float, spaced: bool) -> str:
    """Another target like ``raw``, chosen by ``u`` in [0, 1): ≥90% → ≥85% or ≥95%, ≥1 次 → ≥3次;
    free text is kept."""
    parsed = _parse_target(raw)
    if parsed is None:
        return raw
    op, unit, scale, steps, index = parsed
    x = u * len(steps)
    step = steps[int(x)]
    choice = scale[max(0, min(len(scale) - 1, index + step))]
    if unit == "%":
        return "=100%" if choice == 100 and x % 1 < 0.6 else f"{op}{choice}%"
    gap = " " if spaced else ""
    return f"{op}{choice}{gap}{unit}"


# ---------------------------------------------------------------------------------------------
# Legal bases
# ---------------------------------------------------------------------------------------------

_LOCAL_BASIS = re.compile("秦皇岛|秦开|秦办|秦发|管委|开发区|区政法委|区公安分局")


class Bases:
    """指标值确定依据 texts: real ones harvested from data/, and generated ones; each comes with the
    canonical forms of the document numbers it cites, so a test can check they are recognised."""

    def __init__(self, seed: int, harvested: dict, catalog: dict):
        self.seed, self.catalog = seed, catalog
        real: list[str] = []
        for project in harvested["projects"]:
            for row in project["rows"]:
                if row["basis"] and row["basis"] not in real:
                    real.append(row["basis"])
        self.real_local = [b for b in real if _LOCAL_BASIS.search(b)]
        self.real_any = [b for b in real if not _LOCAL_BASIS.search(b)]

    def for_project(self, rng: Rng, unit: Unit, office: dict, family: str, topic: str, first_year: int) -> tuple[str, tuple[str, ...]]:
        catalog = self.catalog
        level = unit.level
        decisions = catalog["decisions"]["county" if level == "county_city" else level]
        roll = rng.random()
        if roll < 0.22 and family == "legal":
            pool = self.real_any + (self.real_local if unit.city and unit.city["name"] == "秦皇岛市" else [])
            if level != "zone":
                pool = [b for b in pool if "管委" not in b]
            return rng.choice(pool), ()
        if roll < 0.62:
            return self.document_number(rng, unit, office, topic, first_year)
        if roll < 0.77 and office["laws"]:
            return self.law(rng, office, decisions), ()
        if roll < 0.85 and office["regulations"]:
            title = rng.choice(office["regulations"])
            form = rng.choice(["《{t}》", "根据《{t}》", "按照《{t}》有关规定", "《{t}》规定"])
            return form.format(t=title), ()
        if roll < 0.95:
            return rng.choice(decisions), ()
        text, canon = self.document_number(rng, unit, office, topic, first_year)
        return f"{rng.choice(decisions)}，{text}", canon

    def law(self, rng: Rng, office: dict, decisions: list[str]) -> str:
        law = rng.choice(office["laws"])
        title = law if rng.chance(0.7) else "中华人民共和国" + law
        form = rng.choice(["《{t}》", "按照《{t}》规定", "依据《{t}》", "《{t}》相关规定", "{d}，按照《{t}》规定，每年不少于 {n} 万元"])
        return form.format(t=title, d=rng.choice(decisions), n=rng.choice((2, 5, 10, 15, 20, 30)))

    def document_number(self, rng: Rng, unit: Unit, office: dict, topic: str, first_year: int) -> tuple[str, tuple[str, ...]]:
        catalog = self.catalog
        roll = rng.random()
        city = unit.city
        if roll < 0.4 or city is None and roll < 0.8:
            code = rng.choice(office["codes"])
        elif roll < 0.65 and city is not None:
            code = city["abbr"] + rng.choice(office["city_codes"])
        elif roll < 0.85 or city is None:
            code = rng.choice(catalog["generic_codes"])
        elif roll < 0.95:
            code = city["abbr"] + rng.choice(catalog["generic_city_codes"])
        else:
            code = rng.choice(catalog["national_codes"])
        year = rng.randint(max(2005, first_year - 10), first_year)
        number = min(int(rng.paretovariate(1.1) * 3), 199)
        canonical = f"{code}〔{year}〕{number}号"
        opening, closing = rng.weighted(catalog["brackets"], [6, 5, 3, 2, 2, 1, 1, 1])
        gap = " " if rng.chance(0.2) else ""
        core = f"{code}{opening}{year}{closing}{number}{gap}号"
        if code.endswith(("字", "发", "办")) and rng.chance(0.1):
            core = f"{code}{year}第{number}号"
        elif rng.chance(0.08):
            core = f"{code}{opening}{year}{closing}第{number}号"
        place = city["name"] if city else "河北省"
        title = rng.choice(catalog["notice_titles"]).format(city=place, topic=topic, year=year)
        issuers = catalog["issuers"]["province" if code.startswith("冀") else "city"]
        form = rng.random()
        if form < 0.3:
            text = core
        elif form < 0.5:
            text = core + rng.choice(["文件要求", "文件", "文件精神"])
        elif form < 0.62:
            text = rng.choice(["根据", "按照", "依据"]) + core + rng.choice(["文件要求", "文件精神", "文件规定", ""])
        elif form < 0.77:
            text = f"{core}文件要求：{title}"
        elif form < 0.87:
            text = f"{title}（{code}〔{year}〕{number}号）"
        elif form < 0.94 and code[1:] in ("发", "政发", "办发", "办字", "政办字", "政办发") and (
                code.startswith("冀") or city is not None and code.startswith(city["abbr"])):
            text = f"{rng.choice(issuers)}{core}文件要求"
        else:
            text = f"{core}文件要求：每年不少于{rng.choice((2, 5, 10, 20))}万元"
        return text, (canonical,)


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

_SCALE_BY_OFFICE = {"gonganju": 3.0, "jiaoyuju": 3.0, "weijianju": 2.0, "minzhengju": 2.0, "fayuan": 1.5,
                    "jianchayuan": 1.2, "renshe": 1.5, "nongyeju": 1.5, "zhujianju": 1.5}


class Corpus:
    """Synthetic documents for one seed: ``document(n)`` is the same whatever N is."""

    def __init__(self, seed: int):
        self.seed = seed
        harvested, catalog = load_inputs()
        self.harvested, self.catalog = harvested, catalog
        self.wording = Wording(seed, harvested, catalog)
        self.bases = Bases(seed, harvested, catalog)
        self.units = self._ordered_units()
        self._profiles: dict[str, dict] = {}
        self.harvested_names = [p["name"] for p in harvested["projects"] if p["source"].endswith(".txt")]
        self.goals_by_kind: dict[str, list[str]] = {}
        for project in harvested["projects"]:
            goals = [g for g in project["goals"] if 4 <= len(g) <= 80]
            self.goals_by_kind.setdefault(kind_of(project["name"]), []).extend(goals)
            self.goals_by_kind.setdefault("*", []).extend(goals)
        self.goals_by_kind = {k: list(dict.fromkeys(g for g in v if not _LOCAL.search(g)))
                              for k, v in self.goals_by_kind.items()}
        self.general_goals = [g for g in self.goals_by_kind["*"] if not _LEGAL.search(g)]
        self.purchase_items = [
            {**item, "kinds": ["build", "service"] if item["measure_unit"] in ("套", "服务") else ["build"]}
            for item in harvested["procurement"]
        ] + catalog["purchase_items"]

    # -- which documents ---------------------------------------------------------------------------
    def _ordered_units(self) -> list[Unit]:
        """All units, in a seeded weighted order (Efraimidis–Spirakis keys), each with its years."""
        rng = Rng(self.seed, "units")
        units = _universe(self.catalog)
        keyed = sorted(((rng.random() ** (1.0 / unit.weight), i) for i, unit in enumerate(units)), reverse=True)
        ordered = [units[i] for _, i in keyed]
        first, last = YEARS
        for unit in ordered:
            r = Rng(self.seed, "years", unit.slug)
            length = r.weighted([1, 2, 3, 4, 5, 6, 7], [4, 10, 20, 24, 20, 13, 9])
            start = r.randint(first, last - length + 1)
            unit.years = tuple(range(start, start + length))
            unit.scale = self.catalog["budget_scale"][unit.level] * _SCALE_BY_OFFICE.get(unit.office["code"], 1.0)
        return ordered

    def documents(self, count: int):
        """(n, unit, year) of the first ``count`` documents: units in order, each for its years."""
        n = 0
        for unit in self.units:
            self._profiles.clear()  # a unit's documents are consecutive: keep one profile in memory
            for year in unit.years:
                if n == count:
                    return
                yield n, unit, year
                n += 1
        if n < count:
            raise SystemExit(f"synth: at most {n} documents can be generated (units × years), not {count}")

    # -- a unit's stable profile ------------------------------------------------------------------
    def profile(self, unit: Unit) -> dict:
        profile = self._profiles.get(unit.slug)
        if profile is None:
            profile = self._profiles[unit.slug] = self._make_profile(unit)
        return profile

    def _make_profile(self, unit: Unit) -> dict:
        rng = Rng(self.seed, "profile", unit.slug)
        office = unit.office
        own = list(office["projects"])
        if office.get("harvested"):
            own = [n for n in self.harvested_names if unit.level == "zone" or "开发区" not in n] + own
        own = list(dict.fromkeys(own))
        generic = [n for n in self.catalog["generic_projects"] if n not in own]
        size = max(5, min(40, round(rng.gauss(21 if unit.level not in ("province", "city") else 26, 8))))
        names: list[str] = []
        candidates = own + generic
        weights = [3.0] * len(own) + [1.0] * len(generic)
        while candidates and len(names) < size:
            i = candidates.index(rng.weighted(candidates, weights))
            names.append(candidates.pop(i))
            weights.pop(i)
        qualifiers = self.catalog["project_qualifiers"]
        while len(names) < size:  # more projects than names: split some by funding source or phase
            base = rng.choice(own)
            name = base + rng.choice(qualifiers)
            if name not in names:
                names.append(name)
        first_year = unit.years[0]
        projects = []
        for i, name in enumerate(names):
            base_name = _QUALIFIER.sub("", name)
            family = office["family"] if base_name in own else "general"
            kind = kind_of(base_name)
            topic = topic_of(base_name)
            start = first_year - 5
            end = YEARS[1] + 5
            if i >= 5 and rng.chance(0.2):
                start = rng.randint(first_year, YEARS[1])
            if i >= 5 and rng.chance(0.15):
                end = rng.randint(max(start, first_year), YEARS[1])
            scale = unit.scale * {"build": 2.0, "subsidy": 3.0}.get(kind, 1.0)
            cost = Decimal(str(round(math.exp(rng.uniform(math.log(0.6), math.log(90))) * scale, 2)))
            style = rng.weighted([0, 1, 2], [3, 3, 4])  # decimals the unit prints this project's cost with
            plan = self._plan(rng)
            basis, canon = self.bases.for_project(rng, unit, office, family, topic, first_year)
            goals_pool = self.goals_by_kind.get(kind, []) if family == "legal" else self.general_goals
            goals_pool = goals_pool or self.goals_by_kind["*"]
            goals = self._goals(rng, goals_pool, topic)
            projects.append({
                "name": name, "theme": base_name, "family": family, "kind": kind, "topic": topic,
                "start": start, "end": end, "cost": max(cost, Decimal("0.3")), "style": style, "plan": plan,
                "basis": basis, "canonicals": canon, "goals": goals, "title_suffix": rng.weighted(
                    ["绩效目标表", "项目绩效目标表", "绩效目标申报表"], [8, 1.5, 0.5]),
                "procure": kind in ("build", "service") and rng.chance(0.45),
                "drift": [Decimal(str(round(rng.uniform(0.82, 1.22), 3))) for _ in range(YEARS[1] - YEARS[0] + 2)],
                "header_first": rng.chance(0.1),
            })
        vehicles = rng.randint(0, 3) + (rng.randint(2, 10) if office["code"] == "gonganju" else 0)
        return {
            "projects": projects, "vehicles": vehicles, "spaced": rng.chance(0.5),
            "personnel": Decimal(str(round(rng.uniform(120, 800) * unit.scale, 2))),
            "public_share": rng.uniform(0.12, 0.32), "abroad": unit.level in ("province", "city") and rng.chance(0.25),
            "other_income": rng.chance(0.15), "floor_area": rng.randint(80, 2500),
            "sub_offices": self._sub_offices(rng, office), "duties": self._duties(rng, unit),
            "measures": sorted(rng.sample(range(len(self.harvested["measures"])), rng.randint(4, len(self.harvested["measures"])))),
            "glossary": rng.randint(6, len(self.harvested["glossary"])),
        }

    def _plan(self, rng: Rng) -> list[dict]:
        slots = ["数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"]
        if rng.chance(0.25):
            slots.insert(1, "数量指标")
        if rng.chance(0.15):
            slots.insert(slots.index("质量指标") + 1, "质量指标")
        if rng.chance(0.3):
            slots.insert(slots.index("社会效益指标") + 1, "可持续影响指标")
        if rng.chance(0.06):
            slots.insert(slots.index("成本指标") + 1, "成本指标")
        plan = []
        seen: dict[str, int] = {}
        for level2 in slots:
            index = seen.get(level2, 0)
            seen[level2] = index + 1
            plan.append({"level2": level2, "index": index, "shared": rng.chance(SHARED_SHARE),
                         "pick": rng.random(), "u": rng.random()})
        return plan

    def _goals(self, rng: Rng, pool: list[str], topic: str) -> list[str]:
        goals = rng.sample(pool, min(len(pool), rng.weighted([1, 2, 3], [3, 6, 1])))
        frame = rng.choice(self.catalog["goal_frames"]).format(topic=topic)
        if rng.chance(0.3):
            goals[0] = frame
        elif rng.chance(0.4):
            goals.insert(0, f"{frame}，{rng.choice(self.wording.purposes)}")
        return [g.rstrip("。") for g in goals[:3]]

    def _sub_offices(self, rng: Rng, office: dict) -> list[str]:
        names = office["sub_offices"]
        return ["办公室"] + rng.sample(names[1:], rng.randint(min(3, len(names) - 1), len(names) - 1))

    def _duties(self, rng: Rng, unit: Unit) -> list[str]:
        office = unit.office
        if office.get("harvested"):
            return list(self.harvested["duties"])
        catalog = self.catalog
        words = {"domain": office["domain"], "scope": catalog["scopes"][unit.level],
                 "party": catalog["party"][unit.level], "government": catalog["government"][unit.level]}
        templates = catalog["duty_templates"]
        chosen = [t for t in templates[:-1] if rng.chance(0.75)] + [templates[-1]]
        return [t.format(**words) for t in chosen]

    # -- one year's figures -----------------------------------------------------------------------
    def projects_in(self, unit: Unit, year: int) -> list[dict]:
        return [p for p in self.profile(unit)["projects"] if p["start"] <= year <= p["end"]]

    def cost(self, unit: Unit, project: dict, year: int) -> Decimal:
        value = project["cost"] * project["drift"][year - YEARS[0] + 1]
        step = Decimal(1).scaleb(-project["style"])
        return max(value.quantize(step, ROUND_HALF_UP), step)

    def figures(self, unit: Unit, year: int) -> dict:
        profile = self.profile(unit)
        rng = Rng(self.seed, "figures", unit.slug, year)
        growth = Decimal(str(round((1 + 0.035 * (year - YEARS[0])) * rng.uniform(0.96, 1.05), 4)))
        personnel = (profile["personnel"] * growth).quantize(CENT)
        public = (personnel * Decimal(str(round(profile["public_share"] * rng.uniform(0.9, 1.1), 4)))).quantize(CENT)
        projects = sum((self.cost(unit, p, year) for p in self.projects_in(unit, year)), Decimal(0))
        basic = personnel + public
        total = basic + projects
        other = (total * Decimal(str(round(rng.uniform(0.01, 0.08), 3)))).quantize(CENT) if profile["other_income"] else Decimal(0)
        return {"personnel": personnel, "public": public, "basic": basic, "projects": projects.quantize(CENT),
                "total": total.quantize(CENT), "fiscal": (total - other).quantize(CENT), "other": other,
                "sangong": self.sangong(unit, year)}

    def sangong(self, unit: Unit, year: int) -> dict:
        profile = self.profile(unit)
        rng = Rng(self.seed, "sangong", unit.slug, year)
        vehicles = profile["vehicles"]
        operation = Decimal(str(round(vehicles * rng.uniform(1.4, 4.2), 2)))
        purchase = Decimal(str(round(rng.uniform(12, 28), 2))) if vehicles and rng.chance(0.08) else Decimal(0)
        reception = Decimal(str(round(rng.uniform(0.05, 2.5) * min(unit.scale, 6), 2)))
        abroad = Decimal(str(round(rng.uniform(3, 18), 2))) if profile["abroad"] and rng.chance(0.6) else Decimal(0)
        vehicle = purchase + operation
        return {"abroad": abroad, "purchase": purchase, "operation": operation, "vehicle": vehicle,
                "reception": reception, "total": abroad + vehicle + reception}

    # -- rows -------------------------------------------------------------------------------------
    def rows(self, unit: Unit, project: dict, year: int, cost: Decimal) -> list[tuple[str, str, str, str, str]]:
        """(一级, 二级, 三级, 描述, 指标值) of one project's table in one year."""
        wording = self.wording
        spaced = self.profile(unit)["spaced"]
        rng = Rng(self.seed, "rows", unit.slug, project["name"], year)
        cost_slots = [s for s in project["plan"] if s["level2"] == "成本指标"]
        costs = self._split(cost, len(cost_slots), project["style"])
        out = []
        used: set[tuple[str, str]] = set()
        for slot in project["plan"]:
            level2 = slot["level2"]
            pick = slot["pick"] if not rng.chance(YEARLY_REDRAW) else rng.random()
            if slot["shared"]:
                pool, weights = wording.shared_pool(project["theme"], project["family"], project["kind"], level2)
                rows = [(r["l3"], r["desc"], r["value"]) for r in pool]
                i = _weighted_index(weights, pick)
            else:
                rows = wording.themed_pool(project["theme"], project["family"], project["kind"], level2, slot["index"])
                i = _zipf_index(len(rows), pick)
            for step in range(len(rows)):  # a table does not repeat a row
                l3, desc, value = rows[(i + step) % len(rows)]
                if (l3, desc) not in used:
                    break
            used.add((l3, desc))
            if level2 == "成本指标":
                value = self._cost_value(slot["u"], costs.pop(0), spaced)
            else:
                value = vary_value(value, rng.random() if rng.chance(YEARLY_REDRAW * 2) else slot["u"], spaced)
            out.append((SLOTS[level2], level2, l3, desc, value))
        return out

    @staticmethod
    def _split(cost: Decimal, parts: int, style: int) -> list[Decimal]:
        if parts <= 1:
            return [cost]
        step = Decimal(1).scaleb(-max(style, 2))
        first = (cost * Decimal("0.6")).quantize(step, ROUND_DOWN)
        return [first, cost - first]

    @staticmethod
    def _cost_value(roll: float, amount: Decimal, spaced: bool) -> str:
        gap = " " if spaced else ""
        if roll < 0.1 and amount < 100:
            return f"≤{int(amount * 10000)}{gap}元"
        if roll < 0.2:
            return f"{short_money(amount)}万元"
        return f"≤{short_money(amount)}{gap}万元"

    # -- the document -----------------------------------------------------------------------------
    def document(self, n: int, unit: Unit, year: int) -> tuple[str, str, dict]:
        """(file name, text, stats) of document ``n``."""
        text, stats = Renderer(self, unit, year).render()
        return f"synthetic_{self.seed}_{n:05d}_{unit.slug}_{year}_unit.txt", text, stats


def _weighted_index(weights: list[float], u: float) -> int:
    total = sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if u * total < acc:
            return i
    return len(weights) - 1


@cache
def _zipf_weights(size: int) -> list[float]:
    return [1.0 / (i + 1) for i in range(size)]


def _zipf_index(size: int, u: float) -> int:
    """Variants are not equally popular: the first of a pool is chosen most often."""
    return _weighted_index(_zipf_weights(size), u)


class Renderer:
    """One document's text, section by section, in the Hebei layout."""

    def __init__(self, corpus: Corpus, unit: Unit, year: int):
        self.c, self.unit, self.year = corpus, unit, year
        self.profile = corpus.profile(unit)
        self.rng = Rng(corpus.seed, "doc", unit.slug, year)
        catalog = corpus.catalog
        self.scope = catalog["scopes"][unit.level]
        self.lines: list[str] = []
        self.stats = {"projects": 0, "rows": 0, "descriptions": [], "names": [], "bases": []}

    def sub(self, text: str) -> str:
        return text.replace("全区", self.scope) if self.scope != "全区" else text

    def out(self, *lines: str) -> None:
        self.lines.extend(lines)

    def render(self) -> tuple[str, dict]:
        c, unit, year, rng = self.c, self.unit, self.year, self.rng
        figures = c.figures(unit, year)
        previous = c.figures(unit, year - 1)
        projects = c.projects_in(unit, year)
        costs = [c.cost(unit, p, year) for p in projects]
        spaced_year = f"{year} 年" if rng.chance(0.6) else f"{year}年"
        self.out(MARKER, "", "", unit.cover, f"{spaced_year}单位预算公开{MARKER}", "",
                 f"{cn_year(year)}年{rng.choice('一二三')}月", "")
        self.contents(spaced_year)
        self.out(f"{unit.name} {spaced_year}单位预算信息公开情况说明", "")
        self.duties()
        self.summary(figures, previous, projects)
        self.sangong(figures["sangong"], previous["sangong"])
        self.procurement(projects, costs)
        self.assets(figures)
        self.glossary()
        self.out("八、其他需要说明的事项", "", MARKER_NOTE, "")
        self.performance(projects, costs, spaced_year)
        return "\n".join(self.lines) + "\n", self.stats

    def contents(self, spaced_year: str) -> None:
        self.out(f"{spaced_year}单位预算信息公开目录", "", f"一、{spaced_year}单位预算公开表", "")
        tables = ["单位预算收支总表", "单位预算收入总表", "单位预算支出总表", "单位预算财政拨款收支总表",
                  "单位预算一般公共预算财政拨款支出表", "单位预算一般公共预算财政拨款基本支出表",
                  "单位预算政府基金预算财政拨款支出表", "单位预算国有资本经营预算财政拨款支出表",
                  "单位预算财政拨款“三公”经费支出表"]
        self.out(*[f"{i}. {t}" for i, t in enumerate(tables, 1)], "")
        self.out(f"二、{spaced_year}单位预算信息公开情况说明", "")
        parts = ["单位职责及机构设置情况", "单位预算安排的总体情况", "机关运行经费安排情况",
                 "财政拨款“三公”经费预算情况及增减变化原因", "政府采购预算情况", "国有资产信息情况", "名词解释",
                 "其他需要说明的事项"]
        self.out(*[f"{i}. {t}" for i, t in enumerate(parts, 1)], "")
        self.out(f"三、{spaced_year}单位预算绩效信息", "")

    def duties(self) -> None:
        unit, profile, catalog = self.unit, self.profile, self.c.catalog
        self.out("一、单位职责及机构设置情况", "", "1. 部门职责：", "")
        for i, duty in enumerate(profile["duties"], 1):
            self.out(f"({i}) {self.sub(duty)}", "")
        offices = profile["sub_offices"]
        self.out(f"{unit.name}下设 {len(offices)} 个科室，包括：{'、'.join(offices)}。", "")
        self.out("2. 机构设置：", "", "单位机构设置情况", "", "单位名称\t单位性质\t单位规格\t经费保障形式",
                 f"{unit.name}(本级)\t行政\t{catalog['org_levels'][unit.level]}\t财政拨款", "")

    def summary(self, f: dict, previous: dict, projects: list[dict]) -> None:
        year, rng = self.year, self.rng
        self.out("二、部门预算安排的总体情况", "", self.c.harvested["intro"], "", "1、收入说明", "")
        income = f"{year}年单位预算收入为{money(f['total'])}万元，其中：财政拨款收入{money(f['fiscal'])}万元"
        if f["other"]:
            income += f"，其他收入{money(f['other'])}万元"
        self.out(income + "。", "", "2、支出说明", "")
        self.out(f"{year}年单位预算支出为{money(f['total'])}万元，其中：基本支出{money(f['basic'])}万元，"
                 f"包括人员经费{money(f['personnel'])}万元和日常公用经费{money(f['public'])}万元；"
                 f"项目支出{money(f['projects'])}万元。", "", "3、比上年增减情况", "")
        total = f["total"] - previous["total"]
        basic = f["basic"] - previous["basic"]
        project = total - basic
        names = [p["name"] for p in projects] or ["专项业务"]
        reasons = self.c.catalog["change_reasons_up" if total >= 0 else "change_reasons_down"]
        reason = rng.choice(reasons).format(project=rng.choice(names), year=year)
        self.out(f"{year}年单位预算较{year - 1}年{_delta(total)}，其中：基本支出{_delta(basic)}、"
                 f"项目支出{_delta(project)}，主要原因是{reason}。", "")
        purpose = self.c.harvested["operating_purpose"]
        self.out("三、机关运行经费安排情况", "", f"机关运行经费共计安排{money(f['public'])}万元，主要用于{purpose}。", "")

    def sangong(self, now: dict, before: dict) -> None:
        year = self.year
        self.out("四、财政拨款“三公”经费预算情况及增减变化原因", "")
        self.out(
            f"本单位{year}年“三公经费”预算总额为{money(now['total'])}万元，其中：因公出国（境）费{money0(now['abroad'])}万元；"
            f"公务用车购置及运维费{money0(now['vehicle'])}万元，其中公务用车购置费{money0(now['purchase'])}万元，"
            f"公务用车运行维护费{money0(now['operation'])}万元；公务接待{money0(now['reception'])}万元。"
            f"{year - 1}年“三公经费”为{money0(before['total'])}万元，其中：因公出国（境）费{money0(before['abroad'])}万元；"
            f"公务用车购置及运维费{money0(before['vehicle'])}万元；公务接待{money0(before['reception'])}万元。", "")
        change = {k: now[k] - before[k] for k in now}
        if change["total"] == 0:
            self.out(f"与{year - 1}年相比，{year}年“三公经费”预算持平。", "")
            return
        self.out(
            f"与{year - 1}年相比，{year}年“三公经费”{_delta(change['total'], '了')}，其中：因公出国（境）费"
            f"{_delta(change['abroad'], '了')}，公务用车购置及运维费中的公务用车购置费{_delta(change['purchase'], '了')}，"
            f"公务用车购置及运维费{_delta(change['vehicle'], '了')}，公务接待费{_delta(change['reception'], '了')}。", "")

    def procurement(self, projects: list[dict], costs: list[Decimal]) -> None:
        rng, unit = self.rng, self.unit
        self.out("五、政府采购预算情况", "")
        rows = []
        for project, cost in zip(projects, costs):
            if not project["procure"] or cost < 1 or len(rows) == 5:
                continue
            r = Rng(self.c.seed, "procure", unit.slug, project["name"])
            items = [i for i in self.c.purchase_items if project["kind"] in i["kinds"]] or self.c.purchase_items
            item = r.choice(items)
            if item["measure_unit"] in ("台",) and cost >= 2:
                quantity = r.randint(1, 20)
                price = (cost * Decimal(str(round(r.uniform(0.6, 1.0), 2))) / quantity).quantize(CENT, ROUND_DOWN)
                if price <= 0:
                    quantity, price = 1, cost
            else:
                quantity, price = 1, cost
            rows.append((project["name"], cost, item, quantity, price, quantity * price))
        if not rows:
            self.out(rng.choice([f"本单位{self.year}年无政府采购预算。", f"{self.year}年本单位未安排政府采购预算。"]), "")
            return
        total = sum((r[5] for r in rows), Decimal(0))
        self.out(
            "政府采购项目来源\t\t采购物品名称\t政府采购目录序号\t计量单位\t数量\t单价\t政府采购金额（当年部门预算安排资金）\t\t\t\t\t",
            "项目名称\t预算资金\t\t\t\t\t\t合计\t一般公共预算拨款\t基金预算拨款\t国有资本经营预算拨款\t财政专户核拨\t单位资金",
            f"合 计\t\t\t\t\t\t\t{money(total)}\t{money(total)}\t\t\t\t",
            f"{unit.name}(本级)小计\t\t\t\t\t\t\t{money(total)}\t{money(total)}\t\t\t\t",
        )
        for name, cost, item, quantity, price, amount in rows:
            self.out(f"{name}\t{money(cost)}\t{item['item']}\t{item['catalog_code']}\t{item['measure_unit']}\t"
                     f"{quantity}\t{money(price)}\t{money(amount)}\t{money(amount)}\t\t\t\t")
        self.out("")

    def assets(self, f: dict) -> None:
        rng, profile = self.rng, self.profile
        area = profile["floor_area"]
        house = Decimal(str(round(area * rng.uniform(0.05, 0.4), 2)))
        office_area = int(area * rng.uniform(0.5, 0.9))
        vehicles = profile["vehicles"]
        cars = Decimal(str(round(vehicles * rng.uniform(12, 30), 2))) if vehicles else Decimal(0)
        big = rng.randint(0, 3) if rng.chance(0.3) else 0
        equipment = Decimal(str(round(big * rng.uniform(21, 60), 2))) if big else None
        other = Decimal(str(round(rng.uniform(10, 300) * self.unit.scale, 2)))
        total = house + cars + (equipment or 0) + other
        self.out("六、国有资产信息情况", "", "单位固定资产占用情况表", "", f"编制部门：{self.unit.cover}", "",
                 f"截止时间：{self.year - 1}年12月31日", "", "项 目\t数 量\t价值（金额单位：万元）",
                 f"资产总额\t——\t{money(total)}", f"1、房屋（平方米）\t{area}\t{money(house)}", "",
                 f"其中：办公用房（平方米）\t{office_area}\t",
                 f"2、车辆（台、辆）\t{vehicles}\t{money(cars) if vehicles else ''}",
                 f"3、单价在20万元以上的设备\t{big or ''}\t{money(equipment) if equipment else ''}",
                 f"4、其他固定资产\t\t{money(other)}", "")

    def glossary(self) -> None:
        self.out("七、名词解释", "")
        terms = self.c.harvested["glossary"][: self.profile["glossary"]]
        for i, term in enumerate(terms, 1):
            self.out(f"- {i}、**{term['term']}**：{term['definition']}")
        self.out("")

    def performance(self, projects: list[dict], costs: list[Decimal], spaced_year: str) -> None:
        c, unit, year, rng = self.c, self.unit, self.year, self.rng
        harvested = c.harvested
        tables = [(p, cost, c.rows(unit, p, year, cost)) for p, cost in zip(projects, costs)]
        self.out(f"{spaced_year}度单位预算绩效信息", "", "第一部分 单位整体绩效目标", "", "（一）总体绩效目标", "")
        opening = re.split(r"\d{4}年", harvested["overall_goal"])[0]
        goals = [g for p in projects[:4] for g in p["goals"][:1]]
        self.out(f"{opening}{year}年，我单位将{'；'.join(self.sub(g) for g in goals)}。", "")
        self.out("（二）分项绩效目标", "")
        numerals = "一二三四五六七八九"
        own = [t for t in tables if t[0]["family"] == self.unit.office["family"]] or tables
        for a, (project, _, rows) in enumerate(own[: rng.randint(2, 4)]):
            self.out(f"{numerals[a]}、{project['topic']}工作", "")
            targets = [r for r in rows if r[4].endswith("%")] or rows
            for g, goal in enumerate(project["goals"][:2], 1):
                self.out(f"{g}、绩效目标：{self.sub(goal)}。", "")
                level3, value = targets[(g - 1) % len(targets)][2], targets[(g - 1) % len(targets)][4]
                self.out(f"绩效指标：{self.sub(level3)} {_latex(value) if rng.chance(0.5) else value}", "")
        self.out("（三）工作保障措施", "")
        for i, m in enumerate(self.profile["measures"], 1):
            measure = harvested["measures"][m]
            self.out(f"{i}、{measure['title']}", "", measure["text"], "")
        self.out("第二部分 预算项目绩效目标", "")
        for no, (project, cost, rows) in enumerate(tables, 1):
            self.project(no, project, rows)

    def project(self, no: int, project: dict, rows: list[tuple]) -> None:
        goals = [self.sub(g) for g in project["goals"]]
        goal_cell = " ".join(f"{i}. {g}" for i, g in enumerate(goals, 1)) if len(goals) > 1 else goals[0]
        sep = "、" if no % 7 else "."
        self.out(f"{no}{sep}{project['name']}{project['title_suffix']}", "")
        goal_line = f"绩效目标\t{goal_cell}\t\t\t\t"
        header = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据"
        self.out(*((header, goal_line) if project["header_first"] else (goal_line, header)))
        basis = project["basis"]
        last1 = last2 = None
        for level1, level2, l3, desc, value in rows:
            l3, desc = self.sub(l3), self.sub(desc)
            cell1 = level1 if level1 != last1 else ""
            cell2 = level2 if level2 != last2 or cell1 or self.rng.chance(0.5) else ""
            self.out(f"{cell1}\t{cell2}\t{l3}\t{desc}\t{value}\t{basis}")
            last1, last2 = level1, level2
            self.stats["descriptions"].append(desc)
            self.stats["names"].append(l3)
        self.out("")
        self.stats["projects"] += 1
        self.stats["rows"] += len(rows)
        self.stats["bases"].append((basis, project["canonicals"]))


def money0(value: Decimal) -> str:
    """Zero as the sample prints it (0万元), anything else with two decimals."""
    return "0" if value == 0 else money(value)


def _delta(value: Decimal, le: str = "") -> str:
    if value == 0:
        return "0万元"
    return f"{'增加' if value > 0 else '减少'}{le}{money(abs(value))}万元"


def _latex(value: str) -> str:
    return "$" + value.replace("≥", "\\geq ").replace("≤", "\\leq ").replace("%", "\\%") + "$"


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def refuse_data(out: Path) -> None:
    target, data = out.resolve(), DATA.resolve()
    if target == data or data in target.parents:
        raise SystemExit(f"synth: refusing to write into {out}: data/ holds only real documents")


def generate(count: int, out: Path, seed: int, check: bool = False) -> dict:
    refuse_data(out)
    started = time.perf_counter()
    corpus = Corpus(seed)
    out.mkdir(parents=True, exist_ok=True)
    totals = {"documents": 0, "projects": 0, "rows": 0, "problems": 0}
    descriptions: set[str] = set()
    names: set[str] = set()
    units: set[str] = set()
    for n, unit, year in corpus.documents(count):
        name, text, stats = corpus.document(n, unit, year)
        (out / name).write_bytes(text.encode("utf-8"))
        totals["documents"] += 1
        totals["projects"] += stats["projects"]
        totals["rows"] += stats["rows"]
        descriptions.update(stats["descriptions"])
        names.update(stats["names"])
        units.add(unit.name)
        if check:
            totals["problems"] += _check(out / name)
    seconds = time.perf_counter() - started
    totals.update(units=len(units), descriptions=len(descriptions), names=len(names),
                  distinct=len(descriptions | names), seconds=round(seconds, 1))
    return totals


def _check(path: Path) -> int:
    from budgetkg.graph.parse import parse_document

    doc = parse_document(path)
    problems = list(doc.warnings) + [f"check {c.name} fails: {c.expected} ≠ {c.actual}" for c in doc.checks if not c.ok]
    for problem in problems:
        print(f"{path.name}: {problem}", file=sys.stderr)
    return len(problems)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", help="how many documents")
    parser.add_argument("--out", type=Path, help="folder to write them to (never inside data/)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="parse every document and report warnings and failed checks")
    parser.add_argument("--harvest", action="store_true", help=f"refresh {HARVEST.relative_to(ROOT)} from data/")
    args = parser.parse_args(argv)
    if args.harvest:
        HARVEST.write_text(json.dumps(harvest(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"synth: wrote {HARVEST.relative_to(ROOT)}")
        if args.count is None:
            return
    if args.count is None or args.out is None:
        parser.error("N and --out are required")
    if args.count < 0:
        parser.error("N must be >= 0")
    t = generate(args.count, args.out, args.seed, args.check)
    problems = f", {t['problems']} problems" if args.check else ""
    print(f"synth: {t['documents']} documents ({t['units']} units), {t['projects']} projects, {t['rows']} indicator rows, "
          f"{t['distinct']} distinct description texts ({t['descriptions']} 描述, {t['names']} 三级指标){problems}, "
          f"{t['seconds']} s → {args.out}")


if __name__ == "__main__":
    main()
