"""`appeals templates …`: check, preview, add and list Word letter templates from a terminal.

    appeals templates check FILE              the upload check (exit 1 when refused)
    appeals templates preview FILE [-o DIR]   render it for the sample cases
    appeals templates variables               every letter variable with its type and example
    appeals templates add FILE --name NAME --user EMAIL [--visibility private|organization|public]
    appeals templates list [--user EMAIL]
"""

from __future__ import annotations

import json
import os

import click

from . import cli


@cli.group()
def templates() -> None:
    """Advocates' Word letter templates: check, preview, add, list."""


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _print_report(report) -> None:
    for problem in report.problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(f"{problem.severity}: {problem.location}: {problem.message}", fg=colour)
        if problem.snippet:
            click.echo(f"    in: {problem.snippet}")
        if problem.suggestion:
            click.echo(f"    fix: {problem.suggestion}")
    known = sum(1 for v in report.variables if v.known)
    click.echo(f"{report.summary()}; {known} known variable(s) used"
               f"{' — template accepted' if report.ok else ' — template refused'}")


@templates.command("check", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--render-budget", type=float, default=None, metavar="SECONDS",
              help="Refuse it when a sample letter takes longer to render (default: the "
                   "LETTER_RENDER_SECONDS setting's default; 0: not timed).")
def check(file: str, as_json: bool, render_budget: float | None) -> None:
    """Check FILE as an upload would: safety, tags, variables, render time. Exit 1 when it would
    be refused."""
    from ..letter_templates import check_docx
    from ..settings import Settings

    if render_budget is None:
        render_budget = Settings.model_fields["LETTER_RENDER_SECONDS"].default
    report = check_docx(_read(file), render_budget=render_budget)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_report(report)
    raise SystemExit(0 if report.ok else 1)


@templates.command("preview", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("-o", "--output", type=click.Path(file_okay=False),
              help="Write each sample's letter here as <sample>.docx.")
def preview(file: str, output: str | None) -> None:
    """Render FILE for each sample case (one per outcome), in a time-limited child process."""
    from ..letter_templates import check_docx
    from ..letter_templates.preview import render_samples

    data = _read(file)
    report = check_docx(data)
    if not report.ok:
        _print_report(report)
        raise SystemExit(1)
    result = render_samples(data, images=False, keep_docx=bool(output))
    if output:
        os.makedirs(output, exist_ok=True)
    for sample in result["samples"]:
        if not sample["ok"]:
            click.secho(f"{sample['key']}: FAILED: {sample['error']}", fg="red")
            continue
        first = next((line for line in sample["text"].splitlines() if line.strip()), "")
        click.echo(f"{sample['key']}: ok ({len(sample['text'])} characters) — {first[:70]}")
        if output:
            path = os.path.join(output, f"{sample['key']}.docx")
            with open(path, "wb") as handle:
                handle.write(sample["docx"])
    raise SystemExit(0 if result["ok"] else 1)


@templates.command("variables", with_appcontext=False)
@click.option("--json", "as_json", is_flag=True, help="Print the schema as JSON.")
def variables(as_json: bool) -> None:
    """Every variable a letter template may use, from the renderer's own schema."""
    from ..letters.schema import context_variables

    items = context_variables()
    if as_json:
        click.echo(json.dumps(items, indent=2, default=str))
        return
    for item in items:
        example = item["example"]
        shown = "" if example in (None, [], "") else f"  e.g. {json.dumps(example, default=str)}"
        click.echo(f"{item['name']}  ({item['type']})  {item['description']}{shown}")


@templates.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--name", required=True, help="The template's name.")
@click.option("--user", "email", required=True, metavar="EMAIL", help="Its owner.")
@click.option("--description", default="", help="When to use it.")
@click.option("--visibility", type=click.Choice(["private", "organization", "public"]),
              default="private", show_default=True)
def add(file: str, name: str, email: str, description: str, visibility: str) -> None:
    """Check FILE and add it to EMAIL's library (refused, with the report, if it fails)."""
    from ..access import Principal
    from ..services import letter_library as store
    from .accounts import _user_or_exit

    user = _user_or_exit(email)
    principal = Principal(user_id=user.id, organization_id=user.organization_id)
    try:
        template, report = store.create_template(
            principal, name=name, data=_read(file), description=description,
            visibility=visibility, filename=os.path.basename(file))
    except store.TemplateRejected as exc:
        _print_report(exc.report)
        raise SystemExit(1)
    except store.TemplateInputError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}")
    _print_report(report)
    click.echo(f"added template {template.id} (version id {template.current_version_id}); "
               f"use it with --template {template.current_version_id}")


@templates.command("list")
@click.option("--user", "email", metavar="EMAIL",
              help="List what this user may use (default: the public templates).")
def list_templates(email: str | None) -> None:
    """The library templates a user may use (and the built-in letter kinds)."""
    from ..access import Principal
    from ..services import letter_library as store
    from ..letters import KIND_LABELS, LETTER_KINDS
    from .accounts import _user_or_exit

    principal = Principal()
    if email:
        user = _user_or_exit(email)
        principal = Principal(user_id=user.id, organization_id=user.organization_id)
    for kind in LETTER_KINDS:
        click.echo(f"builtin  {kind:<34} {KIND_LABELS[kind]}")
    for template in store.visible_templates(principal):
        version = template.current_version
        click.echo(f"{template.visibility:<8} {version.id}  v{version.number}  {template.name}")
