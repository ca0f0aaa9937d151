"""`appeals match CASE.json|-` and `appeals criteria [ID]`.

Both print JSON on standard output. A case that is not valid prints each invalid field on
standard error and exits 2, as does an unknown criteria id.
"""

from __future__ import annotations

import json
import sys

import click

from ..contract import CaseError, parse_case
from . import cli

EXIT_INVALID = 2


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(EXIT_INVALID)


@cli.command("match", with_appcontext=False)
@click.argument("case_file", type=click.File("r", encoding="utf-8"))
@click.option("--date", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge the case as on this date (YYYY-MM-DD): a passed deadline, a check's reference.")
@click.option("--explain", is_flag=True,
              help="Print, for each requirement, the facts found and those set aside, and why.")
def match_command(case_file, today, explain) -> None:
    """Match a case (JSON file, or - for standard input) against the criteria; print the result."""
    from ..matching import match_case
    from ..matching.explain import explain as explain_case

    name = getattr(case_file, "name", "<stdin>")
    try:
        data = json.load(case_file)
    except json.JSONDecodeError as exc:
        _fail([f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"])
    except UnicodeDecodeError:
        _fail([f"{name}: not UTF-8 text"])
    try:
        case = parse_case(data)
    except CaseError as exc:
        _fail([f"{name}: the case is not valid:"] + [f"  {e['field']}: {e['message']}" for e in exc.errors])
    today = today.date() if today else None
    if explain:
        click.echo(explain_case(case, today=today), nl=False)
        return
    result = match_case(case, today=today)
    click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))


@cli.command("criteria", with_appcontext=False)
@click.argument("service", required=False)
def criteria_command(service: str | None) -> None:
    """List the services with criteria, or show one (by id, CPT code or name)."""
    from ..criteria import load_library, service_detail, service_summary

    library = load_library()
    if not service:
        listing = [service_summary(library, s) for s in library.services]
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    found = library.get(service) or library.resolve(service)
    if found is None:
        known = ", ".join(s.id for s in library.services)
        _fail([f"no criteria for {service!r}; known services: {known}"])
    click.echo(json.dumps(service_detail(library, found), indent=2, ensure_ascii=False))
