"""Reusable indicator wording: the corpus's indicator descriptions clustered into wordings, and
suggestions of indicators for a new project.

Clusters are built in two steps: texts equal after normalisation (punctuation, spaces, full/half
width, case) are one wording; then a wording joins a more used one when their embeddings are
near duplicates (cosine ≥ NEAR_DUPLICATE, chosen on the real data: bench/wording_threshold.py).
The clusters live in the index's SQLite file and, as ``bkg:Wording`` nodes linked from each
indicator, in the graph (one named graph, replaced whole), so SPARQL sees them too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from typing import Any

import numpy as np

#: Cosine at or above which two wordings are one. multilingual-e5-small puts most pairs of
#: short indicator texts between 0.93 and 0.99, so rewordings and different indicators overlap:
#: of the 60 most similar pairs of the real corpus, judged by hand (bench/wording_pairs.json,
#: bench/wording_threshold.py), 8 are rewordings, and the best-scoring pair of *different*
#: indicators is at 0.9812 (补贴对象申请审核完成率 / 补贴对象审核达标率), above three rewordings
#: (费用预算控制数 / 经费控制预算数 0.9814 is one). A wrong merge mixes the target values of
#: different indicators, a missed one only splits a cluster, so the threshold sits above every
#: wrong merge with a margin: 0.985 merges 2 of the 8 rewordings with no wrong merge (precision
#: 1.0, recall 0.25; at 0.98: 0.60 and 0.375). Verbatim reuse, most of the reuse there is, is
#: caught by normalisation before this.
NEAR_DUPLICATE = 0.985
#: What the wording graph holds; part of its marker, so that a new version rewrites it once.
#: 2: bkg:projectUseCount, bkg:unitUseCount and bkg:useRank on each used wording.
GRAPH_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS wordings (key TEXT PRIMARY KEY, representative TEXT NOT NULL, normalised TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_wording (text_id INTEGER PRIMARY KEY, wording TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS text_wording_key ON text_wording (wording);
CREATE TABLE IF NOT EXISTS project_texts (project TEXT PRIMARY KEY, document TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS project_texts_document ON project_texts (document);
CREATE TABLE IF NOT EXISTS project_names (text TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""

_DROP = re.compile(r"[\s\u3000]+")


def normalise(text: str) -> str:
    """The text compared for exact reuse: NFKC (full → half width), no spaces or punctuation,
    lower case.

    >>> normalise("根据宣传活动需要，制作宣传资料和物品，保障合格率。") == normalise("根据宣传活动需要,制作宣传资料和物品,保障合格率")
    True
    >>> normalise("Ｐ２Ｐ 平台（试点）")
    'p2p平台试点'
    """
    text = _DROP.sub("", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("P")).lower()


def wording_key(normalised: str) -> str:
    """A stable key for a wording (its IRI's last segment): a hash of its normalised text."""
    digest = hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:10]
    return digest


#: Floats of the similarity matrix computed at a time by near_neighbours (64 MB).
BLOCK_FLOATS = 1 << 24


def near_neighbours(matrix: np.ndarray, threshold: float, k: int) -> list[list[tuple[float, int]]]:
    """For each row of ``matrix`` (unit vectors), up to ``k`` (cosine, row) of the rows at or
    above ``threshold``, itself included, best first: exact, from the similarity matrix a block of
    rows at a time (BLAS). FAISS's exact k-nearest search of every row took 3× as long, at
    30,771 texts 40 s against 13 s on one core: beside the same product it keeps a heap per
    row over all the rows, where only the few above the threshold matter (bench/near_duplicates.py).
    Above HNSW_THRESHOLD rows, where the product grows with the square of the rows, the
    neighbours come from FAISS's HNSW graph instead (approximate).

    >>> m = np.array([[1, 0], [0.99, 0.141], [0, 1]], dtype=np.float32)
    >>> [[p for _, p in row] for row in near_neighbours(m, 0.98, 5)]
    [[0, 1], [1, 0], [2]]
    """
    from .index import HNSW_THRESHOLD, build_faiss

    rows = len(matrix)
    if rows > HNSW_THRESHOLD:
        scores, positions = build_faiss(matrix).search(matrix, min(k, rows))
        return [[(float(s), int(p)) for s, p in zip(row_scores, row_positions) if p >= 0 and s >= threshold]
                for row_scores, row_positions in zip(scores, positions)]
    near: list[list[tuple[float, int]]] = [[] for _ in range(rows)]
    block = max(1, BLOCK_FLOATS // max(rows, 1))
    for start in range(0, rows, block):
        product = matrix[start:start + block] @ matrix.T
        hit_rows, hit_columns = np.nonzero(product >= threshold)
        for row, column, score in zip(hit_rows.tolist(), hit_columns.tolist(), product[hit_rows, hit_columns].tolist()):
            near[start + row].append((score, column))
    return [sorted(row, key=lambda hit: (-hit[0], hit[1]))[:k] for row in near]


def cluster(texts: dict[int, tuple[str, int]], vectors: dict[int, np.ndarray],
            threshold: float = NEAR_DUPLICATE, neighbours: int = 10) -> dict[int, tuple[str, str]]:
    """text id → (wording key, representative text) for every text.

    ``texts`` maps a text id to (text, how many indicators use it). Exact groups (same
    normalised text) are visited from the most used; each joins the most similar earlier
    leader among its ``neighbours`` nearest groups at or above ``threshold``, or leads a wording
    of its own (leaders only: no chaining). The neighbours come from ``near_neighbours``."""
    groups: dict[str, list[int]] = {}
    for text_id, (text, _) in texts.items():
        groups.setdefault(normalise(text) or text, []).append(text_id)

    def weight(item: tuple[str, list[int]]) -> tuple:
        normalised, ids = item
        return (-sum(texts[i][1] for i in ids), len(normalised), normalised)

    ordered = sorted(groups.items(), key=weight)
    heads = [min(ids, key=lambda i: (-texts[i][1], len(texts[i][0]), texts[i][0])) for _, ids in ordered]
    with_vector = [n for n, head in enumerate(heads) if vectors.get(head) is not None]
    found: dict[int, list[tuple[float, int]]] = {}
    if len(with_vector) > 1:
        matrix = np.stack([vectors[heads[n]] for n in with_vector]).astype(np.float32)
        for row, near in enumerate(near_neighbours(matrix, threshold, neighbours + 1)):
            n = with_vector[row]
            found[n] = [(score, with_vector[p]) for score, p in near if with_vector[p] != n]
    leader_of: dict[int, tuple[str, str]] = {}  # group number → its wording, for the leaders
    out: dict[int, tuple[str, str]] = {}
    for n, (normalised, ids) in enumerate(ordered):
        earlier = [(score, other) for score, other in found.get(n, ()) if other < n and other in leader_of]
        target = leader_of[max(earlier)[1]] if earlier else None
        if target is None:
            target = leader_of[n] = (wording_key(normalised), texts[heads[n]][0])
        for text_id in ids:
            out[text_id] = target
    return out


class Wordings:
    """The clusters of a wording index, kept in its SQLite file; rebuilt when the index changes."""

    def __init__(self, index):
        self.index = index
        self.db = index.db
        self.db.executescript(SCHEMA)

    # ---- building ----------------------------------------------------------------------------------
    def cluster_state(self) -> str:
        """A digest of what the clusters depend on: the live texts and their use counts."""
        digest = hashlib.sha256(str(NEAR_DUPLICATE).encode())
        for row in self.db.execute("SELECT text_id, COUNT(*) FROM items WHERE text_id IS NOT NULL GROUP BY text_id ORDER BY text_id"):
            digest.update(f"{row[0]}:{row[1]};".encode())
        return digest.hexdigest()

    def state(self, clusters: str | None = None) -> str:
        """A digest of what the wording graph depends on (the index writes it as the graph's
        marker): the clusters, and the indexed documents' versions, since which projects and
        units use a wording can change while its texts' counts do not."""
        digest = hashlib.sha256(f"{GRAPH_VERSION} {clusters or self.cluster_state()}".encode())
        for iri, sha in self.db.execute("SELECT iri, sha256 FROM documents ORDER BY iri"):
            digest.update(f"{iri} {sha};".encode())
        return digest.hexdigest()

    def rebuild(self) -> int:
        """Cluster the live texts again; returns the number of wordings."""
        texts = {row[0]: (row[1], row[2]) for row in self.db.execute(
            "SELECT t.id, t.text, COUNT(*) FROM items i JOIN texts t ON t.id = i.text_id GROUP BY t.id")}
        vectors = {text_id: self.index.vector(text_id) for text_id in texts}
        assignment = cluster(texts, vectors)
        wordings = {key: representative for key, representative in assignment.values()}
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM wordings")
            self.db.execute("DELETE FROM text_wording")
            self.db.executemany("INSERT INTO wordings VALUES (?,?,?)",
                                [(key, text, normalise(text)) for key, text in wordings.items()])
            self.db.executemany("INSERT INTO text_wording VALUES (?,?)",
                                [(text_id, key) for text_id, (key, _) in assignment.items()])
            clusters = self.cluster_state()
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [("cluster_state", clusters), ("wording_state", self.state(clusters))])
        return len(wordings)

    def ensure(self) -> bool:
        """Re-cluster when the texts in use changed since the last build; True if it did. When
        only the documents changed, only the graph's marker moves (the graph is then rewritten
        with the new project and unit counts, without clustering again)."""
        clusters = self.cluster_state()
        state = self.state(clusters)
        if self.index.meta("wording_state") == state:
            return False
        # (an index from before the split kept the clusters' digest as its wording_state)
        if clusters not in (self.index.meta("cluster_state"), self.index.meta("wording_state")):
            self.rebuild()
            return True
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("cluster_state", clusters), ("wording_state", state)])
        return False

    def graph_ntriples(self, base: str) -> str:
        """The clusters as N-Triples: each wording node (a used one with its distinct projects and
        units and its rank by use), and a link from each indicator to it."""
        from budgetkg.graph.vocab import BKG, RDF, SKOS

        def lit(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"@zh'

        def integer(n: int) -> str:
            return f'"{n}"^^<http://www.w3.org/2001/XMLSchema#integer>'

        lines = []
        # indicator rows, distinct projects and distinct units (a project's publisher), and the
        # rank in the reused_wording query's order: the query reads them instead of grouping and
        # sorting the whole graph
        reach = {key: counts for key, *counts in self.db.execute(
            "SELECT tw.wording, COUNT(*), COUNT(DISTINCT i.project), COUNT(DISTINCT i.unit) "
            "FROM items i JOIN text_wording tw ON tw.text_id = i.text_id GROUP BY tw.wording")}
        wordings = self.db.execute("SELECT key, representative FROM wordings").fetchall()
        representatives = dict(wordings)
        used = sorted((key for key in representatives if key in reach), key=lambda key: (
            -reach[key][1], -reach[key][0], representatives[key], f"{base}wording/{key}"))
        for key, representative in wordings:
            node = f"<{base}wording/{key}>"
            uses, projects, units = reach.get(key, (0, 0, 0))
            lines += [f"{node} <{RDF.type}> <{BKG.Wording}> .", f"{node} <{RDF.type}> <{SKOS.Concept}> .",
                      f"{node} <{SKOS.inScheme}> <{BKG.wordings}> .", f"{node} <{SKOS.prefLabel}> {lit(representative)} .",
                      f"{node} <{BKG.useCount}> {integer(uses)} ."]
        for rank, key in enumerate(used, start=1):
            node = f"<{base}wording/{key}>"
            _, projects, units = reach[key]
            lines += [f"{node} <{BKG.projectUseCount}> {integer(projects)} .",
                      f"{node} <{BKG.unitUseCount}> {integer(units)} .", f"{node} <{BKG.useRank}> {integer(rank)} ."]
        for key, text in self.db.execute(
                "SELECT DISTINCT tw.wording, t.text FROM text_wording tw JOIN texts t ON t.id = tw.text_id "
                "JOIN wordings w ON w.key = tw.wording WHERE t.text <> w.representative"):
            lines.append(f"<{base}wording/{key}> <{SKOS.altLabel}> {lit(text)} .")
        for indicator, key in self.db.execute(
                "SELECT i.indicator, tw.wording FROM items i JOIN text_wording tw ON tw.text_id = i.text_id"):
            lines.append(f"<{indicator}> <{BKG.wording}> <{base}wording/{key}> .")
        return "\n".join(lines)

    # ---- reading -------------------------------------------------------------------------------------
    def count(self, keys: list[str] | None = None) -> int:
        if keys is not None:
            return len(keys)
        return self.db.execute("SELECT COUNT(*) FROM wordings").fetchone()[0]

    def ranked(self, offset: int = 0, limit: int = 50, keys: list[str] | None = None) -> list[dict[str, Any]]:
        """Wordings with their reach (indicators, projects, units, years, variants), most reused
        first; or the given keys in their order."""
        select = """SELECT w.key, w.representative, COUNT(*) AS indicators, COUNT(DISTINCT i.project) AS projects,
            COUNT(DISTINCT i.unit) AS units, COUNT(DISTINCT i.year) AS years, COUNT(DISTINCT i.text_id) AS variants,
            COUNT(DISTINCT i.document) AS documents
            FROM wordings w JOIN text_wording tw ON tw.wording = w.key JOIN items i ON i.text_id = tw.text_id"""
        if keys is None:
            rows = self.db.execute(select + " GROUP BY w.key ORDER BY projects DESC, indicators DESC, units DESC, w.representative "
                                   "LIMIT ? OFFSET ?", (limit, offset))
        else:
            chunk = keys[offset:offset + limit]
            if not chunk:
                return []
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(select + f" WHERE w.key IN ({marks}) GROUP BY w.key", chunk)
        names = ["key", "representative", "indicators", "projects", "units", "years", "variants", "documents"]
        found = [dict(zip(names, row)) for row in rows]
        if keys is not None:
            order = {key: n for n, key in enumerate(keys)}
            found.sort(key=lambda row: order[row["key"]])
        return found

    def keys_for_texts(self, text_ids: list[int]) -> list[str]:
        """The wordings of these texts, in the texts' order, each once."""
        if not text_ids:
            return []
        marks = ",".join("?" * len(text_ids))
        by_text = dict(self.db.execute(f"SELECT text_id, wording FROM text_wording WHERE text_id IN ({marks})", text_ids))
        return list(dict.fromkeys(by_text[t] for t in text_ids if t in by_text))

    def containing(self, text: str) -> list[str]:
        """Wordings one of whose spellings contains ``text`` (compared normalised), most used first."""
        needle = normalise(text)
        counts = dict(self.db.execute(
            """SELECT tw.wording, COUNT(*) FROM items i JOIN text_wording tw ON tw.text_id = i.text_id GROUP BY tw.wording"""))
        keys = {key for key, in self.db.execute(
            "SELECT DISTINCT tw.wording FROM text_wording tw JOIN texts t ON t.id = tw.text_id WHERE instr(t.text, ?) > 0",
            (text,))}
        if needle and needle != text:
            keys |= {key for key, norm in self.db.execute("SELECT key, normalised FROM wordings") if needle in norm}
        return sorted(keys, key=lambda key: -counts.get(key, 0))

    def key_of(self, indicator: str) -> str | None:
        row = self.db.execute("SELECT tw.wording FROM items i JOIN text_wording tw ON tw.text_id = i.text_id "
                              "WHERE i.indicator = ?", (indicator,)).fetchone()
        return row[0] if row else None

    def detail(self, key: str) -> dict[str, Any] | None:
        """A wording: its variants, reach, categories, target values, bases cited beside it, and
        every use."""
        from budgetkg.graph.numbers import parse_value

        row = self.db.execute("SELECT key, representative FROM wordings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        cursor = self.db.execute(
            """SELECT i.*, t.text AS wording_text FROM items i JOIN text_wording tw ON tw.text_id = i.text_id
               JOIN texts t ON t.id = i.text_id WHERE tw.wording = ? ORDER BY i.unit_name, i.year DESC, i.project_no, i.indicator""",
            (key,))
        names = [d[0] for d in cursor.description]
        uses = [dict(zip(names, r)) for r in cursor]
        bases: dict[str, list[dict[str, str]]] = {}
        if uses:
            marks = ",".join("?" * len(uses))
            for indicator, basis, canonical, kind in self.db.execute(
                    f"SELECT indicator, basis, canonical, kind FROM item_bases WHERE indicator IN ({marks})",
                    [u["indicator"] for u in uses]):
                bases.setdefault(indicator, []).append({"iri": basis, "canonical": canonical, "kind": kind})
        values: Counter = Counter()
        for use in uses:
            use["bases"] = bases.get(use["indicator"], [])
            parsed = parse_value(use["value"]) if use.get("value") else None
            use["parsed"] = None if parsed is None else {"op": parsed.op, "number": parsed.number, "unit": parsed.unit}
            values[(parsed.op, parsed.number, parsed.unit) if parsed and parsed.number is not None else ("text", None, use.get("value"))] += 1
        variants = Counter(use["wording_text"] for use in uses)
        basis_counts = Counter((b["iri"], b["canonical"], b["kind"]) for use in uses for b in use["bases"])
        return {
            "key": key, "representative": row[1],
            "variants": [{"text": text, "count": n} for text, n in variants.most_common()],
            "indicators": len(uses), "projects": len({u["project"] for u in uses}),
            "units": len({u["unit"] for u in uses}), "years": sorted({u["year"] for u in uses}),
            "level1": _counts(u["level1"] for u in uses), "level2": _counts(u["level2"] for u in uses),
            "level3": _counts(u["level3"] for u in uses),
            "values": [{"op": op, "number": number, "unit": unit if op != "text" else None,
                        "raw": unit if op == "text" else None, "count": n}
                       for (op, number, unit), n in values.most_common()],
            "bases": [{"iri": iri, "canonical": canonical, "kind": kind, "count": n}
                      for (iri, canonical, kind), n in basis_counts.most_common()],
            "uses": uses,
        }

    # ---- suggestions -----------------------------------------------------------------------------------
    def name_vectors(self, names: set[str], encode) -> dict[str, np.ndarray]:
        """The embeddings of project names: kept ones reused, new ones encoded in one batch."""
        found: dict[str, np.ndarray] = {}
        listed = list(names)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for text, vector in self.db.execute(f"SELECT text, vector FROM project_names WHERE text IN ({marks})", chunk):
                found[text] = np.frombuffer(vector, dtype=np.float32)
        new = sorted(names - set(found))
        if new:
            vectors = encode(new)
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO project_names VALUES (?, ?)",
                                    [(text, np.asarray(v, dtype=np.float32).tobytes()) for text, v in zip(new, vectors)])
            found.update({text: np.asarray(v, dtype=np.float32) for text, v in zip(new, vectors)})
        return found

    def store_projects(self, documents: list[str], vectors: dict[str, tuple[str, str, np.ndarray]]) -> None:
        """Replace the project vectors of these documents (project → (document, name, vector))."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM project_texts WHERE document = ?", [(d,) for d in documents])
            self.db.executemany("INSERT OR REPLACE INTO project_texts VALUES (?,?,?,?)",
                                [(project, document, name, vector.tobytes())
                                 for project, (document, name, vector) in vectors.items()])

    def forget_projects(self, document: str) -> None:
        self.db.execute("DELETE FROM project_texts WHERE document = ?", (document,))

    def suggest(self, query_vector: np.ndarray, projects: int = 10, k: int = 10) -> dict[str, Any]:
        """The wordings most used by the projects most like the query (a new project's name and
        goals; a project is represented by its name and its indicators' wording), weighted by
        how alike; with their typical categories and target values."""
        rows = self.db.execute("SELECT project, text, vector FROM project_texts").fetchall()
        if not rows:
            return {"similar_projects": [], "suggestions": []}
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        scores = matrix @ query_vector.astype(np.float32)
        best = np.argsort(-scores)[:projects]
        chosen = {rows[i][0]: float(scores[i]) for i in best}
        marks = ",".join("?" * len(chosen))
        cursor = self.db.execute(
            f"""SELECT i.project, i.project_name, i.unit_name, i.year, i.level1, i.level2, i.level3, i.value, tw.wording, w.representative
                FROM items i JOIN text_wording tw ON tw.text_id = i.text_id JOIN wordings w ON w.key = tw.wording
                WHERE i.project IN ({marks})""", list(chosen))
        by_wording: dict[str, dict[str, Any]] = {}
        for project, name, unit, year, level1, level2, level3, value, key, representative in cursor:
            entry = by_wording.setdefault(key, {"key": key, "representative": representative, "score": 0.0,
                                                "projects": set(), "level1": Counter(), "level2": Counter(),
                                                "level3": Counter(), "values": Counter()})
            if project not in entry["projects"]:
                entry["projects"].add(project)
                entry["score"] += chosen[project]
            for field, item in (("level1", level1), ("level2", level2), ("level3", level3), ("values", value)):
                if item:
                    entry[field][item] += 1
        suggestions = sorted(by_wording.values(), key=lambda e: (-e["score"], e["representative"]))[:k]
        names = {r[0]: r for r in self.db.execute(
            f"SELECT DISTINCT project, project_name, unit_name, year FROM items WHERE project IN ({marks})", list(chosen))}
        return {
            "similar_projects": [{"project": p, "name": names[p][1] if p in names else None,
                                  "unit_name": names[p][2] if p in names else None,
                                  "year": names[p][3] if p in names else None, "similarity": round(s, 4)}
                                 for p, s in chosen.items()],
            "suggestions": [{
                "key": e["key"], "representative": e["representative"], "score": round(e["score"], 4),
                "projects": len(e["projects"]),
                "level1": _top(e["level1"]), "level2": _top(e["level2"]), "level3": _top(e["level3"]),
                "typical_value": _top(e["values"]), "values": [{"raw": v, "count": n} for v, n in e["values"].most_common(5)],
            } for e in suggestions],
        }


def _counts(values) -> list[dict[str, Any]]:
    return [{"name": name, "count": n} for name, n in Counter(v for v in values if v).most_common()]


def _top(counter: Counter) -> str | None:
    return counter.most_common(1)[0][0] if counter else None
