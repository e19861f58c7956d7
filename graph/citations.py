"""Legal bases of a parsed document: recognise every 指标值确定依据 cell, link the references
that denote one entity, and attach the result to the records (``basis.refs`` on indicators, and
the document's ``legal_bases``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .basis import BasisRef, Recognition, link, recognise
from .records import Basis, Document


def _ref(ref: BasisRef, entity) -> dict[str, Any]:
    return {"canonical": entity.canonical, "kind": entity.kind, "key": entity.key, "variant": ref.variant}


def _note(note) -> dict[str, Any]:
    return {"text": note.text, "amount": note.amount, "op": note.op}


def attach_bases(doc: Document) -> Document:
    """The document with its citations recognised and linked, and a warning for each basis
    text nothing could be recognised in."""
    recognised: dict[str, Recognition] = {}
    for project in doc.projects:
        for indicator in project.indicators:
            raw = indicator.basis.raw
            if raw and raw not in recognised:
                recognised[raw] = recognise(raw)
    entities, entity_of = link(ref for r in recognised.values() for ref in r.refs)

    cited_by: dict[str, list[int]] = {entity.canonical: [] for entity in entities}
    notes: dict[str, dict[str, dict[str, Any]]] = {entity.canonical: {} for entity in entities}
    warnings = list(doc.warnings)
    projects = []
    for project in doc.projects:
        indicators = []
        for indicator in project.indicators:
            found = recognised.get(indicator.basis.raw or "")
            if found is None:
                indicators.append(indicator)
                continue
            refs = tuple(_ref(ref, entity_of[ref]) for ref in found.refs)
            for ref in found.refs:
                canonical = entity_of[ref].canonical
                if project.no not in cited_by[canonical]:
                    cited_by[canonical].append(project.no)
                for note in found.notes:
                    notes[canonical].setdefault(note.text, _note(note))
            basis = Basis(raw=indicator.basis.raw, refs=refs, notes=tuple(_note(n) for n in found.notes))
            indicators.append(dataclasses.replace(indicator, basis=basis))
        projects.append(dataclasses.replace(project, indicators=tuple(indicators)))

    for raw, found in recognised.items():
        if not found.refs:
            line = next(
                (i.line for p in doc.projects for i in p.indicators if i.basis.raw == raw), None
            )
            where = f"line {line}: " if line else ""
            warnings.append(f"{where}no legal basis recognised in {raw!r}")

    legal_bases = tuple(
        {
            "canonical": entity.canonical,
            "kind": entity.kind,
            "key": entity.key,
            "variants": list(entity.variants),
            "issuer_code": entity.issuer_code,
            "year": entity.year,
            "number": entity.number,
            "title": entity.title,
            "notice": entity.notice,
            "issuer": entity.issuer,
            "notes": list(notes[entity.canonical].values()),
            "cited_by": cited_by[entity.canonical],
        }
        for entity in entities
    )
    return dataclasses.replace(doc, projects=tuple(projects), legal_bases=legal_bases, warnings=tuple(warnings))
