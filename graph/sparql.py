"""SPARQL results as text: the standard formats through Oxigraph's serialisers, and an aligned
table for people at a terminal."""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "json": ox.RdfFormat.JSON_LD,
    "csv": ox.RdfFormat.N_TRIPLES,
    "tsv": ox.RdfFormat.N_TRIPLES,
    "table": ox.RdfFormat.TURTLE,
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value


def format_results(results, fmt: str = "table") -> str:
    """SELECT/ASK/CONSTRUCT results in ``fmt`` (table, json, csv, tsv, xml)."""
    if isinstance(results, ox.QueryBoolean):
        if fmt == "table":
            return ("true" if bool(results) else "false") + "\n"
        return results.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if isinstance(results, ox.QueryTriples):
        return ox.serialize(results, format=GRAPH_FORMATS.get(fmt, ox.RdfFormat.N_TRIPLES)).decode("utf-8")
    if fmt != "table":
        return results.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    columns = [variable.value for variable in results.variables]
    rows = [[_cell(solution[name]) for name in columns] for solution in results]
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(cells, widths)).rstrip()

    out = [line(columns), line(["-" * width for width in widths])]
    out += [line(row) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
