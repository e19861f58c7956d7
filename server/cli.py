"""The ``budgetkg`` command line: one subcommand per job.

Errors in a document are reported as ``file:line: message`` on stderr with a non-zero exit
code, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from budgetkg.graph.parse import TEXT_SUFFIXES, parse_document, to_json
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


def _documents_in(paths: Sequence[str]) -> tuple[list[Path], list[Path]]:
    """Files named directly, and the supported documents inside named folders; plus skipped ones."""
    files: list[Path] = []
    skipped: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                (files if child.suffix.lower() in TEXT_SUFFIXES else skipped).append(child)
        else:
            files.append(path)
    return files, skipped


def cmd_parse(args: argparse.Namespace) -> int:
    files, skipped = _documents_in(args.paths)
    for path in skipped:
        if path.suffix.lower() == ".pdf":
            print(f"budgetkg: skipped {path}: PDF disclosures are not parsed yet", file=sys.stderr)
    if args.json and len(files) != 1:
        print("budgetkg: error: --json takes exactly one document", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for position, path in enumerate(files):
        try:
            document = parse_document(path)
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
    return status


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
