"""The synthetic corpus of bench/synth.py: parseable without warnings, every sum adding up,
deterministic, marked as synthetic, kept out of data/, and realistic where benchmarks need it
(boilerplate share, recognised legal bases, units across years)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from budgetkg.graph.basis import _lookup_law, recognise
from budgetkg.graph.parse import parse_document

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = ROOT / "data"
SEED = 7
COUNT = 30


def _load_synth():
    """bench/synth.py as a module (bench/ is not a package, and must not go on sys.path: its
    graph.py, search.py… would shadow other names)."""
    spec = importlib.util.spec_from_file_location("bench_synth", BENCH / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synth = _load_synth()

_NAME = re.compile(r"^synthetic_(?P<seed>\d+)_(?P<n>\d{5})_(?P<slug>[a-z0-9-]+)_(?P<year>\d{4})_unit\.txt$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth")
    totals = synth.generate(COUNT, out, SEED)
    return out, totals


@pytest.fixture(scope="module")
def docs(corpus):
    out, _ = corpus
    return {path.name: parse_document(path) for path in sorted(out.glob("*.txt"))}


def _contents(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob("*.txt"))]


def test_file_names(corpus):
    out, totals = corpus
    names = sorted(path.name for path in out.iterdir())
    assert len(names) == COUNT == totals["documents"]
    for n, name in enumerate(names):
        match = _NAME.match(name)
        assert match, name
        assert int(match["seed"]) == SEED and int(match["n"]) == n
        assert 2019 <= int(match["year"]) <= 2025


def test_every_document_parses_without_warnings_and_every_check_passes(docs):
    for name, doc in docs.items():
        assert doc.warnings == (), (name, doc.warnings)
        assert doc.checks, name
        failed = [(c.name, c.expected, c.actual) for c in doc.checks if not c.ok]
        assert not failed, (name, failed)
        names = {c.name for c in doc.checks}
        for expected in ("summary.basic_parts", "summary.expenditure_parts", "summary.balance",
                         "summary.change_parts", "sangong.parts", "sangong.previous_year.parts",
                         "assets.total", "projects.cost_total"):
            assert expected in names, (name, expected)
        assert 5 <= len(doc.projects) <= 40, name
        assert all(p.cost is not None and p.cost > 0 for p in doc.projects), name
    assert any(c.name.startswith("procurement.project_cost") for doc in docs.values() for c in doc.checks)


def test_title_unit_year_and_marker(corpus, docs):
    out, _ = corpus
    for name, doc in docs.items():
        text = (out / name).read_text(encoding="utf-8")
        assert text.splitlines()[0] == synth.MARKER
        assert synth.MARKER in doc.title and "单位预算公开" in doc.title
        assert synth.MARKER_NOTE in (doc.other_matters or "")
        assert doc.year == int(_NAME.match(name)["year"])
        assert doc.kind == "单位预算"
        assert f"{doc.unit.name} " in text and "SYNTHETIC" not in doc.unit.name
        assert doc.organization and doc.organization[0].name == f"{doc.unit.name}(本级)"


def test_deterministic_for_a_seed_and_a_prefix_of_a_larger_corpus(corpus, tmp_path):
    out, _ = corpus
    again = tmp_path / "again"
    synth.generate(COUNT, again, SEED)
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in out.iterdir())
    assert _contents(again) == _contents(out)
    prefix = tmp_path / "prefix"
    synth.generate(8, prefix, SEED)
    assert _contents(prefix) == _contents(out)[:8]


def test_another_seed_gives_another_corpus(corpus, tmp_path):
    out, _ = corpus
    other = tmp_path / "other"
    synth.generate(8, other, SEED + 1)
    assert all(name.startswith(f"synthetic_{SEED + 1}_") for name in (p.name for p in other.iterdir()))
    mine = set(_contents(out)[:8])
    assert not mine & set(_contents(other))


@pytest.mark.parametrize("target", ["data", "data/synthetic", "data/../data/x"])
def test_refuses_to_write_into_data(target, tmp_path):
    before = sorted(p.name for p in DATA.iterdir())
    result = subprocess.run(
        [sys.executable, str(BENCH / "synth.py"), "2", "--out", str(ROOT / target), "--seed", "1"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode != 0
    assert "refusing" in result.stderr
    assert sorted(p.name for p in DATA.iterdir()) == before
    with pytest.raises(SystemExit):
        synth.generate(1, ROOT / target, 1)


def test_command_line_prints_a_summary_and_ignores_the_hash_seed(tmp_path):
    """Two processes with different string-hash seeds write the same bytes (no set order leaks)."""
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"cli{hash_seed}"
        result = subprocess.run(
            [sys.executable, str(BENCH / "synth.py"), "6", "--out", str(out), "--seed", "3"],
            capture_output=True, text=True, cwd=ROOT, check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        line = result.stdout.strip().splitlines()[-1]
        assert re.match(r"^synth: 6 documents .* \d+ projects, \d+ indicator rows, \d+ distinct description texts .*\d s", line), line
        assert len(list(out.glob("synthetic_3_*.txt"))) == 6
        outputs.append(_contents(out))
    assert outputs[0] == outputs[1]


def test_about_half_of_the_rows_are_boilerplate(docs):
    """A row is boilerplate when its wording (三级指标, 描述) also stands in another unit's
    document or in another project; the same project of the same unit in other years does not
    count (units keep their wording from year to year)."""
    contexts: dict[tuple, set] = defaultdict(set)
    rows = []
    for doc in docs.values():
        for project in doc.projects:
            for ind in project.indicators:
                key = (ind.level3, ind.description)
                contexts[key].add((doc.unit.name, project.name))
                rows.append(key)
    share = sum(len(contexts[key]) > 1 for key in rows) / len(rows)
    assert 0.3 <= share <= 0.7, share
    assert len(rows) / len(docs) > 60  # a realistic size: the real sample has 156 rows


def test_every_legal_basis_is_recognised(corpus, docs):
    for name, doc in docs.items():
        for project in doc.projects:
            for ind in project.indicators:
                assert ind.basis.raw and ind.basis.refs, (name, project.no, ind.basis.raw)
    # The generator's own record of the document numbers it wrote: each is recognised exactly.
    corpus_ = synth.Corpus(SEED)
    checked = 0
    for n, unit, year in corpus_.documents(COUNT):
        for project in corpus_.projects_in(unit, year):
            found = recognise(project["basis"])
            assert found.refs and found.unrecognised is None, project["basis"]
            assert set(project["canonicals"]) <= {ref.canonical for ref in found.refs}, project["basis"]
            checked += len(project["canonicals"])
    assert checked > 50
    kinds = {basis["kind"] for doc in docs.values() for basis in doc.legal_bases}
    assert {"document_number", "law", "internal_decision"} <= kinds


def test_document_numbers_use_many_bracket_styles(docs):
    raws = {ind.basis.raw for doc in docs.values() for p in doc.projects for ind in p.indicators}
    styles = {opening for raw in raws for opening in "〔（[【(［﹝〖" if re.search(re.escape(opening) + r"\s*\d{4}", raw)}
    assert len(styles) >= 4, styles


def test_cited_laws_and_regulations_are_in_the_law_table():
    _, catalog = synth.load_inputs()
    for office in catalog["offices"]:
        for title in office["laws"] + office["regulations"]:
            assert _lookup_law(title), (office["short"], title)


def test_units_repeat_across_years(docs):
    years: dict[str, list[int]] = defaultdict(list)
    for doc in docs.values():
        years[doc.unit.name].append(doc.year)
    assert len(years) >= 3
    assert any(len(y) >= 2 for y in years.values())
    for unit, seen in years.items():
        assert len(seen) == len(set(seen)), unit  # one document per unit and year
        assert sorted(seen) == list(range(min(seen), max(seen) + 1)), unit  # consecutive years


def test_projects_and_wording_carry_over_between_years(docs):
    by_unit: dict[str, dict[int, set]] = defaultdict(dict)
    for doc in docs.values():
        by_unit[doc.unit.name][doc.year] = {(ind.level3, ind.description) for p in doc.projects for ind in p.indicators}
    overlaps = []
    for years in by_unit.values():
        for year, rows in years.items():
            if year - 1 in years:
                overlaps.append(len(rows & years[year - 1]) / len(rows))
    assert overlaps and sum(overlaps) / len(overlaps) > 0.6
