"""The `mspsite` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .kinds import VISIBILITIES
from .load import load_project
from .validate import validate

_CLEARANCE = click.Choice(VISIBILITIES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mspsite")
def cli() -> None:
    """Build transparency portals for multi-stakeholder partnerships."""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--clearance", type=_CLEARANCE, default="public", show_default=True,
              help="Readership to check links for.")
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="text for people, github for pull-request annotations, json for tools.")
def check(directory: Path, strict: bool, clearance: str, fmt: str) -> None:
    """Check a partnership folder and report every problem with its location."""
    report = validate(load_project(directory), clearance)
    root = os.path.normpath(str(directory))
    output = report.format(fmt, root)
    if output:
        click.echo(output)
    if fmt == "text":
        verdict = "failed" if report.failed(strict) else "ok"
        click.echo(f"mspsite check: {verdict}: {report.summary()}", err=True)
    sys.exit(1 if report.failed(strict) else 0)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def new(directory: Path, force: bool) -> None:
    """Create a small, complete starter partnership in DIRECTORY."""
    from .scaffold import create_starter

    written = create_starter(directory, force=force)
    click.echo(f"Created a starter partnership with {len(written)} files in {directory}.")
    click.echo(f"Next: edit the files, then run: mspsite check {directory}")


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the schema files to (default: print the list).")
@click.option("--reference", is_flag=True, help="Print the content reference (Markdown) generated from the schemas.")
def schema(output: Path | None, reference: bool) -> None:
    """Export the JSON Schemas of the content format, for editors and tools."""
    from .schemas import schema_files

    if reference:
        from .reference import render_reference

        click.echo(render_reference(), nl=False)
        return
    files = schema_files()
    if output is None:
        for name in files:
            click.echo(name)
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (output / name).write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(files)} schema files to {output}.")


def main() -> None:
    cli(prog_name="mspsite")
