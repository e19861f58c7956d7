"""The wording index: indicator texts embedded once each, in FAISS, beside the graph store.

Layout of ``<store>/index/``:

- ``index.sqlite``: the source of truth. ``texts`` holds every distinct text with its vector
  (a cache by text: identical wordings are embedded once, re-ingesting never re-encodes);
  ``items`` maps each indicator IRI to its texts and the facts filters need (一级/二级指标,
  unit, year, project, document); ``item_bases`` its legal bases; ``documents`` which version
  of each document is indexed; ``meta`` the model that built the vectors.
- ``vectors.faiss``: a FAISS index over ``texts`` whose ids are the text ids. It is derived
  data, rebuilt from the vectors in SQLite whenever it is missing or out of step.

The graph is the truth for indicators: :meth:`WordingIndex.sync` compares the indexed
documents with the store's and re-indexes what differs, so a crash between a graph write and
an index write is repaired at the next start. faiss is imported inside the functions that use it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS documents (iri TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    indicator TEXT PRIMARY KEY, document TEXT NOT NULL, text_id INTEGER, name_id INTEGER,
    description TEXT, level1 TEXT, level2 TEXT, level3 TEXT, value TEXT,
    project TEXT, project_name TEXT, project_no INTEGER, unit TEXT, unit_name TEXT, year INTEGER, line INTEGER, page INTEGER
);
CREATE INDEX IF NOT EXISTS items_document ON items (document);
CREATE TABLE IF NOT EXISTS item_bases (indicator TEXT NOT NULL, basis TEXT NOT NULL, canonical TEXT, kind TEXT);
CREATE INDEX IF NOT EXISTS item_bases_indicator ON item_bases (indicator);
CREATE INDEX IF NOT EXISTS item_bases_basis ON item_bases (basis);
"""
#: The rows of a wording in the order a result group lists them, with the unit its count needs:
#: a group's first rows are read off the index (only rows of one project are sorted, by indicator),
#: not sorted from all its rows (a boilerplate wording has ~100,000 at 10,000 documents), and its
#: counts come from the index alone. The indicator left out halves them (145 MB each at 10,000
#: documents). They replace the plain (text_id) and (name_id) indexes; an index file from before
#: gets them when it is opened writable.
SEARCH_INDEXES = {
    "items_text_order": "CREATE INDEX items_text_order ON items (text_id, unit_name, year, project_no, unit)",
    "items_name_order": "CREATE INDEX items_name_order ON items (name_id, unit_name, year, project_no, unit)",
}
REPLACED_INDEXES = ("items_text", "items_name")

#: Above this many vectors the FAISS index is HNSW (approximate); below it, exact flat search.
#: Chosen with bench/search.py: exact inner-product search costs about 0.09 ms per thousand
#: 384-d vectors here (0.9 ms at 10 k, 12-34 ms at 100 k, 160 ms at 1 M), so up to 50 k it stays
#: well inside the 20 ms end-to-end budget. HNSW (M 32) answers in 1-2 ms at 100 k-1 M; recall@10
#: against exact on realistic vectors was 0.976 at 100 k and 0.911 at 1 M with efSearch 256,
#: hence efSearch 512.
HNSW_THRESHOLD = 50_000
#: Documents indexed per encoding batch when the index catches up with the graph.
SYNC_CHUNK = 200
HNSW_M = 32
HNSW_EF_SEARCH = 512

#: The indicators of a document, read from its graph alone (data flows graph → embed); the
#: labels of the shared nodes it points at (unit, classes, bases) are looked up apart, once.
#: From the projects to their indicators, and the value without a property path: the same rows
#: 1.55× faster than starting from ?indicator a bkg:Indicator (measured at 100 documents).
INDICATORS_QUERY = """
SELECT ?indicator ?description ?class1 ?class2 ?level3 ?raw ?project ?projectName ?projectNo ?unit ?year ?line ?page
WHERE {
  GRAPH <%(doc)s> {
    ?project a bkg:Project ; rdfs:label ?projectName ; bkg:projectNumber ?projectNo ; dcterms:publisher ?unit ;
             bkg:fiscalYear ?year ; bkg:indicator ?indicator .
    OPTIONAL { ?indicator dcterms:description ?description }
    OPTIONAL { ?indicator rdfs:label ?level3 }
    OPTIONAL { ?indicator bkg:level1 ?class1 }
    OPTIONAL { ?indicator bkg:level2 ?class2 }
    OPTIONAL { ?indicator bkg:value ?value . ?value bkg:rawValue ?raw }
    OPTIONAL { ?indicator bkg:sourceLine ?line }
    OPTIONAL { ?indicator bkg:sourcePage ?page }
  }
}"""
BASES_QUERY = """SELECT ?indicator ?basis WHERE { GRAPH <%(doc)s> { ?indicator a bkg:Indicator ; bkg:legalBasis ?basis . } }"""


@dataclass(frozen=True)
class DocumentRows:
    """What the sync reads from a document's graph, read instead where the document was parsed
    (``budgetkg ingest`` of a new store): the rows of INDICATORS_QUERY, BASES_QUERY and
    statistics.CITATIONS_QUERY, for the version ``sha256``."""

    sha256: str
    rows: list[dict[str, Any]]
    bases: list[dict[str, Any]]
    citations: list[tuple[str, str, str, str | None]]


def document_rows(item) -> DocumentRows:
    """In a parse worker (BudgetStore.build's ``extract``): the document's own graph in a store in
    memory, asked the very queries the sync asks the store. Each reads only the document's named
    graph, so the rows are the same; reading them back from a store of 10,000 documents took
    most of the sync (py-spy), and parse workers have time to spare while the store is written."""
    import pyoxigraph as ox

    from budgetkg.graph.store import BudgetStore
    from budgetkg.graph.vocab import BKG

    from .statistics import CITATIONS_QUERY

    memory = BudgetStore(None)
    # lenient (no IRI validation: our own writer's N-Triples, as in the bulk load): 0.6× the time
    memory.store.load(item.own, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(item.iri), lenient=True)
    doc = {"doc": item.iri}
    sha = next(iter(memory.store.quads_for_pattern(ox.NamedNode(item.iri), ox.NamedNode(str(BKG.sha256)), None, None)))
    citations = [(row["basis"].value, row["project"].value, row["unit"].value,
                  None if row["cost"] is None else row["cost"].value) for row in memory.query(CITATIONS_QUERY % doc)]
    return DocumentRows(sha.object.value, _rows(memory.query(INDICATORS_QUERY % doc)),
                        _rows(memory.query(BASES_QUERY % doc)), citations)


class IndexError_(Exception):
    """The index cannot be used as asked (another model built it, it is damaged)."""


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    embedded: int  # texts newly encoded


class WordingIndex:
    """Indicator wording → vectors, persisted in ``folder``; thread-safe for searches."""

    def __init__(self, folder: str | Path | None, model_name: str, embedder_loader: Callable[[], Any] | None = None):
        """``model_name`` is the model this index holds vectors of; ``embedder_loader`` loads it
        (once, lazily: only when new texts must be encoded)."""
        self.folder = None if folder is None else Path(folder)
        self.embedder_loader = embedder_loader
        self.model_name = model_name
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        path = ":memory:" if self.folder is None else str(self.folder / "index.sqlite")
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)
        _add_search_indexes(self.db)
        self.lock = threading.RLock()
        self._faiss = None
        self._lexical = None
        self._wordings = None
        self._label_cache: dict[str, tuple[str, str | None]] = {}
        self._tfidf_cache: dict[tuple[int, str], Any] = {}
        self._live: dict[str, np.ndarray] = {}
        self._selectors: dict[int, tuple[np.ndarray, Any]] = {}
        stored = self.meta("model")
        if stored and self.model_name and stored != self.model_name:
            raise IndexError_(
                f"the index in {self.folder} was built with the model {stored!r}, not {self.model_name!r}: "
                "it refuses to mix models (remove the index folder to rebuild it with the new model)"
            )

    # ---- metadata --------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def text_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM texts").fetchone()[0]

    def documents(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT iri, sha256 FROM documents"))

    # ---- keeping in step with the graph -------------------------------------------------------------
    def sync(self, store, progress=None, handed: dict[str, DocumentRows] | None = None) -> SyncReport:
        """Bring the index in line with the graph store: index documents it lacks or holds in an
        older version, drop documents the store no longer has. ``handed``: document IRI → its
        rows as read where it was parsed (``document_rows``), used when of the stored version."""
        from .statistics import SCHEMA as STATISTICS_SCHEMA

        self.db.executescript(STATISTICS_SCHEMA)
        wanted = {str(doc["doc"]): str(doc["sha"]) for doc in store.documents()}
        have = self.documents()
        stale = [iri for iri, sha in have.items() if wanted.get(iri) != sha]
        missing = [iri for iri, sha in wanted.items() if have.get(iri) != sha]
        if handed:  # in the order they were parsed, which is the order their texts were encoded in
            fed = {iri: position for position, iri in enumerate(handed)}
            missing.sort(key=lambda iri: fed.get(iri, len(fed)))
        embedded = 0
        with self.lock:
            for iri in stale:
                if iri not in wanted:
                    self._remove_document(iri)
            for start in range(0, len(missing), SYNC_CHUNK):  # one encoding batch per chunk of documents
                chunk = missing[start:start + SYNC_CHUNK]
                embedded += self._index_documents(store, [(iri, wanted[iri]) for iri in chunk], handed or {})
                if progress:
                    for iri in chunk:
                        progress(iri)
            if stale or missing or self._faiss is None:
                self._live.clear()
                self._selectors.clear()
                self._refresh_faiss()
            self._sync_wordings(store)
            from .statistics import sync_statistics
            sync_statistics(self, store)  # graph/statistics, for the named query bases
        return SyncReport(added=len(missing), removed=len([i for i in stale if i not in wanted]), embedded=embedded)

    @property
    def wordings(self):
        """The wording clusters over this index (embed/wording.py)."""
        if self._wordings is None:
            from .wording import Wordings

            self._wordings = Wordings(self)
        return self._wordings

    def _sync_wordings(self, store) -> None:
        """Re-cluster when the texts in use changed, and keep the graph's copy of the clusters (one
        named graph, replaced whole) in step with them."""
        from budgetkg.graph.store import StoreError

        if self.meta("project_vectors") != "2":  # an index from before project suggestions: fill them in once
            documents = list(self.documents())
            for start in range(0, len(documents), SYNC_CHUNK):
                self._index_projects(documents[start:start + SYNC_CHUNK])
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('project_vectors', '2')")
        self.wordings.ensure()
        state = self.meta("wording_state")
        graph = store.iris.base + "graph/wording"
        if store.query(f'ASK {{ GRAPH <{graph}> {{ <{graph}> bkg:sha256 "{state}" }} }}'):
            return
        marker = f'<{graph}> <https://w3id.org/budgetkg/ontology#sha256> "{state}" .'
        try:
            store.replace_derived_graph(graph, self.wordings.graph_ntriples(store.iris.base), marker)
        except (StoreError, OSError):
            pass  # a read-only store: the graph gets the clusters at the next writable sync

    def _remove_document(self, iri: str) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self._delete_items(iri)
            self.db.execute("DELETE FROM documents WHERE iri = ?", (iri,))
        self.wordings.forget_projects(iri)

    def _delete_items(self, iri: str) -> None:
        self.db.execute("DELETE FROM item_bases WHERE indicator IN (SELECT indicator FROM items WHERE document = ?)", (iri,))
        self.db.execute("DELETE FROM items WHERE document = ?", (iri,))

    def _labels(self, store, nodes: set[str]) -> dict[str, tuple[str, str | None]]:
        """IRI → (label, basis kind) of shared nodes, cached (units, classes and bases recur).
        Read by direct index lookups: a SPARQL join here scanned the whole shared graph for
        every document, which at 10,000 documents dominated the sync (found with py-spy)."""
        import pyoxigraph as ox

        cache = self._label_cache
        graph = ox.NamedNode(store.shared_graph)
        pref_label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
        basis_kind = ox.NamedNode("https://w3id.org/budgetkg/ontology#basisKind")
        for node in nodes:
            if node in cache:
                continue
            subject = ox.NamedNode(node)
            label = next(iter(store.store.quads_for_pattern(subject, pref_label, None, graph)), None)
            if label is None:
                continue
            kind = next(iter(store.store.quads_for_pattern(subject, basis_kind, None, graph)), None)
            cache[node] = (label.object.value, None if kind is None else kind.object.value)
        return cache

    def _index_documents(self, store, documents: list[tuple[str, str]], handed: dict[str, DocumentRows]) -> int:
        """Index documents (IRI, sha256): their new texts encoded in one batch, then their rows
        (and, when handed, their citations for the statistics) written in one transaction."""
        from .statistics import record_citations

        read = []
        texts: set[str] = set()
        for iri, sha in documents:
            given = handed.get(iri)
            if given is not None and given.sha256 == sha:
                rows, bases, citations = [dict(row) for row in given.rows], given.bases, given.citations
            else:
                rows = _rows(store.query(INDICATORS_QUERY % {"doc": iri}))
                bases = _rows(store.query(BASES_QUERY % {"doc": iri}))
                citations = None  # read by sync_statistics
            labels = self._labels(store, {row[key] for row in rows for key in ("unit", "class1", "class2") if row.get(key)}
                                  | {b["basis"] for b in bases})
            for row in rows:
                row.setdefault("description", row.get("level3"))  # no 绩效指标描述 (Shanghai 填报表): the 三级指标
                row["unitName"] = labels.get(row["unit"], (row["unit"], None))[0]
                row["level1"] = labels[row["class1"]][0] if row.get("class1") in labels else None
                row["level2"] = labels[row["class2"]][0] if row.get("class2") in labels else None
            bases = [{**b, "canonical": labels[b["basis"]][0], "kind": labels[b["basis"]][1]}
                     for b in bases if b["basis"] in labels]
            texts |= {row[key] for row in rows for key in ("description", "level3") if row.get(key)}
            read.append((iri, sha, rows, bases, citations))
        embedded = self._ensure_texts(texts)
        ids = self._text_ids(texts)
        with self.db:  # one transaction for the chunk: a commit per document, each with its
            self.db.execute("BEGIN")  # fsyncs, was most of the sync at 10,000 documents (py-spy)
            for iri, sha, rows, bases, citations in read:
                self._delete_items(iri)
                self.db.executemany(
                    "INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            row["indicator"], iri, ids.get(row.get("description")), ids.get(row.get("level3")),
                            row.get("description"), row.get("level1"), row.get("level2"), row.get("level3"),
                            row.get("raw"), row["project"], row["projectName"], int(row["projectNo"]), row["unit"],
                            row["unitName"], int(row["year"]), _int(row.get("line")), _int(row.get("page")),
                        )
                        for row in rows
                    ],
                )
                self.db.executemany(
                    "INSERT INTO item_bases VALUES (?,?,?,?)",
                    [(b["indicator"], b["basis"], b["canonical"], b["kind"]) for b in bases],
                )
                self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?)", (iri, sha))
                if citations is not None:
                    record_citations(self.db, iri, sha, citations)
        self._index_projects([iri for iri, *_ in read])
        return embedded

    def _index_projects(self, documents: list[str]) -> None:
        """A vector per project, for suggestions: its name's embedding plus the mean of its
        indicator wordings' (already in the index), normalised. Only distinct names are encoded."""
        marks = ",".join("?" * len(documents))
        rows = self.db.execute(f"SELECT document, project, project_name, text_id FROM items WHERE document IN ({marks})",
                               documents).fetchall()
        names = self.wordings.name_vectors({name for _, _, name, _ in rows},
                                           lambda texts: self._require_embedder().encode_document(texts))
        projects: dict[str, tuple[str, str, list[int]]] = {}
        for document, project, name, text_id in rows:
            projects.setdefault(project, (document, name, []))[2].extend([text_id] if text_id is not None else [])
        wanted = sorted({t for _, _, text_ids in projects.values() for t in text_ids})
        text_vectors: dict[int, np.ndarray] = {}
        for start in range(0, len(wanted), 500):  # one query per 500 texts, not one per text
            chunk = wanted[start:start + 500]
            text_vectors.update((t, np.frombuffer(v, dtype=np.float32)) for t, v in self.db.execute(
                f"SELECT id, vector FROM texts WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        vectors = {}
        for project, (document, name, text_ids) in projects.items():
            vector = names[name].copy()
            if text_ids:
                vector += np.mean([text_vectors[t] for t in text_ids], axis=0)
            vectors[project] = (document, name, (vector / (np.linalg.norm(vector) or 1.0)).astype(np.float32))
        self.wordings.store_projects(documents, vectors)

    def _text_ids(self, texts: Iterable[str]) -> dict[str, int]:
        texts = list(texts)
        ids: dict[str, int] = {}
        for start in range(0, len(texts), 500):
            chunk = texts[start:start + 500]
            marks = ",".join("?" * len(chunk))
            ids.update(self.db.execute(f"SELECT text, id FROM texts WHERE text IN ({marks})", chunk))
        return ids

    def _ensure_texts(self, texts: set[str]) -> int:
        """Embed the texts not yet in the cache; returns how many were encoded."""
        new = sorted(set(texts) - set(self._text_ids(texts)))
        if not new:
            return 0
        embedder = self._require_embedder()
        vectors = embedder.encode_document(new)
        with self.db:
            self.db.execute("BEGIN")
            start = self.text_count()
            self.db.executemany(
                "INSERT INTO texts (id, text, vector) VALUES (?, ?, ?)",
                [(start + i, text, vectors[i].tobytes()) for i, text in enumerate(new)],
            )
            if self.meta("model") is None:
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", [("model", embedder.name), ("dim", str(embedder.dim))])
        return len(new)

    def _require_embedder(self):
        if self.embedder_loader is None:
            raise IndexError_("new texts to embed, but no embedding model was given")
        embedder = self.embedder_loader()
        if embedder.name != self.model_name:
            raise IndexError_(f"the loaded model {embedder.name!r} is not the index's {self.model_name!r}")
        return embedder

    # ---- FAISS -----------------------------------------------------------------------------------
    def _vectors(self) -> np.ndarray:
        dim = int(self.meta("dim") or 0)
        rows = self.db.execute("SELECT vector FROM texts ORDER BY id").fetchall()
        if not rows:
            return np.zeros((0, dim), dtype=np.float32)
        return np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(len(rows), -1)

    def _refresh_faiss(self) -> None:
        """Load vectors.faiss if it matches the texts, else rebuild it and save it atomically."""
        import faiss

        count = self.text_count()
        path = None if self.folder is None else self.folder / "vectors.faiss"
        if path is not None and path.exists() and self._faiss is None:
            try:
                index = faiss.read_index(str(path))
                if index.ntotal == count:
                    self._faiss, self._lexical = index, None
                    return
            except RuntimeError:
                pass  # damaged: rebuild below
        if self._faiss is not None and self._faiss.ntotal == count:
            return
        vectors = self._vectors()
        index = build_faiss(vectors)
        self._faiss, self._lexical = index, None
        if path is not None and count:
            temporary = path.with_suffix(".faiss.tmp")
            faiss.write_index(index, str(temporary))
            os.replace(temporary, path)

    @property
    def faiss(self):
        with self.lock:
            if self._faiss is None:
                self._refresh_faiss()
            return self._faiss

    # ---- search ---------------------------------------------------------------------------------------
    def allowed_texts(self, field: str, filters: dict[str, Any]) -> np.ndarray:
        """Ids of the texts of ``field`` that have at least one live indicator passing the filters
        (the texts of removed documents stay cached but are never returned)."""
        column = "text_id" if field == "description" else "name_id"
        where, params = _where(filters)
        if not where and field in self._live:
            return self._live[field]
        sql = f"SELECT DISTINCT i.{column} FROM items i WHERE i.{column} IS NOT NULL"
        if where:
            sql += f" AND {where}"
        ids = np.array(sorted(r[0] for r in self.db.execute(sql, params)), dtype=np.int64)
        if not where:
            self._live[field] = ids
        return ids

    def dense(self, query_vector: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """The k nearest texts to the query vector among ``allowed`` (None: every text, to find the
        neighbours of a text): exact filter-aware search."""
        import faiss

        index = self.faiss
        if index.ntotal == 0 or (allowed is not None and len(allowed) == 0):
            return []
        k = min(k, index.ntotal if allowed is None else len(allowed))
        params = None
        if allowed is not None and len(allowed) == index.ntotal:
            allowed = None  # every text qualifies: no selector to build
        if allowed is not None:
            selector = self._selectors.get(id(allowed))
            if selector is None or selector[0] is not allowed:
                selector = (allowed, faiss.IDSelectorBatch(allowed))
                if any(allowed is live for live in self._live.values()):
                    self._selectors[id(allowed)] = selector  # the unfiltered sets are reused
            selector = selector[1]
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
                      if isinstance(index, faiss.IndexHNSW) else faiss.SearchParameters(sel=selector))
        scores, ids = index.search(query_vector.reshape(1, -1).astype(np.float32), k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def lexical_scores(self, query: str, text_ids: Sequence[int]) -> dict[int, float]:
        """Character 1–3-gram TF-IDF cosine of the query against the given texts."""
        if not text_ids:
            return {}
        vectorizer, matrix, _, order = self._lexical_model()
        rows = [order[i] for i in text_ids if i in order]
        query_vector = self._query_tfidf(vectorizer, query)
        scores = (matrix[rows] @ query_vector.T).toarray().ravel()
        return {text_id: float(score) for text_id, score in zip([i for i in text_ids if i in order], scores)}

    def lexical_top(self, query: str, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        vectorizer, _, columns, order = self._lexical_model()
        if columns.shape[0] == 0:
            return []
        query_vector = self._query_tfidf(vectorizer, query)
        # only the query's n-grams' columns: 20× faster than the whole product at 33 k texts
        scores = columns[:, query_vector.indices] @ query_vector.data
        ids, mask = self._lexical_rows(order, allowed)
        if mask is not None:
            scores = scores[mask]
        best = np.argsort(-scores)[:k]
        return [(int(ids[i]), float(scores[i])) for i in best if scores[i] > 0]

    def _lexical_rows(self, order: dict[int, int], allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        """The text ids of the lexical rows that are in ``allowed``, and their mask (None: all): kept
        for the unfiltered sets, beside their FAISS selectors (1 ms a search at 30,000 texts)."""
        key = -1 - id(allowed)  # negative: apart from the selectors, whose keys are ids
        cached = self._selectors.get(key)
        if cached is not None and cached[0] is allowed and cached[1][0] is order:
            return cached[1][1], cached[1][2]
        ids = np.fromiter(order.keys(), dtype=np.int64)
        mask = None if allowed is None else np.isin(ids, allowed)
        if mask is not None:
            ids = ids[mask]
        if allowed is None or any(allowed is live for live in self._live.values()):
            self._selectors[key] = (allowed, (order, ids, mask))
        return ids, mask

    def _query_tfidf(self, vectorizer, query: str):
        """The query's TF-IDF vector, kept for recent queries (a search needs it twice, a page
        of results or a changed filter again)."""
        key = (id(vectorizer), query)
        with self.lock:
            cached = self._tfidf_cache.get(key)
            if cached is not None:
                return cached
        vector = vectorizer.transform([query])
        with self.lock:
            self._tfidf_cache[key] = vector
            while len(self._tfidf_cache) > 1024:
                self._tfidf_cache.pop(next(iter(self._tfidf_cache)))
        return vector

    def _lexical_model(self):
        with self.lock:
            if self._lexical is None:
                from sklearn.feature_extraction.text import TfidfVectorizer

                rows = self.db.execute("SELECT id, text FROM texts ORDER BY id").fetchall()
                vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
                matrix = vectorizer.fit_transform([text for _, text in rows] or [""])
                order = {text_id: position for position, (text_id, _) in enumerate(rows)}
                self._lexical = (vectorizer, matrix, matrix.tocsc(), order)
            return self._lexical

    def items_for(self, field: str, text_ids: Sequence[int], filters: dict[str, Any], limit: int | None = None,
                  exclude: str | None = None, prefer: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The indicators (passing the filters) whose text is one of ``text_ids``: with ``limit``,
        at most that many per text (a wording common to thousands of rows stays a small answer;
        ``group_counts`` gives the totals). ``exclude`` leaves one indicator out; ``prefer`` (an
        item) puts other units' and other projects' rows first."""
        if not text_ids:
            return []
        column = "text_id" if field == "description" else "name_id"
        where, params = _where(filters)
        conditions = (f" AND {where}" if where else "") + (" AND i.indicator != ?" if exclude is not None else "")
        args: list[Any] = [*params] + ([exclude] if exclude is not None else [])
        order = "i.unit_name, i.year, i.project_no, i.indicator"
        order_args: list[Any] = []
        if prefer is not None:
            order = "(i.unit = ?), (i.project = ?), " + order
            order_args = [prefer["unit"], prefer["project"]]
        select = f"SELECT i.*, t.text AS matched FROM items i JOIN texts t ON t.id = i.{column}"
        if limit is not None and not filters.get("basis"):
            # a query per text, read in the order of items_text_order and stopped after ``limit``
            # rows: a window over all the rows of a boilerplate wording took 0.5-1 s at 10,000
            # documents. (The basis filter's subquery would be evaluated once per text: one query.)
            sql = f"{select} WHERE i.{column} = ?{conditions} ORDER BY {order} LIMIT ?"
            rows: list[tuple] = []
            for text_id in dict.fromkeys(text_ids):
                cursor = self.db.execute(sql, [text_id, *args, *order_args, int(limit)])
                rows.extend(cursor.fetchall())
        else:
            marks = ",".join("?" * len(text_ids))
            conditions = f"i.{column} IN ({marks})" + conditions
            if limit is None:
                cursor = self.db.execute(f"{select} WHERE {conditions} ORDER BY {order}", [*text_ids, *args, *order_args])
            else:
                sql = (f"SELECT * FROM (SELECT i.*, t.text AS matched, ROW_NUMBER() OVER "
                       f"(PARTITION BY i.{column} ORDER BY {order}) AS rank_in_text FROM items i "
                       f"JOIN texts t ON t.id = i.{column} WHERE {conditions}) WHERE rank_in_text <= ? ORDER BY rank_in_text")
                cursor = self.db.execute(sql, [*order_args, *text_ids, *args, int(limit)])
            rows = cursor.fetchall()
        names = [d[0] for d in cursor.description]
        items = [dict(zip(names, row)) for row in rows]
        if items:
            marks = ",".join("?" * len(items))
            bases: dict[str, list[dict[str, str]]] = {}
            for indicator, basis, canonical, kind in self.db.execute(
                f"SELECT indicator, basis, canonical, kind FROM item_bases WHERE indicator IN ({marks})",
                [item["indicator"] for item in items],
            ):
                bases.setdefault(indicator, []).append({"iri": basis, "canonical": canonical, "kind": kind})
            for item in items:
                item.pop("rank_in_text", None)
                item["bases"] = bases.get(item["indicator"], [])
        return items

    def group_counts(self, field: str, text_ids: Sequence[int], filters: dict[str, Any],
                     exclude: str | None = None) -> dict[int, tuple[int, int]]:
        """Text id → (indicator rows, distinct units) passing the filters, for ``text_ids``."""
        if not text_ids:
            return {}
        column = "text_id" if field == "description" else "name_id"
        where, params = _where(filters)
        marks = ",".join("?" * len(text_ids))
        sql = f"SELECT i.{column}, COUNT(*), COUNT(DISTINCT i.unit) FROM items i WHERE i.{column} IN ({marks})"
        args: list[Any] = [*text_ids, *params]
        if where:
            sql += f" AND {where}"
        if exclude is not None:
            sql += " AND i.indicator != ?"
            args.append(exclude)
        return {text_id: (rows, units) for text_id, rows, units in self.db.execute(sql + f" GROUP BY i.{column}", args)}

    def wording_keys(self, text_ids: Sequence[int]) -> dict[int, str]:
        """Text id → the key of its reusable wording (embed/wording.py), where it has one."""
        if not text_ids:
            return {}
        marks = ",".join("?" * len(text_ids))
        try:
            return dict(self.db.execute(f"SELECT text_id, wording FROM text_wording WHERE text_id IN ({marks})",
                                        list(text_ids)))
        except sqlite3.OperationalError:  # no wording table yet
            return {}

    def item(self, indicator: str) -> dict[str, Any] | None:
        cursor = self.db.execute("SELECT * FROM items WHERE indicator = ?", (indicator,))
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row)) if row else None

    def vector(self, text_id: int) -> np.ndarray:
        row = self.db.execute("SELECT vector FROM texts WHERE id = ?", (text_id,)).fetchone()
        return np.frombuffer(row[0], dtype=np.float32)

    def known_values(self, column: str) -> list[Any]:
        if column == "basis":
            sql = "SELECT DISTINCT canonical FROM item_bases ORDER BY 1"
        else:
            assert column in ("level1", "level2", "unit_name", "year")
            sql = f"SELECT DISTINCT {column} FROM items WHERE {column} IS NOT NULL ORDER BY 1"
        return [row[0] for row in self.db.execute(sql)]

    def close(self) -> None:
        self.db.close()


def build_faiss(vectors: np.ndarray, threshold: int = HNSW_THRESHOLD):
    """Exact inner-product search while small; HNSW above ``threshold`` vectors."""
    import faiss

    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 384
    if len(vectors) > threshold:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _add_search_indexes(db: sqlite3.Connection) -> None:
    """Create SEARCH_INDEXES where missing or defined otherwise, and drop the indexes they replace
    (once, at the first writable open of an older index: 5 s at 10,000 documents). An index that
    is read-only, or that another process is writing, is searched without them meanwhile (the same
    answers, slower)."""
    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    script = [f"DROP INDEX IF EXISTS {name}; {sql};" for name, sql in SEARCH_INDEXES.items() if have.get(name) != sql]
    script += [f"DROP INDEX {name};" for name in REPLACED_INDEXES if name in have]
    if not script:
        return
    try:
        db.executescript(f"BEGIN; {' '.join(script)} COMMIT;")
    except sqlite3.OperationalError as err:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if not any(reason in str(err) for reason in ("readonly", "read-only", "locked")):
            raise


FILTER_COLUMNS = {"level1": "i.level1", "level2": "i.level2", "unit": "i.unit_name", "year": "i.year"}


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for key, column in FILTER_COLUMNS.items():
        if filters.get(key) is not None:
            clauses.append(f"{column} = ?")
            params.append(filters[key])
    if filters.get("basis"):
        clauses.append("i.indicator IN (SELECT indicator FROM item_bases WHERE canonical IN (%s))"
                       % ",".join("?" * len(filters["basis"])))
        params.extend(filters["basis"])
    return " AND ".join(clauses), params


def _rows(results) -> list[dict[str, Any]]:
    """SPARQL solutions as dicts of plain values (unbound variables left out)."""
    names = [variable.value for variable in results.variables]
    return [{name: s[name].value for name in names if s[name] is not None} for s in results]


def _int(value) -> int | None:
    return None if value is None else int(value)
