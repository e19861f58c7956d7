"""The real Hebei document replicated under other file names, unit names and years, for the
benchmarks: the graph keeps the real shape, and selective queries stay selective."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from budgetkg.graph.parse import parse_document
from budgetkg.graph.rdf import IRIs, document_graph, split_shared

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "hebei_qinhuangdao_etdz_zhengfawei_2021_unit.txt"


def replicas(count: int) -> list[tuple[str, str, str]]:
    """(document IRI, its own N-Triples, its shared-node N-Triples) for ``count`` variants of the
    real document (the first is the real one, under a replica file name)."""
    doc = parse_document(SAMPLE)
    iris = IRIs()
    out = []
    for i in range(count):
        source = dataclasses.replace(doc.source, file=f"replica_{i:05d}.txt", sha256=f"{i:064x}")
        unit = dataclasses.replace(doc.unit, name=f"{doc.unit.name}{i:05d}" if i else doc.unit.name)
        variant = dataclasses.replace(doc, source=source, unit=unit, year=2015 + i % 10)
        own, shared = split_shared(document_graph(variant))
        out.append((str(iris.document(source.file)), _nt(own), _nt(shared)))
    return out


def _nt(graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
