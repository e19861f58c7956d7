"""The persistent embedded store: Oxigraph (RocksDB on disk), one named graph per document.

Every write is one transaction: a document's graph is replaced by a single SPARQL update
(DROP + INSERT DATA), so a failure leaves the store exactly as it was. rdflib stays the
modelling API (records → rdflib Graph); Oxigraph stores, queries and serialises.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox

from .owner import exit_with_owner
from .parse import parse_document
from .rdf import IRIs, document_ntriples
from .records import DocumentError
from budgetkg.ontology import ONTOLOGY as ONTOLOGY_FILE

from .vocab import DEFAULT_BASE, PREFIXES

#: Export formats by their command-line names.
EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def default_store() -> str:
    return os.environ.get("BUDGETKG_STORE", "store")


def default_base() -> str:
    return os.environ.get("BUDGETKG_BASE", DEFAULT_BASE)


class StoreError(Exception):
    """The store cannot be opened or written; says which and why."""


@dataclass(frozen=True)
class IngestResult:
    file: str
    document: str  # the document's IRI, also its named graph
    status: str  # "added", "replaced" or "unchanged"
    triples: int


def _prefix_header() -> str:
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


class BudgetStore:
    """A budgetkg store on disk (or in memory with ``path=None``, for tests and benchmarks)."""

    def __init__(self, path: str | Path | None, base: str | None = None, read_only: bool = False):
        self.path = None if path is None else Path(path)
        self.iris = IRIs(base or default_base())
        self._memory_sources: dict[str, bytes] = {}  # the originals of an in-memory store
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except OSError as err:
            message = str(err)
            if "lock" in message.lower():
                message = "it is in use by another process (a running server or ingest)"
            raise StoreError(f"cannot open the store {self.path}: {message}") from None

    # ---- documents ---------------------------------------------------------------------------
    def document_iri(self, file: str) -> str:
        return str(self.iris.document(PurePath(file).name))

    def stored_sha256(self, iri: str) -> str | None:
        query = f"SELECT ?sha WHERE {{ GRAPH <{iri}> {{ <{iri}> bkg:sha256 ?sha }} }}"
        for row in self.query(query):
            return row["sha"].value
        return None

    def ingest(self, path: str | Path) -> IngestResult:
        """Parse one document and put its graph in the store, replacing an older version.

        Raises DocumentError for a document that cannot be parsed; the store is then unchanged.
        """
        path = Path(path)
        data = _read(path)
        iri = self.document_iri(path.name)
        sha = hashlib.sha256(data).hexdigest()
        previous = self.stored_sha256(iri)
        if previous == sha:
            if self.source(path.name) is None:  # a store from before originals were kept
                self._keep_source(path.name, data)()
            return IngestResult(path.name, iri, "unchanged", 0)
        return self._write(prepare(path, self.iris.base, data), previous)

    def ingest_many(self, paths: Iterable[str | Path], workers: int = 0, bulk: bool = False,
                    texts: Callable[[tuple[str, ...]], None] | None = None,
                    extract: Callable[[Prepared], Any] | None = None,
                    extracted: Callable[[str, Any], None] | None = None) -> Iterator[IngestResult | DocumentError]:
        """Ingest many documents, yielding each one's result (or its DocumentError) in order.

        Unchanged documents are recognised by their sha256 without parsing. ``workers`` processes
        parse and build the RDF while this one writes. Each document is its own transaction, except
        with ``bulk`` (for a store being built from nothing, see ``build``), where documents are
        bulk-loaded in batches: fast, but not transactional. ``texts`` is handed each parsed
        document's free text (``document_texts``) as soon as it is parsed. ``extract`` (a
        module-level function, as it runs in the workers) is called with each prepared document,
        its N-Triples still at hand, and ``extracted`` gets (document IRI, what it returned):
        what a later step would otherwise read back from the store.
        """
        todo: list[tuple[Path, bytes, str | None]] = []
        results: dict[int, IngestResult | DocumentError] = {}
        order: list[Path] = []
        for path in map(Path, paths):
            order.append(path)
            try:
                data = _read(path)
            except DocumentError as err:
                results[len(order) - 1] = err
                continue
            iri = self.document_iri(path.name)
            previous = None if bulk else self.stored_sha256(iri)
            if previous == hashlib.sha256(data).hexdigest():
                if self.source(path.name) is None:
                    self._keep_source(path.name, data)()
                results[len(order) - 1] = IngestResult(path.name, iri, "unchanged", 0)
            else:
                todo.append((path, data, previous))
        prepared = _prepared(todo, self.iris.base, workers, extract, quads=bulk)
        positions = {id(path): n for n, path in enumerate(order)}
        batch: list[tuple[int, Prepared]] = []
        written: set[str] = set()
        shared_written: set[str] = set()  # N-Quads lines of the shared graph already bulk-loaded
        next_out = 0

        def flush_batch() -> None:
            if batch:
                self._bulk_write([item for _, item in batch], shared_written)
                for position, item in batch:
                    results[position] = IngestResult(item.path.name, item.iri, "added", item.triples)
                batch.clear()

        for (path, _, previous), item in zip(todo, prepared):
            if not isinstance(item, DocumentError):
                if texts is not None:
                    texts(item.texts)
                if extracted is not None and extract is not None:
                    extracted(item.iri, item.extracted)
            if isinstance(item, DocumentError):
                results[positions[id(path)]] = item
            elif bulk and item.iri not in written:
                written.add(item.iri)
                batch.append((positions[id(path)], item))
                if len(batch) >= BULK_BATCH:
                    flush_batch()
            else:
                try:
                    results[positions[id(path)]] = self._write(item, previous or self.stored_sha256(item.iri))
                except StoreError as err:
                    results[positions[id(path)]] = DocumentError(str(path), str(err))
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
        flush_batch()
        while next_out in results:
            yield results.pop(next_out)
            next_out += 1

    def _write(self, item: "Prepared", previous: str | None) -> IngestResult:
        """One document, one transaction: a new one is loaded, a changed one replaced."""
        commit = self._keep_source(item.path.name, item.data)
        try:
            if previous is None:
                try:
                    self.store.load(item.quads + "\n" + item.shared_quads if item.quads
                                    else _nquads(item.own, item.iri) + "\n" + _nquads(item.shared, self.shared_graph),
                                    ox.RdfFormat.N_QUADS)
                except (OSError, SyntaxError, ValueError) as err:
                    raise StoreError(f"cannot write the graph {item.iri}: {err}") from None
            elif item.quads:  # prepared for a bulk load (a file name given twice): back to triples
                own, shared = _ntriples(item.quads, item.iri), _ntriples(item.shared_quads, self.shared_graph)
                self.replace_graph(item.iri, own, shared)
            else:
                self.replace_graph(item.iri, item.own, item.shared)
        except BaseException:
            commit(keep=False)
            raise
        commit()
        return IngestResult(item.path.name, item.iri, "replaced" if previous else "added", item.triples)

    def _bulk_write(self, items: list["Prepared"], shared_written: set[str]) -> None:
        """Bulk-load ``items`` (prepared with N-Quads). What documents say of shared nodes (units,
        bases, classes) recurs across documents: a line of the shared graph already loaded in
        this build (``shared_written``, updated here) is not loaded again; 0.1 of all quads at
        400 documents, more at more."""
        # N-Quads made by the workers; lenient: they come from our own writer (graph/rdf.py),
        # whose IRIs are built escaped, and IRI validation was a fifth of the loader's time
        parts = []
        for item in items:
            parts.append(item.quads or _nquads(item.own, item.iri))
            shared = item.shared_quads if item.quads else _nquads(item.shared, self.shared_graph)
            new = [line for line in shared.split("\n") if line and line not in shared_written]
            shared_written.update(new)
            parts.extend(new)
        self.store.bulk_load("\n".join(parts), ox.RdfFormat.N_QUADS, lenient=True)
        for item in items:
            self._keep_source(item.path.name, item.data)()

    @classmethod
    def build(cls, path: str | Path, paths: Iterable[str | Path], base: str | None = None, workers: int = 0,
              progress=None, texts: Callable[[tuple[str, ...]], None] | None = None,
              extract: Callable[[Prepared], Any] | None = None,
              extracted: Callable[[str, Any], None] | None = None) -> list[IngestResult | DocumentError]:
        """Build a new store at ``path`` from many documents, bulk-loading them: the store is built
        in ``<path>.building`` and moved into place only when complete, so a crash or a failed
        load leaves no half-written store. ``path`` must not exist, or be an empty folder."""
        import gc
        import shutil

        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise StoreError(f"cannot build a new store at {path}: the folder is not empty")
        building = path.with_name(path.name + ".building")
        shutil.rmtree(building, ignore_errors=True)  # what a crashed build left
        store = cls(building, base=base)
        try:
            store.ensure_ontology()
            results = []
            for result in store.ingest_many(paths, workers=workers, bulk=True, texts=texts, extract=extract,
                                            extracted=extracted):
                results.append(result)
                if progress:
                    progress(result)
            store.flush()
        except BaseException:
            del store
            gc.collect()
            shutil.rmtree(building, ignore_errors=True)
            raise
        del store
        gc.collect()  # RocksDB closes when the store object goes
        if path.exists():
            path.rmdir()
        os.replace(building, path)
        return results

    # ---- the original documents, kept so that the app can serve them --------------------------
    @property
    def sources_folder(self) -> Path | None:
        return None if self.path is None else self.path / "sources"

    def _keep_source(self, name: str, data: bytes):
        """Stage a copy of an original; the returned function moves it into place (or drops it),
        so that a failed graph write leaves no new file behind."""
        if self.sources_folder is None:
            def commit_memory(keep: bool = True) -> None:
                if keep:
                    self._memory_sources[name] = data
            return commit_memory
        self.sources_folder.mkdir(exist_ok=True)
        staged = self.sources_folder / f".{name}.tmp"
        staged.write_bytes(data)

        def commit_file(keep: bool = True) -> None:
            if keep:
                os.replace(staged, self.sources_folder / name)
            else:
                staged.unlink(missing_ok=True)
        return commit_file

    def source(self, name: str) -> bytes | None:
        """The original bytes of a stored document, by its file name (None if not kept)."""
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            return None
        if self.sources_folder is None:
            return self._memory_sources.get(name)
        try:
            return (self.sources_folder / name).read_bytes()
        except OSError:
            return None

    @property
    def shared_graph(self) -> str:
        """The named graph of the nodes documents share (units, legal bases, classifications)."""
        return self.iris.base + "graph/shared"

    def replace_graph(self, iri: str, ntriples: str, shared: str = "") -> None:
        """Atomically drop the named graph and insert the given N-Triples into it (and add the
        ``shared`` triples to the shared graph, where a triple stated twice is kept once)."""
        update = f"DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{ntriples}\n}}"
        if shared.strip():
            update += f"\nGRAPH <{self.shared_graph}> {{\n{shared}\n}}"
        update += " }"
        try:
            self.store.update(update)
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"cannot write the graph {iri}: {err}") from None

    def replace_derived_graph(self, iri: str, ntriples: str, marker: str = "") -> None:
        """Replace a graph the wording index derives from the documents (the wording clusters,
        the citation statistics), whose writer marks it with a digest triple (``marker``, one
        N-Triples line) and checks for it: the old graph is dropped, the new one bulk-loaded, and
        only then is the marker added. At 10,000 documents the wording graph is 1.44 million
        triples: into a new store the bulk loader takes 0.17× the time of a load in one
        transaction (13.5 against 80.7 s) and 0.27× that of one SPARQL update (bench/derived_graph.py).
        A bulk load is not a transaction, so a failure drops what it loaded; should even that
        fail, the graph is left without its marker and the next sync replaces it whole.

        :raise StoreError: the store cannot be written, or the N-Triples are malformed.
        """
        graph = ox.NamedNode(iri)
        try:
            self.store.remove_graph(graph)
            # lenient: N-Triples the index writes from IRIs and literals it escaped itself
            self.store.bulk_load(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
            if marker:
                self.store.load(marker.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=graph)
        except (OSError, SyntaxError, ValueError) as err:
            try:
                self.store.remove_graph(graph)
            except OSError:
                pass  # no marker: the next sync replaces it whole
            raise StoreError(f"cannot write the graph {iri}: {err}") from None

    def ensure_ontology(self) -> None:
        """Keep the ontology in its own named graph, so that queries can read its labels."""
        if not ONTOLOGY_FILE.exists():
            return
        data = ONTOLOGY_FILE.read_bytes()
        iri = self.iris.base + "graph/ontology"
        sha = hashlib.sha256(data).hexdigest()
        ask = f"ASK {{ GRAPH <{iri}> {{ <{iri}> bkg:sha256 \"{sha}\" }} }}"
        if self.query(ask):
            return
        graph = ox.Store()
        graph.load(data, ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        lines = [f"{q.subject} {q.predicate} {q.object} ." for q in graph]
        lines.append(f"<{iri}> <{PREFIXES['bkg']}sha256> \"{sha}\" .")
        self.replace_graph(iri, "\n".join(lines))

    def resolve_document(self, name: str) -> str | None:
        """A stored document's IRI from its IRI, file name or file stem."""
        candidate = name if "://" in name else self.document_iri(name)
        if "<" not in candidate and ">" not in candidate and " " not in candidate:
            if self.query(f"ASK {{ GRAPH <{candidate}> {{ <{candidate}> a bkg:BudgetDocument }} }}"):
                return candidate
        for row in self.query(
            "SELECT ?doc WHERE { GRAPH ?doc { ?doc bkg:fileName ?file } "
            f"FILTER(?file = {_literal(name)} || STRBEFORE(?file, \".\") = {_literal(name)}) }}"
        ):
            return row["doc"].value
        return None

    def remove(self, name: str) -> str:
        """Remove a document's named graph; returns its IRI. Raises KeyError if unknown."""
        iri = self.resolve_document(name)
        if iri is None:
            raise KeyError(name)
        files = [row["file"].value for row in self.query(f"SELECT ?file WHERE {{ GRAPH <{iri}> {{ <{iri}> bkg:fileName ?file }} }}")]
        # the shared graph keeps what other documents also say; with no document left, it goes too
        self.store.update(
            f"DROP GRAPH <{iri}> ; DELETE {{ GRAPH <{self.shared_graph}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH <{self.shared_graph}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?d a bkg:BudgetDocument }} }} }}",
            prefixes=PREFIXES,
        )
        for name in files:
            self._memory_sources.pop(name, None)
            if self.sources_folder is not None:
                (self.sources_folder / name).unlink(missing_ok=True)
        return iri

    def documents(self) -> list[dict[str, object]]:
        """Every stored document: IRI, file, sha256, unit, year, kind, format (no full scan)."""
        query = """
        SELECT ?doc ?file ?sha ?unit ?year ?kind ?format WHERE {
          GRAPH ?doc { ?doc a bkg:BudgetDocument ; bkg:fileName ?file ; bkg:sha256 ?sha ;
                            bkg:fiscalYear ?year ; bkg:budgetKind ?kind ; bkg:sourceFormat ?format ;
                            dcterms:publisher ?publisher }
          ?publisher skos:prefLabel ?unit .
        } ORDER BY ?file"""
        return [
            {key: _python(row[key]) for key in ("doc", "file", "sha", "unit", "year", "kind", "format")}
            for row in self.query(query)
        ]

    def stats(self) -> dict[str, int]:
        def count(pattern: str) -> int:
            rows = list(self.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
            return int(rows[0]["n"].value)

        return {
            "documents": count("?x a bkg:BudgetDocument"),
            "units": count("?d a bkg:BudgetDocument ; dcterms:publisher ?x"),
            "projects": count("?x a bkg:Project"),
            "indicators": count("?x a bkg:Indicator ; bkg:project ?p"),
            "bases": count("?i bkg:legalBasis ?x"),  # cited by a stored document
            "triples": len(self.store),
        }

    # ---- queries and export --------------------------------------------------------------------
    def query(self, sparql: str, **options):
        """Run a SPARQL query over the union of all documents' graphs (our prefixes predeclared)."""
        return self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True, **options)

    def export(self, output: BinaryIO, format: str) -> None:
        """Serialise the store: dataset formats (nq, trig, jsonld) keep the named graphs, triple
        formats (turtle, nt) merge them into one graph."""
        rdf_format = EXPORT_FORMATS[format]
        prefixes = {k: v for k, v in PREFIXES.items()}
        if rdf_format.supports_datasets:
            ox.serialize(self.store, output, rdf_format, prefixes=prefixes if rdf_format is ox.RdfFormat.TRIG else None)
            return
        triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        kwargs = {"prefixes": prefixes} if rdf_format is ox.RdfFormat.TURTLE else {}
        ox.serialize(triples, output, rdf_format, **kwargs)

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    def compact(self) -> None:
        """Compact the store's files into one sorted run per index (RocksDB's full compaction,
        Oxigraph's ``optimize``). A bulk load leaves its data over several levels of files, and
        every index lookup of a query then searches each of them: at 10,000 documents compacting
        made the selective named queries 0.75× as long and the store 0.8× as large. Safe to
        interrupt: RocksDB drops the old files only once the new ones are in place.

        :raise StoreError: RocksDB could not compact (the disk is full, say); the store is unchanged.
        """
        if self.path is None:
            return
        try:
            self.store.optimize()
        except OSError as err:
            raise StoreError(f"cannot compact the store {self.path}: {err}") from None

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.store)

    def __len__(self) -> int:
        return len(self.store)


#: Documents per bulk load when a store is built from nothing (fewer, larger loads: 0.79× the
#: loader's time at 500 against 100, measured at 1,000 documents).
BULK_BATCH = 300


@dataclass(frozen=True)
class Prepared:
    """A parsed document, ready to write: its N-Triples (own and shared) and original bytes; for a
    bulk load, its N-Quads instead (made in the worker, off the writing process)."""

    path: Path
    iri: str
    data: bytes
    own: str
    shared: str
    triples: int
    texts: tuple[str, ...] = ()  # the free text search embeds (see document_texts)
    quads: str = ""  # own as N-Quads, when prepared for a bulk load (then own and shared are "")
    shared_quads: str = ""  # shared as N-Quads, likewise
    extracted: Any = None  # what the caller's extract function returned (ingest_many)


def document_texts(document) -> tuple[str, ...]:
    """The free text of a document's projects that search embeds: project names, and each
    indicator's description and name, exactly as the graph states them (rdfs:label,
    dcterms:description). Known at parse time, so that encoding can start before the store is
    written (``budgetkg ingest`` of a new store)."""
    texts: dict[str, None] = {}
    for project in document.projects:
        if project.name:
            texts[project.name] = None
        for indicator in project.indicators:
            for text in (indicator.description, indicator.level3 or indicator.description):
                if text:
                    texts[text] = None
    return tuple(texts)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise DocumentError(str(path), f"cannot read the file: {err.strerror or err}") from None


def prepare(path: Path, base: str, data: bytes | None = None, extract: Callable[[Prepared], Any] | None = None,
            quads: bool = False) -> Prepared:
    """Parse a document and build its RDF (no store needed: runs in worker processes too);
    ``extract`` is run on the result, and with ``quads`` the N-Triples become N-Quads."""
    data = _read(path) if data is None else data
    document = parse_document(path)
    own, shared = document_ntriples(document, base, datetime.now(timezone.utc))
    item = Prepared(path, str(IRIs(base).document(path.name)), data, own, shared,
                    own.count("\n") + shared.count("\n") + 2, document_texts(document))
    if extract is not None:
        item = replace(item, extracted=extract(item))
    if quads:
        item = replace(item, own="", shared="", quads=_nquads(own, item.iri),
                       shared_quads=_nquads(shared, IRIs(base).base + "graph/shared"))
    return item


def _prepare_in_worker(job: tuple) -> Prepared | DocumentError:
    try:
        return prepare(Path(job[0]), job[1], extract=job[2], quads=job[3])
    except DocumentError as err:
        return err


def _prepared(todo: list[tuple[Path, bytes, str | None]], base: str, workers: int,
              extract: Callable[[Prepared], Any] | None = None, quads: bool = False) -> Iterator[Prepared | DocumentError]:
    """Each document of ``todo`` prepared, in order: in ``workers`` spawned processes when
    there are enough documents to pay for starting them, else here. The workers run at most
    BACKLOG documents ahead of the caller: when writing is slower than parsing, their results
    wait in the workers, not in this process's memory (12 GB at 10,000 documents without)."""
    if workers > 1 and len(todo) >= 4 * workers:
        import multiprocessing
        import threading

        window = threading.Semaphore(max(BACKLOG, 8 * workers))
        stopped = False

        def jobs():  # consumed by the pool's task thread, which waits here for room
            for path, _, _ in todo:
                window.acquire()
                if stopped:
                    return
                yield str(path), base, extract, quads

        with multiprocessing.get_context("spawn").Pool(workers, initializer=exit_with_owner) as pool:
            try:
                for item in pool.imap(_prepare_in_worker, jobs(), chunksize=4):
                    window.release()
                    yield item
            finally:
                stopped = True
                window.release()  # a task thread waiting for room sees the stop, so the pool can close
        return
    for path, data, _ in todo:
        try:
            yield prepare(path, base, data, extract, quads)
        except DocumentError as err:
            yield err


#: Documents the parse workers may run ahead of the writer (see _prepared).
BACKLOG = 2 * BULK_BATCH


def _nquads(ntriples: str, graph: str) -> str:
    """N-Triples lines (each ending in " .") put into a named graph."""
    if not ntriples:
        return ""
    suffix = f" <{graph}> ."
    return "\n".join(line[:-2] + suffix for line in ntriples.split("\n") if line)


def _ntriples(nquads: str, graph: str) -> str:
    """The N-Triples of one graph's lines of ``_nquads`` output."""
    suffix = f" <{graph}> ."
    return "\n".join(line[:-len(suffix)] + " ." for line in nquads.split("\n") if line.endswith(suffix))


def _literal(text: str) -> str:
    """A SPARQL string literal (JSON escaping is valid SPARQL escaping)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _python(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.endswith("#integer"):
            return int(term.value)
        return term.value
    return term.value
