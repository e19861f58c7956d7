"""Search at scale: a group lists its first rows in one fixed order and counts all of them, whatever
query plan SQLite picks (the order indexes, or an older index file without them)."""

from __future__ import annotations

import sqlite3

import pytest

from budgetkg.embed.index import SEARCH_INDEXES, WordingIndex, _add_search_indexes
from budgetkg.embed.service import open_searcher
from budgetkg.graph.store import BudgetStore

UNIT = "中共秦皇岛经济技术开发区工委政法委员会"
ORDER_INDEXES = {"items_text_order", "items_name_order"}


@pytest.fixture(scope="module")
def many(tmp_path_factory, hebei_text, model):
    """The Hebei document four times (two years, two units): each wording has rows of several units,
    years and projects, so that a capped group's first rows depend on the order."""
    folder = tmp_path_factory.mktemp("many")
    store = BudgetStore(None)
    other = hebei_text.replace(UNIT, "中共秦皇岛经济技术开发区工委宣传部")
    for name, text in (("zhengfawei_2021", hebei_text), ("zhengfawei_2022", hebei_text.replace("2021", "2022")),
                       ("xuanchuan_2021", other), ("xuanchuan_2022", other.replace("2021", "2022"))):
        path = folder / f"hebei_qinhuangdao_etdz_{name}_unit.txt"
        path.write_text(text, encoding="utf-8")
        store.ingest(path)
    return open_searcher(store, model)


def _all_rows(index, field, text, filters, exclude=None, prefer=None):
    """Every row of a group, in the listing order, computed apart from the index's queries."""
    column = "text_id" if field == "description" else "name_id"
    cursor = index.db.execute(f"SELECT i.* FROM items i JOIN texts t ON t.id = i.{column} WHERE t.text = ?", (text,))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    columns = {"level1": "level1", "level2": "level2", "unit": "unit_name", "year": "year"}
    rows = [r for r in rows if r["indicator"] != exclude and all(r[columns[k]] == v for k, v in filters.items())]
    first = (lambda r: (r["unit"] == prefer["unit"], r["project"] == prefer["project"])) if prefer else (lambda r: ())
    return sorted(rows, key=lambda r: (*first(r), r["unit_name"], r["year"], r["project_no"], r["indicator"]))


def _check(result, index, field="description", filters=None, exclude=None, prefer=None):
    assert result["groups"]
    for group in result["groups"]:
        text = group["text"] if field == "description" else group["hits"][0]["level3"]
        rows = _all_rows(index, field, text, filters or {}, exclude, prefer)
        assert [h["indicator"] for h in group["hits"]] == [r["indicator"] for r in rows[:len(group["hits"])]]
        assert group["count"] == len(rows) and group["more"] == len(rows) - len(group["hits"])
        assert group["units"] == len({r["unit"] for r in rows})


@pytest.mark.parametrize("hits_per_group", [1, 3, 500])
@pytest.mark.parametrize("filters", [{}, {"year": 2022}, {"unit": UNIT}, {"level2": "成本指标"}])
def test_groups_list_their_first_rows_in_order_and_count_all(many, hits_per_group, filters):
    for query in ("培训搞了多少天", "满意度", "预算控制"):
        result = many.search(query, k=8, filters=filters, hits_per_group=hits_per_group)
        assert all(len(g["hits"]) == min(hits_per_group, g["count"]) for g in result["groups"])
        _check(result, many.index, filters=filters)


def test_name_groups_and_the_basis_filter_keep_the_order(many):
    _check(many.search("满意程度", k=5, field="name", hits_per_group=2), many.index, field="name")
    basis = many.clean_filters(basis="禁毒法")
    result = many.search("工作经费", k=5, filters=basis, hits_per_group=2)
    assert result["groups"] and all(len(g["hits"]) <= 2 for g in result["groups"])
    for group in result["groups"]:  # the rows citing the basis, in the listing order
        rows = [r for r in _all_rows(many.index, "description", group["text"], {})
                if many.index.db.execute("SELECT 1 FROM item_bases WHERE indicator = ? AND canonical = ?",
                                         (r["indicator"], basis["basis"][0])).fetchone()]
        assert [h["indicator"] for h in group["hits"]] == [r["indicator"] for r in rows[:2]] and group["count"] == len(rows)


def test_similar_lists_other_units_and_projects_first(many):
    item = many.index.item(many.search("培训持续的天数", k=1)["groups"][0]["hits"][0]["indicator"])
    result = many.similar(item["indicator"], k=4, hits_per_group=3)
    _check(result, many.index, exclude=item["indicator"], prefer=item)


def test_answers_are_the_same_without_the_order_indexes(many):
    """An index file from before them, opened read-only, is searched with the other plans."""
    asks = [("培训搞了多少天", {}, {}), ("满意度", {"year": 2022}, {"hits_per_group": 2}), ("满意程度", {}, {"field": "name"})]
    before = [many.search(q, k=8, filters=f, **kw) for q, f, kw in asks]
    item = before[0]["groups"][0]["hits"][0]["indicator"]
    similar = many.similar(item, k=4, hits_per_group=2)
    db = many.index.db
    db.executescript("DROP INDEX items_text_order; DROP INDEX items_name_order; "
                     "CREATE INDEX items_text ON items (text_id); CREATE INDEX items_name ON items (name_id);")
    try:
        assert [many.search(q, k=8, filters=f, **kw) for q, f, kw in asks] == before
        assert many.similar(item, k=4, hits_per_group=2) == similar
    finally:
        _add_search_indexes(db)
    assert ORDER_INDEXES <= _indexes(db) and not {"items_text", "items_name"} & _indexes(db)


def _indexes(db) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_an_older_index_file_gets_the_order_indexes_when_opened_writable(tmp_path):
    folder = tmp_path / "index"
    WordingIndex(folder, "some-model").close()
    old = sqlite3.connect(folder / "index.sqlite")
    old.executescript("DROP INDEX items_text_order; DROP INDEX items_name_order; "
                      "CREATE INDEX items_text ON items (text_id); CREATE INDEX items_name ON items (name_id);")
    old.close()
    read_only = sqlite3.connect(f"file:{folder / 'index.sqlite'}?mode=ro", uri=True, isolation_level=None)
    _add_search_indexes(read_only)  # no error: searched without them
    assert not ORDER_INDEXES & _indexes(read_only) and {"items_text", "items_name"} <= _indexes(read_only)
    read_only.close()
    index = WordingIndex(folder, "some-model")
    assert ORDER_INDEXES <= _indexes(index.db) and not {"items_text", "items_name"} & _indexes(index.db)
    # an order index of another definition (an earlier version of it) is replaced
    index.db.executescript("DROP INDEX items_text_order; CREATE INDEX items_text_order ON items (text_id, indicator);")
    index.close()
    index = WordingIndex(folder, "some-model")
    have = dict(index.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    assert all(have.get(name) == sql for name, sql in SEARCH_INDEXES.items())
    index.close()
