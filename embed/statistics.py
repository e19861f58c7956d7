"""Corpus-wide statistics kept in the graph, so that the named query ``bases`` reads them instead
of grouping and sorting the whole store: per cited legal basis, how many distinct projects and
units cite it, what those projects cost and its rank in the query's order (``bkg:projectUseCount``,
``bkg:unitUseCount``, ``bkg:projectCostSum``, ``bkg:useRank``), in the named graph
``<base>graph/statistics``.

The index sync runs :func:`sync_statistics` after every ingest and remove (data flows graph →
embed: it reads the store and writes only its own graph). Each indexed document's citations, the
rows of the original aggregate's inner ``SELECT DISTINCT ?basis ?project ?unit ?cost``, are read
from its named graph once per version (sha256) into the index's SQLite file (or handed over by
the index sync, read where the document was parsed); the totals are
summed from there, decimals exactly, and the graph is replaced whole, with a marker, only when
the indexed documents changed.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, localcontext
from typing import Mapping

from budgetkg.graph.vocab import BKG, SKOS, XSD

SCHEMA = """
CREATE TABLE IF NOT EXISTS citation_documents (iri TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS citations (document TEXT NOT NULL, basis TEXT NOT NULL, project TEXT NOT NULL,
                                      unit TEXT NOT NULL, cost TEXT);
CREATE INDEX IF NOT EXISTS citations_document ON citations (document);
"""

#: What the statistics graph holds; part of its marker, so that a new version rewrites it once.
VERSION = 1

#: A document's citations, read from its graph alone: a project cites the bases its indicators
#: cite (graph/rdf.py), and its publisher and cost are in the same graph.
CITATIONS_QUERY = """SELECT DISTINCT ?basis ?project ?unit ?cost WHERE { GRAPH <%(doc)s> {
  ?project bkg:legalBasis ?basis ; dcterms:publisher ?unit . OPTIONAL { ?project bkg:cost ?cost } } }"""


def statistics_graph(base: str) -> str:
    """The IRI of the statistics graph under a store's base."""
    return base + "graph/statistics"


def sync_statistics(index, store) -> bool:
    """Bring the citations kept in ``index`` (a WordingIndex) in step with its documents, and the
    statistics graph of ``store`` with them; True if the graph was rewritten. A read-only store
    is left as it is: its graph gets the statistics at the next writable sync."""
    from budgetkg.graph.store import StoreError

    db = index.db
    db.executescript(SCHEMA)
    wanted = index.documents()
    have = dict(db.execute("SELECT iri, sha256 FROM citation_documents"))
    with db:
        db.execute("BEGIN")
        for iri in [iri for iri, sha in have.items() if wanted.get(iri) != sha]:
            db.execute("DELETE FROM citations WHERE document = ?", (iri,))
            db.execute("DELETE FROM citation_documents WHERE iri = ?", (iri,))
        for iri, sha in wanted.items():
            if have.get(iri) == sha:
                continue
            rows = store.query(CITATIONS_QUERY % {"doc": iri})
            record_citations(db, iri, sha, [(row["basis"].value, row["project"].value, row["unit"].value,
                                              None if row["cost"] is None else row["cost"].value) for row in rows])
    graph = statistics_graph(store.iris.base)
    state = statistics_state(db)
    if store.query(f'ASK {{ GRAPH <{graph}> {{ <{graph}> bkg:sha256 "{state}" }} }}'):
        return False
    bases = [basis for basis, in db.execute("SELECT DISTINCT basis FROM citations")]
    marker = f'<{graph}> <{BKG.sha256}> "{state}" .'
    try:
        store.replace_derived_graph(graph, statistics_ntriples(db, basis_labels(store, bases)), marker)
    except (StoreError, OSError):
        return False
    return True


def record_citations(db, iri: str, sha: str, citations: list[tuple[str, str, str, str | None]]) -> None:
    """Keep a document version's citations (basis, project, unit, cost): the rows of
    CITATIONS_QUERY, read from the store or, by the index sync, where the document was parsed."""
    db.execute("DELETE FROM citations WHERE document = ?", (iri,))
    db.execute("DELETE FROM citation_documents WHERE iri = ?", (iri,))
    db.executemany("INSERT INTO citations VALUES (?,?,?,?,?)", [(iri, *row) for row in citations])
    db.execute("INSERT INTO citation_documents VALUES (?, ?)", (iri, sha))


def statistics_state(db) -> str:
    """A digest of what the statistics depend on: the versions of the documents they count."""
    digest = hashlib.sha256(f"statistics {VERSION}".encode())
    for iri, sha in db.execute("SELECT iri, sha256 FROM citation_documents ORDER BY iri"):
        digest.update(f"{iri} {sha};".encode())
    return digest.hexdigest()


def basis_labels(store, bases: list[str]) -> dict[str, str]:
    """The skos:prefLabel of each basis (the least, should one have several: the shapes allow
    one), read by direct index lookups."""
    import pyoxigraph as ox

    pref_label = ox.NamedNode(str(SKOS.prefLabel))
    found = {}
    for basis in bases:
        names = [q.object.value for q in store.store.quads_for_pattern(ox.NamedNode(basis), pref_label, None, None)]
        if names:
            found[basis] = min(names)
    return found


def statistics_ntriples(db, labels: Mapping[str, str]) -> str:
    """Per cited basis: distinct projects, distinct units, the sum of the citing projects' costs
    and the rank in the bases query's order (projects descending, label, IRI), as N-Triples.
    The sum is left out when a citing project has no cost, as SPARQL's SUM over an unbound
    value is unbound; a basis nobody cites gets nothing (the query reads 0 and sorts it by label)."""
    amounts: dict[str, Decimal | None] = {}
    with localcontext() as context:
        context.prec = 80  # exact for any xsd:decimal Oxigraph holds (at most 39 digits)
        for basis, cost in db.execute("SELECT basis, cost FROM citations"):
            total = amounts.get(basis, Decimal(0))
            amounts[basis] = None if cost is None or total is None else total + Decimal(cost)
    counts = {basis: (projects, units) for basis, projects, units in db.execute(
        "SELECT basis, COUNT(DISTINCT project), COUNT(DISTINCT unit) FROM citations GROUP BY basis")}
    lines = []
    ranked = sorted(counts, key=lambda basis: (-counts[basis][0], labels.get(basis, ""), basis))
    for rank, basis in enumerate(ranked, start=1):
        node, (projects, units) = f"<{basis}>", counts[basis]
        lines += [f'{node} <{BKG.projectUseCount}> "{projects}"^^<{XSD.integer}> .',
                  f'{node} <{BKG.unitUseCount}> "{units}"^^<{XSD.integer}> .',
                  f'{node} <{BKG.useRank}> "{rank}"^^<{XSD.integer}> .']
        if amounts[basis] is not None:
            lines.append(f'{node} <{BKG.projectCostSum}> "{amounts[basis]:f}"^^<{XSD.decimal}> .')
    return "\n".join(lines)
