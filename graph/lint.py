"""A quality lint of a document's performance targets (绩效目标表).

Each rule is one function registered under a stable id (:data:`RULES`); :func:`lint` runs them
over a parsed Document and returns a :class:`Report` of findings, each with a severity, its
evidence (file, line or page, the text, the numbers, the project) and a one-sentence English
explanation. Severities: ``error`` — the document contradicts itself (a sum that does not add
up, a cap below the amount its own basis requires, a count of days targeted in per cent, a table
titled for another subject); ``warning`` — wording that is wrong or copied; ``info`` — weak
practice (boilerplate rows, a cost indicator that only restates the budget, an internal
decision as the only basis).

One rule, description-off-project, needs text similarity: :func:`lint` takes an optional
``similarity(texts_a, texts_b) -> cosines`` (the graph layer knows no model; the CLI and the
server pass :func:`embedding_similarity` over the embedding model) and skips that rule, saying
so, without one.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .numbers import amount_of_value
from .records import Document, Indicator, Project

SEVERITIES = ("error", "warning", "info")
#: ``similarity(texts_a, texts_b)`` → the cosine of each pair ``(texts_a[i], texts_b[i])``.
Similarity = Callable[[Sequence[str], Sequence[str]], Sequence[float]]

#: description-off-project: a row is off its project when its fit to its own project is lower
#: than its fit to the best other project of the document by more than this margin. Chosen on
#: the hand-judged pairs of bench/lint_fit_eval.json (bench/lint_threshold.py prints the figures).
FIT_THRESHOLD = -0.0375
#: The fit of a description to a project: the mean of its similarity to the project's name and to
#: name + goals (goals are often copied between projects, see copied-goals; names are not, but
#: some say nothing, like 各类工作经费).
NAME_WEIGHT = 0.5
#: A failed sum off by less than this (万元, i.e. 100 元) is a rounding difference: a warning.
ROUNDING = Decimal("0.01")
#: copied-indicators lists the rows shared by at least this many projects, the most copied first.
MIN_COPIES, TOP_COPIED = 3, 5

_PUNCT = re.compile(r"[\W_]+")
_RATE = re.compile(r"(?<!效)率|满意|比例|比重|覆盖|占比|百分|程度|及时性|达标|合格|知晓|认可|完成度|完好")
_COUNT = re.compile(r"天数|次数|人数|人次|个数|件数|场次|户数|项数|家数|班级数")
_COUNT_UNITS = {"次", "天", "日", "人", "人次", "个", "项", "件", "场", "户", "家", "班"}
_RATE_NAME = re.compile(r"(?<!效)率$|比例$|比重$|占比$")
_BUDGET_WORDS = re.compile(r"预算|经费|资金|费用|成本")
_UNIT_COST = re.compile(r"每|单价|人均|单位成本|标准|/|／|节约|降低|比例|率")


# ---- records -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """Where a finding is and what it rests on: ``numbers`` holds the figures compared."""

    file: str
    line: int | None = None
    page: int | None = None
    text: str | None = None
    numbers: Mapping[str, Any] = field(default_factory=dict)
    project: Mapping[str, Any] | None = None  # {no, name}

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "page": self.page, "text": self.text,
                "numbers": dict(self.numbers), "project": dict(self.project) if self.project else None}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    explanation: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "explanation": self.explanation,
                "evidence": self.evidence.to_dict()}


@dataclass(frozen=True)
class Report:
    """The findings on one document, the share of copied indicator rows, and the rules skipped."""

    file: str
    findings: tuple[Finding, ...]
    rows: int  # indicator rows of the document
    copied_rows: int  # rows whose (description, value) also appears in another project
    skipped: tuple[tuple[str, str], ...] = ()  # (rule, why)

    @property
    def boilerplate_rate(self) -> float:
        return self.copied_rows / self.rows if self.rows else 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {severity: sum(f.severity == severity for f in self.findings) for severity in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "findings": [f.to_dict() for f in self.findings], "counts": self.counts,
                "boilerplate_rate": round(self.boilerplate_rate, 4), "rows": self.rows,
                "copied_rows": self.copied_rows,
                "skipped": [{"rule": rule, "reason": why} for rule, why in self.skipped]}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the usual severity; a finding may say less (or more) where the rule explains
    summary: str
    check: Callable[[Context], Iterable[Finding]]
    needs_similarity: bool = False


#: Every rule by id, in the order they run.
RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, summary: str, needs_similarity: bool = False):
    """Register the decorated function as the rule ``rule_id``."""
    def register(check: Callable[[Context], Iterable[Finding]]):
        RULES[rule_id] = Rule(rule_id, severity, summary, check, needs_similarity)
        return check
    return register


# ---- helpers -----------------------------------------------------------------------------------
def _norm(text: str | None) -> str:
    """Text without spaces and punctuation, for comparing wordings."""
    return _PUNCT.sub("", text or "").lower()


def _bigrams(texts: Iterable[str]) -> set[str]:
    return {text[i:i + 2] for text in texts for i in range(max(len(text) - 1, 1))}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _num(value: Decimal | None) -> str:
    """A Decimal without trailing zeros or exponent: 3351.334300 → 3351.3343."""
    return "—" if value is None else format(value.normalize(), "f")


def wording(indicator: Indicator) -> str:
    """What a row says it measures: its 绩效指标描述, or its 三级指标 where the layout has none."""
    return indicator.description or indicator.level3 or ""


def _row_text(indicator: Indicator) -> str:
    parts = [indicator.level3, indicator.description if indicator.description != indicator.level3 else None,
             indicator.value.raw]
    return " | ".join(part for part in parts if part)


def _is_cost(indicator: Indicator) -> bool:
    return "成本" in (indicator.level2 or "")


def _tables(projects: Iterable[Project]) -> str:
    return ", ".join(str(p.no) for p in projects)


class Context:
    """What the rules read: the document, the similarity (or None) and the threshold."""

    def __init__(self, doc: Document, similarity: Similarity | None, threshold: float):
        self.doc, self.similarity, self.threshold = doc, similarity, threshold
        self.file = doc.source.file

    def rows(self) -> Iterator[tuple[Project, Indicator]]:
        for project in self.doc.projects:
            for indicator in project.indicators:
                yield project, indicator

    def finding(self, rule_id: str, explanation: str, *, severity: str | None = None,
                line: int | None = None, page: int | None = None, text: str | None = None,
                numbers: Mapping[str, Any] | None = None, project: Project | None = None) -> Finding:
        evidence = Evidence(self.file, line, page, text, dict(numbers or {}),
                            {"no": project.no, "name": project.name} if project is not None else None)
        return Finding(rule_id, severity or RULES[rule_id].severity, explanation, evidence)

    def row_finding(self, rule_id: str, project: Project, indicator: Indicator, explanation: str,
                    numbers: Mapping[str, Any] | None = None, severity: str | None = None) -> Finding:
        return self.finding(rule_id, explanation, severity=severity, line=indicator.line, page=indicator.page,
                            text=_row_text(indicator), numbers=numbers, project=project)


# ---- boilerplate: rows copied across projects -----------------------------------------------------
def copied_rows(doc: Document) -> dict[tuple[str, str], list[tuple[Project, Indicator]]]:
    """Every (description, value) wording shared by two or more projects, with its rows."""
    rows: dict[tuple[str, str], list[tuple[Project, Indicator]]] = defaultdict(list)
    for project in doc.projects:
        for indicator in project.indicators:
            key = (_norm(wording(indicator)), _norm(indicator.value.raw))
            if key[0]:
                rows[key].append((project, indicator))
    return {key: found for key, found in rows.items() if len({p.no for p, _ in found}) > 1}


# ---- description fit -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fit:
    """How well a row's description fits its project, against the best other project."""

    own: float
    other: float
    other_project: Project
    name: float  # the similarity to the project's name alone
    context: float  # the similarity to name + goals

    @property
    def margin(self) -> float:
        return self.own - self.other


def _context(project: Project) -> str:
    return project.name + ("：" + "；".join(project.goals) if project.goals else "")


def fit_scores(doc: Document, similarity: Similarity, name_weight: float = NAME_WEIGHT
               ) -> dict[tuple[int, int], Fit]:
    """The fit of every non-cost row to its project, keyed by (project position, row position);
    empty when the document has fewer than two projects of different names."""
    projects = list(doc.projects)
    if len({_norm(p.name) for p in projects}) < 2:
        return {}
    texts = sorted({wording(i) for p in projects for i in p.indicators if wording(i) and not _is_cost(i)})
    if not texts:
        return {}
    pairs_a, pairs_b = [], []
    for text in texts:
        for project in projects:
            pairs_a += [text, text]
            pairs_b += [project.name, _context(project)]
    cosines = list(similarity(pairs_a, pairs_b))
    score: dict[tuple[str, int], tuple[float, float]] = {}
    position = 0
    for text in texts:
        for index in range(len(projects)):
            score[text, index] = (float(cosines[position]), float(cosines[position + 1]))
            position += 2

    def fit(text: str, index: int) -> float:
        name, context = score[text, index]
        return name_weight * name + (1 - name_weight) * context

    fits = {}
    for p_index, project in enumerate(projects):
        others = [i for i, other in enumerate(projects) if _norm(other.name) != _norm(project.name)]
        for r_index, indicator in enumerate(project.indicators):
            text = wording(indicator)
            if not text or _is_cost(indicator):
                continue
            best = max(others, key=lambda i: fit(text, i))
            name, context = score[text, p_index]
            fits[p_index, r_index] = Fit(fit(text, p_index), fit(text, best), projects[best], name, context)
    return fits


def embedding_similarity(encode: Callable[[list[str]], Any], cache_size: int = 20_000) -> Similarity:
    """A similarity over an encoder of texts to normalised vectors (e.g. an embedding model's
    ``encode_query``); each text is encoded once (a bounded cache)."""
    import numpy as np

    cache: OrderedDict[str, Any] = OrderedDict()

    def similarity(texts_a: Sequence[str], texts_b: Sequence[str]) -> list[float]:
        missing = [text for text in dict.fromkeys([*texts_a, *texts_b]) if text not in cache]
        if missing:
            for text, vector in zip(missing, np.asarray(encode(missing), dtype=np.float32)):
                cache[text] = vector
        vectors = {text: cache[text] for text in {*texts_a, *texts_b}}
        for text in vectors:
            cache.move_to_end(text)
        while len(cache) > max(cache_size, len(vectors)):
            cache.popitem(last=False)
        return [float(np.dot(vectors[a], vectors[b])) for a, b in zip(texts_a, texts_b)]

    return similarity


# ---- the rules -------------------------------------------------------------------------------------
@rule("arithmetic", "error", "a sum of the document that does not add up (the parsers' checks)")
def arithmetic(ctx: Context) -> Iterator[Finding]:
    for check in ctx.doc.checks:
        if check.ok:
            continue
        difference = check.actual - check.expected  # a check states both sides
        rounding = abs(difference) < ROUNDING
        off = "a rounding difference of less than 0.01 万元" if rounding else f"off by {_num(abs(difference))} 万元"
        yield ctx.finding(
            "arithmetic",
            f"the document states {_num(check.expected)} 万元 but its parts add up to {_num(check.actual)} 万元 ({off})",
            severity="warning" if rounding else "error", line=check.line, page=check.page,
            text=f"{check.name}: {check.detail}",
            numbers={"expected": check.expected, "actual": check.actual, "difference": difference})


@rule("duplicate-table-title", "error", "two 绩效目标表 with the same title but different content")
def duplicate_table_title(ctx: Context) -> Iterator[Finding]:
    by_name: dict[str, list[Project]] = defaultdict(list)
    for project in ctx.doc.projects:
        by_name[_norm(project.name)].append(project)
    for group in by_name.values():
        first = group[0]
        for other in group[1:]:
            numbers: dict[str, Any] = {"tables": [first.no, other.no], "lines": [first.line, other.line],
                                       "pages": [first.page, other.page]}
            if _content(first) == _content(other):
                yield ctx.finding(
                    "duplicate-table-title", f"table {other.no} repeats table {first.no} entirely (title, goals and indicators)",
                    severity="warning", line=other.line, page=other.page, text=other.title, numbers=numbers, project=other)
                continue
            bases = {p.no: _bases(p) or "nothing" for p in (first, other)}
            cites = (f"; table {first.no} cites {bases[first.no]}, table {other.no} cites {bases[other.no]}"
                     if bases[first.no] != bases[other.no] else "")
            yield ctx.finding(
                "duplicate-table-title",
                f"tables {first.no} and {other.no} share the title {other.title} but not their goals and indicators, "
                f"so one of the two titles names the wrong project{cites}",
                line=other.line, page=other.page, text=f"table {first.no}: {_gist(first)} | table {other.no}: {_gist(other)}",
                numbers=numbers, project=other)


def _content(project: Project) -> tuple:
    return (tuple(_norm(g) for g in project.goals),
            tuple((_norm(wording(i)), _norm(i.value.raw)) for i in project.indicators))


def _gist(project: Project) -> str:
    """What a table is about: its goals, or its first descriptions."""
    texts = list(project.goals) or [wording(i) for i in project.indicators[:2]]
    return "；".join(dict.fromkeys(texts))


def _bases(project: Project) -> str:
    """The legal bases a table cites, in canonical form."""
    return "、".join(dict.fromkeys(ref["canonical"] for i in project.indicators for ref in i.basis.refs))


@rule("copied-goals", "warning", "a project's goals copied from another project of the document")
def copied_goals(ctx: Context) -> Iterator[Finding]:
    projects = [p for p in ctx.doc.projects if any(_norm(g) for g in p.goals)]
    parent = list(range(len(projects)))  # union-find over positions

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(projects):
        for j in range(i + 1, len(projects)):
            if _same_goals(a, projects[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Project]] = defaultdict(list)
    for i, p in enumerate(projects):
        groups[root(i)].append(p)
    for group in groups.values():
        source = group[0]
        for copy in group[1:]:
            exact = {_norm(g) for g in copy.goals} == {_norm(g) for g in source.goals}
            yield ctx.finding(
                "copied-goals",
                f"the goals of table {copy.no} ({copy.name}) repeat those of table {source.no} ({source.name})"
                + (" word for word" if exact else " almost word for word")
                + (f"; tables {_tables(group)} share them" if len(group) > 2 else ""),
                line=copy.goals_line or copy.line, page=copy.page, text="；".join(copy.goals),
                numbers={"tables": [p.no for p in group], "source_table": source.no}, project=copy)


def _same_goals(a: Project, b: Project) -> bool:
    goals_a = {n for n in map(_norm, a.goals) if n}
    goals_b = {n for n in map(_norm, b.goals) if n}
    return goals_a == goals_b or _dice(_bigrams(goals_a), _bigrams(goals_b)) >= 0.9


@rule("repeated-goal-item", "warning", "the same goal listed twice in one project")
def repeated_goal_item(ctx: Context) -> Iterator[Finding]:
    for project in ctx.doc.projects:
        seen: dict[str, int] = {}
        for number, goal in enumerate(project.goals, start=1):
            key = _norm(goal)
            if key in seen:
                yield ctx.finding(
                    "repeated-goal-item",
                    f"goal {number} of table {project.no} repeats goal {seen[key]}: the table states fewer goals than it lists",
                    line=project.goals_line or project.line, page=project.page, text=goal,
                    numbers={"items": [seen[key], number]}, project=project)
            elif key:
                seen[key] = number


@rule("copied-indicators", "info", "indicator rows copied verbatim across projects (the most copied)")
def copied_indicators(ctx: Context) -> Iterator[Finding]:
    copied = copied_rows(ctx.doc)
    total = sum(len(p.indicators) for p in ctx.doc.projects)
    rate = sum(len(rows) for rows in copied.values()) / total if total else 0.0
    ranked = sorted(copied.values(), key=lambda rows: (-len({p.no for p, _ in rows}), rows[0][1].line or 0,
                                                       rows[0][1].page or 0))
    for rows in ranked[:TOP_COPIED]:
        tables = sorted({p.no for p, _ in rows})
        if len(tables) < MIN_COPIES:
            break
        project, indicator = rows[0]
        yield ctx.row_finding(
            "copied-indicators", project, indicator,
            f"this row is repeated verbatim in {len(tables)} of the {len(ctx.doc.projects)} tables "
            f"(tables {', '.join(map(str, tables))}); "
            f"{rate:.0%} of the document's indicator rows are copied from another project",
            numbers={"copies": len(tables), "tables": tables, "lines": [i.line for _, i in rows if i.line],
                     "pages": sorted({i.page for _, i in rows if i.page}), "boilerplate_rate": round(rate, 4)})


@rule("description-off-project", "warning",
      "an indicator description that fits another project of the document better than its own", needs_similarity=True)
def description_off_project(ctx: Context) -> Iterator[Finding]:
    assert ctx.similarity is not None
    projects = list(ctx.doc.projects)
    for (p_index, r_index), fit in sorted(fit_scores(ctx.doc, ctx.similarity).items()):
        if fit.margin >= ctx.threshold:
            continue
        project, indicator = projects[p_index], projects[p_index].indicators[r_index]
        other = fit.other_project
        yield ctx.row_finding(
            "description-off-project", project, indicator,
            f"“{wording(indicator)}” does not fit its project {project.name}: it fits table {other.no} ({other.name}) "
            f"better (fit {fit.own:.3f} against {fit.other:.3f}: margin {fit.margin:+.4f}, below {ctx.threshold:+.4f})",
            numbers={"fit": round(fit.own, 4), "other_fit": round(fit.other, 4), "margin": round(fit.margin, 4),
                     "threshold": ctx.threshold, "other_table": other.no})


@rule("unit-mismatch", "error", "a count (天数, 次数, 人数…) with a percentage target, or a rate with a count unit")
def unit_mismatch(ctx: Context) -> Iterator[Finding]:
    for project, indicator in ctx.rows():
        words = f"{indicator.level3 or ''} {indicator.description or ''}"
        unit = indicator.value.unit
        count = _COUNT.search(words)
        if unit == "%" and count and not _RATE.search(words):
            yield ctx.row_finding(
                "unit-mismatch", project, indicator,
                f"the indicator counts {count[0]} but its target is a percentage ({indicator.value.raw}): "
                f"a number of {count[0].removesuffix('数')} cannot be {indicator.value.raw}",
                numbers={"target": indicator.value.number, "unit": unit, "counts": count[0]})
        elif unit in _COUNT_UNITS and any(_RATE_NAME.search(text or "") for text in (indicator.level3, indicator.description)):
            yield ctx.row_finding(
                "unit-mismatch", project, indicator,
                f"the indicator is a rate but its target is a count in {unit} ({indicator.value.raw})",
                numbers={"target": indicator.value.number, "unit": unit})


@rule("rate-target-on-count", "warning", "a percentage target on an indicator that is not a rate")
def rate_target_on_count(ctx: Context) -> Iterator[Finding]:
    others: list[tuple[Project, Indicator]] = []
    for project, indicator in ctx.rows():
        words = f"{indicator.level3 or ''} {indicator.description or ''}"
        if indicator.value.unit != "%" or _RATE.search(words) or _COUNT.search(words):
            continue  # a rate, or a count (unit-mismatch says so)
        if indicator.level2 == "数量指标":
            yield ctx.row_finding(
                "rate-target-on-count", project, indicator,
                f"a 数量指标 (a quantity) with the percentage target {indicator.value.raw}, and its wording names "
                f"no rate: {indicator.value.raw} of what is not said",
                numbers={"target": indicator.value.number, "unit": "%"})
        else:
            others.append((project, indicator))
    if others:
        wordings = list(dict.fromkeys(f"{wording(i)} {i.value.raw}" for _, i in others))
        project, indicator = others[0]
        yield ctx.finding(
            "rate-target-on-count",
            f"{len(others)} rows outside the 数量指标 (in {len({p.no for p, _ in others})} tables, {len(wordings)} distinct "
            f"wordings) set a percentage target on wording that names no rate, so the target cannot be measured",
            severity="info", line=indicator.line, page=indicator.page,
            text="；".join(wordings[:3]) + ("…" if len(wordings) > 3 else ""),
            numbers={"rows": len(others), "lines": [i.line for _, i in others if i.line],
                     "pages": sorted({i.page for _, i in others if i.page})})


@rule("cost-restates-budget", "info", "a 成本指标 that only restates the project's budget")
def cost_restates_budget(ctx: Context) -> Iterator[Finding]:
    for project in ctx.doc.projects:
        budget, source = _budget(ctx.doc, project)
        for indicator in project.indicators:
            amount = amount_of_value(indicator.value)
            words = f"{indicator.level3 or ''}{indicator.description or ''}"
            if (not _is_cost(indicator) or amount is None or indicator.value.op not in ("<=", "<", "=", None)
                    or budget is None or amount != budget or not _BUDGET_WORDS.search(words) or _UNIT_COST.search(words)):
                continue
            also = f"; the {source} is also {_num(budget)} 万元" if source else ""
            yield ctx.row_finding(
                "cost-restates-budget", project, indicator,
                f"the 成本指标 only caps spending at the project's budget ({indicator.value.raw}{also}) "
                f"and states no unit cost or cost standard",
                numbers={"cap": amount, "budget": budget, "budget_source": source})


def _budget(doc: Document, project: Project) -> tuple[Decimal | None, str | None]:
    """The project's budget and where else the document states it (the table's header, the
    政府采购 table), else the table's own 成本指标 total and None."""
    header = project.header
    if header is not None and (header.annual or header.total) is not None:
        return header.annual if header.annual is not None else header.total, "年度资金申请总额 in the table's header"
    for item in doc.procurement:
        if item.project == project.name and item.project_budget is not None:
            return item.project_budget, "预算资金 in the 政府采购 table"
    return project.cost, None


@rule("cap-contradicts-basis", "error", "a cost cap below the amount the row's own basis requires")
def cap_contradicts_basis(ctx: Context) -> Iterator[Finding]:
    for project, indicator in ctx.rows():
        cap = amount_of_value(indicator.value)
        if not _is_cost(indicator) or cap is None or indicator.value.op not in ("<=", "<", "="):
            continue
        for note in indicator.basis.notes:
            amount, op = note.get("amount"), note.get("op")
            if amount is None or op not in (">=", ">", "="):
                continue
            if cap < amount or (op == ">" and cap <= amount):
                wanted = {">=": "at least", ">": "more than", "=": "exactly"}[op]
                yield ctx.row_finding(
                    "cap-contradicts-basis", project, indicator,
                    f"the cost is capped at {indicator.value.raw} but the basis it cites requires {wanted} {_num(amount)} 万元 "
                    f"(“{note['text']}”)",
                    numbers={"cap": cap, "basis_amount": amount, "basis_op": op},
                    severity="error" if op != "=" else "warning")


@rule("no-legal-basis", "warning", "indicator rows with no 指标值确定依据, or only an internal decision")
def no_legal_basis(ctx: Context) -> Iterator[Finding]:
    rows = list(ctx.rows())
    if rows and not any(indicator.basis.raw for _, indicator in rows):
        project, indicator = rows[0]
        yield ctx.finding(
            "no-legal-basis",
            f"none of the {len(rows)} indicator rows states a 指标值确定依据 (the tables of this layout have no such column)",
            severity="info", line=project.line, page=project.page, text=project.title, numbers={"rows": len(rows)})
        return
    for project in ctx.doc.projects:
        empty = [i for i in project.indicators if not (i.basis.raw or "").strip()]
        if empty:
            yield ctx.finding(
                "no-legal-basis", f"{len(empty)} of the {len(project.indicators)} rows of table {project.no} state no 指标值确定依据",
                line=empty[0].line, page=empty[0].page, text=_row_text(empty[0]),
                numbers={"rows": len(empty), "lines": [i.line for i in empty if i.line]}, project=project)
        internal = [i for i in project.indicators
                    if i.basis.refs and all(ref.get("kind") == "internal_decision" for ref in i.basis.refs)]
        for raw, group in _by_basis(internal).items():
            yield ctx.finding(
                "no-legal-basis",
                f"{len(group)} rows of table {project.no} cite only an internal decision, no law, regulation or document",
                severity="info", line=group[0].line, page=group[0].page, text=raw,
                numbers={"rows": len(group), "lines": [i.line for i in group if i.line]}, project=project)


@rule("unrecognised-basis", "warning", "a 指标值确定依据 in which no legal basis is recognised")
def unrecognised_basis(ctx: Context) -> Iterator[Finding]:
    for project in ctx.doc.projects:
        unknown = [i for i in project.indicators if (i.basis.raw or "").strip() and not i.basis.refs]
        for raw, group in _by_basis(unknown).items():
            yield ctx.finding(
                "unrecognised-basis",
                f"no law, regulation, document number or decision is recognised in the basis of "
                f"{len(group)} rows of table {project.no}",
                line=group[0].line, page=group[0].page, text=raw,
                numbers={"rows": len(group), "lines": [i.line for i in group if i.line]}, project=project)


def _by_basis(indicators: Iterable[Indicator]) -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        groups[indicator.basis.raw or ""].append(indicator)
    return groups


# ---- running -----------------------------------------------------------------------------------------
def lint(doc: Document, similarity: Similarity | None = None, rules: Iterable[str] | None = None,
         threshold: float = FIT_THRESHOLD) -> Report:
    """Run the rules (all, or those named) over a document; rules that need a similarity are
    skipped, and listed as skipped, without one."""
    ctx = Context(doc, similarity, threshold)
    wanted = list(RULES) if rules is None else list(rules)
    unknown = [name for name in wanted if name not in RULES]
    if unknown:
        raise KeyError(f"no lint rule {', '.join(unknown)}; known: {', '.join(RULES)}")
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    for name in wanted:
        current = RULES[name]
        if current.needs_similarity and similarity is None:
            skipped.append((name, "no embedding model: the description fit was not judged"))
            continue
        findings += current.check(ctx)
    order = {name: position for position, name in enumerate(RULES)}
    findings.sort(key=lambda f: (f.evidence.line or 0, f.evidence.page or 0, order[f.rule]))
    copied = copied_rows(doc)
    return Report(doc.source.file, tuple(findings), sum(len(p.indicators) for p in doc.projects),
                  sum(len(rows) for rows in copied.values()), tuple(skipped))


def format_finding(finding: Finding, file: str | None = None) -> str:
    """``file:line: [rule] severity: explanation — evidence`` (``file (page N):`` for a PDF)."""
    evidence = finding.evidence
    file = file or evidence.file
    where = f"{file}:{evidence.line}" if evidence.line else f"{file} (page {evidence.page})" if evidence.page else file
    text = f" — {evidence.text}" if evidence.text else ""
    return f"{where}: [{finding.rule}] {finding.severity}: {finding.explanation}{text}"


def parse_original(name: str, data: bytes) -> Document:
    """The document ``data`` (the original bytes a store keeps), parsed as the file ``name``."""
    import tempfile
    from pathlib import Path

    from .parse import parse_document

    with tempfile.TemporaryDirectory(prefix="budgetkg-lint-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        return parse_document(path)
