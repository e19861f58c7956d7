"""Named SPARQL queries for the questions researchers ask most; the tests use them, the
endpoint and the UI show them as examples.

Parameters are written into the query as SPARQL string literals (escaped), never spliced raw.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable


def basis_spellings(text: str) -> list[str]:
    """What a basis may be stored as, for any spelling of it: the text itself, its canonical
    form (冀综治办（2017）6号 → 冀综治办〔2017〕6号, 禁毒法 → 中华人民共和国禁毒法) and its title."""
    from .basis import recognise

    text = text.strip()
    refs = recognise(text).refs or recognise(f"《{text}》").refs
    spellings = [text]
    for ref in refs[:1]:
        spellings += [name for name in (ref.canonical, ref.title) if name]
    return list(dict.fromkeys(spellings))


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str  # what it answers, in Chinese and English
    sparql: str  # uses $param placeholders
    params: tuple[str, ...] = ()
    example: dict[str, str] | None = None
    #: Parameters that stand for several spellings: the function lists them, and the query
    #: uses the parameter in a VALUES clause.
    spellings: dict[str, Callable[[str], list[str]]] = field(default_factory=dict)

    def render(self, **params: str) -> str:
        """The query with each $param replaced by a SPARQL string literal."""
        missing = [p for p in self.params if p not in params]
        if missing:
            raise KeyError(f"query {self.name} needs {', '.join(missing)}")
        unknown = [p for p in params if p not in self.params]
        if unknown:
            raise KeyError(f"query {self.name} takes no parameter {', '.join(unknown)}")

        def literal(match: re.Match[str]) -> str:
            value = str(params[match[1]]).strip()
            if match[1] in self.spellings:  # Chinese labels: exact @zh terms, so that indexes are used
                return " ".join(json.dumps(v, ensure_ascii=False) + "@zh" for v in self.spellings[match[1]](value))
            return json.dumps(value, ensure_ascii=False)

        return re.sub(r"\$(\w+)", literal, self.sparql)


QUERIES: dict[str, NamedQuery] = {}


def _register(query: NamedQuery) -> NamedQuery:
    QUERIES[query.name] = query
    return query


_register(NamedQuery(
    name="projects_by_basis",
    title="依据某一法规或文件的项目、单位、年度与金额 / projects citing a legal basis, with units, years and amounts",
    params=("basis",),
    example={"basis": "冀综治办〔2017〕6号"},
    spellings={"basis": basis_spellings},
    sparql="""SELECT DISTINCT ?basis ?canonical ?kind ?unitName ?year ?project ?projectName ?cost (COUNT(DISTINCT ?indicator) AS ?indicators) ?document
WHERE {
  VALUES ?label { $basis }
  { ?basis skos:prefLabel ?label } UNION { ?basis skos:altLabel ?label } UNION { ?basis eli:title ?label }
  ?basis skos:prefLabel ?canonical ; bkg:basisKind ?kind .
  ?indicator bkg:legalBasis ?basis ; bkg:project ?project .
  ?project rdfs:label ?projectName ; bkg:fiscalYear ?year ; dcterms:publisher ?unit ; dcterms:isPartOf ?document .
  ?unit skos:prefLabel ?unitName .
  OPTIONAL { ?project bkg:cost ?cost }
}
GROUP BY ?basis ?canonical ?kind ?unitName ?year ?project ?projectName ?cost ?document
ORDER BY ?unitName ?year ?project""",
))

_register(NamedQuery(
    name="bases",
    title="所有法律依据及引用次数与涉及金额 / every legal basis with how often it is cited and the money involved",
    sparql="""SELECT ?basis ?canonical ?kind ?projects ?units ?amount
WHERE {
  # each property is read whole and the parts joined: at 10,000 documents twice as fast as looking
  # every basis up (bench/aggregates.py)
  { SELECT DISTINCT ?basis ?canonical ?kind WHERE {
      { SELECT ?basis ?kind WHERE { ?basis bkg:basisKind ?kind } }
      { SELECT ?basis ?canonical WHERE { ?basis skos:prefLabel ?canonical } } } }
  # the distinct citing projects, their units, the sum of their costs and the rank in this order,
  # kept by the index sync (graph/statistics); a basis no project cites has none: 0, 0, no amount
  OPTIONAL { SELECT ?basis ?citing WHERE { ?basis bkg:projectUseCount ?citing } }
  OPTIONAL { SELECT ?basis ?citingUnits WHERE { ?basis bkg:unitUseCount ?citingUnits } }
  OPTIONAL { SELECT ?basis ?amount WHERE { ?basis bkg:projectCostSum ?amount } }
  OPTIONAL { SELECT ?basis ?rank WHERE { ?basis bkg:useRank ?rank } }
  BIND (COALESCE(?citing, 0) AS ?projects)
  BIND (COALESCE(?citingUnits, 0) AS ?units)
}
ORDER BY DESC(?projects) ?rank ?canonical ?basis""",
))

_register(NamedQuery(
    name="unit_budget",
    title="某单位各年度的预算数（万元） / a unit's budget figures by year (万元)",
    params=("unit",),
    example={"unit": "中共秦皇岛经济技术开发区工委政法委员会"},
    spellings={"unit": lambda name: [name]},
    sparql="""SELECT DISTINCT ?unitName ?year ?figure ?figureLabel ?amount ?document ?line ?page
WHERE {
  VALUES ?name { $unit }
  { ?unit skos:prefLabel ?name } UNION { ?unit skos:altLabel ?name }
  ?unit skos:prefLabel ?unitName .
  ?observation a bkg:BudgetFigure ; obeu-dimension:organization ?unit ; bkg:fiscalYear ?year ;
               bkg:figure ?figure ; bkg:amount ?amount ; prov:wasDerivedFrom ?document .
  OPTIONAL { ?observation bkg:sourceLine ?line }
  OPTIONAL { ?observation bkg:sourcePage ?page }
  OPTIONAL { ?figure rdfs:label ?figureLabel FILTER(LANG(?figureLabel) = "zh") }
}
ORDER BY ?year ?figure""",
))

_register(NamedQuery(
    name="wording_usage",
    title="某一指标表述在哪些单位、项目中使用 / where an indicator wording is used",
    params=("text",),
    example={"text": "满意群众占总人数的比重"},
    sparql="""SELECT DISTINCT ?description ?level1Label ?level2Label ?level3 ?raw ?unitName ?year ?project ?projectName ?indicator
WHERE {
  # the text filter first, on descriptions alone: the joins then touch only the matches
  { SELECT ?indicator ?description WHERE {
      ?indicator dcterms:description ?description . FILTER(CONTAINS(STR(?description), $text)) } }
  ?indicator a bkg:Indicator ; bkg:project ?project ; bkg:value/bkg:rawValue ?raw .
  ?project rdfs:label ?projectName ; bkg:fiscalYear ?year ; dcterms:publisher/skos:prefLabel ?unitName .
  OPTIONAL { ?indicator rdfs:label ?level3 }
  OPTIONAL { ?indicator bkg:level1/skos:prefLabel ?level1Label }
  OPTIONAL { ?indicator bkg:level2/skos:prefLabel ?level2Label }
}
ORDER BY ?unitName ?year ?project ?indicator""",
))

_register(NamedQuery(
    name="reused_wording",
    title="被最多项目、单位复用的指标表述 / the indicator wordings reused by the most projects and units",
    sparql="""SELECT ?wording ?text ?uses ?projects ?units
WHERE {
  # the index sync (graph/wording) keeps each used wording's distinct projects and units and its
  # rank in this order, so only the first 100 are read: OPTIONAL + BOUND is a join made row by
  # row, where a plain join would read every wording
  ?wording bkg:useRank ?rank .
  FILTER (?rank <= 100 && EXISTS { ?wording a bkg:Wording })
  OPTIONAL { ?wording skos:prefLabel ?text }
  OPTIONAL { ?wording bkg:useCount ?uses }
  OPTIONAL { ?wording bkg:projectUseCount ?projects }
  OPTIONAL { ?wording bkg:unitUseCount ?units }
  FILTER (BOUND(?text) && BOUND(?uses) && BOUND(?projects) && BOUND(?units))
}
ORDER BY DESC(?projects) DESC(?uses) ?text
LIMIT 100""",
))

_register(NamedQuery(
    name="documents",
    title="已入库的预算公开文件 / the documents in the store",
    sparql="""SELECT DISTINCT ?document ?file ?unitName ?year ?kind ?format ?projects
WHERE {
  # each property is read whole and the parts joined, as in "bases": at 10,000 documents 0.75× the
  # time of looking each document's properties up (bench/aggregates.py)
  { SELECT ?document ?file WHERE { ?document bkg:fileName ?file } }
  { SELECT ?document ?year WHERE { ?document a bkg:BudgetDocument ; bkg:fiscalYear ?year } }
  { SELECT ?document ?kind WHERE { ?document bkg:budgetKind ?kind } }
  { SELECT ?document ?format WHERE { ?document bkg:sourceFormat ?format } }
  { SELECT ?document ?unit WHERE { ?document a bkg:BudgetDocument ; dcterms:publisher ?unit } }
  { SELECT ?unit ?unitName WHERE { ?unit a org:Organization ; skos:prefLabel ?unitName } }
  # counted when the document's graph was built: unbound for a document ingested before that
  OPTIONAL { SELECT ?document ?projects WHERE { ?document bkg:parsedProjectCount ?projects } }
}
ORDER BY ?unitName ?year ?file""",
))

_register(NamedQuery(
    name="failed_checks",
    title="对不上的数 / the sums in the documents that do not add up",
    sparql="""SELECT ?document ?check ?name ?expected ?actual ?line
WHERE {
  ?document bkg:check ?check .
  ?check rdfs:label ?name ; bkg:passed false .
  OPTIONAL { ?check bkg:expected ?expected } OPTIONAL { ?check bkg:actual ?actual }
  OPTIONAL { ?check bkg:sourceLine ?line }
}
ORDER BY ?document ?name""",
))
