"""The `mspsite` command line."""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .settings import resolve_settings
from .visibility import VISIBILITIES

_CLEARANCE = click.Choice(VISIBILITIES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mspsite")
def cli() -> None:
    """Build transparency portals for multi-stakeholder partnerships."""


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--clearance", type=_CLEARANCE, default="public", show_default=True,
              help="Readership to check links for.")
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="text for people, github for pull-request annotations, json for tools.")
@click.option("--base", metavar="REV", help="With --format github: the revision a pull request is compared with; "
              "a notice marks each theme file changed since then (default: origin/$GITHUB_BASE_REF on a GitHub "
              "pull request; without one, every theme file).")
@click.option("--translations", is_flag=True, help="List every text not yet translated into each language, and "
              "every translation older than its original.")
def check(directory: Path, strict: bool, clearance: str, fmt: str, base: str | None, translations: bool) -> None:
    """Check a partnership folder and report every problem with its location."""
    if base is not None and fmt != "github":
        raise click.UsageError("--base is for --format github: it marks changed theme files on a pull request")
    from .build import read_and_check
    from .coverage import format_coverage, translation_coverage

    settings = resolve_settings(directory, clearance=clearance, strict=strict, base=base)
    raw, report = read_and_check(settings)
    root = os.path.normpath(str(directory))
    output = report.format(fmt, root)
    if fmt == "github":  # notices are for the reviewer: they never fail the check, even with --strict
        from .review import review_notices

        notices = review_notices(directory, settings.site.theme, settings.review_base)
        output = "\n".join(filter(None, [output, *(d.format_github(root) for d in notices)]))
    if output:
        click.echo(output)
    if fmt == "text" and (coverage := format_coverage(translation_coverage(raw, settings), translations)):
        click.echo(coverage, err=True)   # beside the verdict: not a problem, a missing translation shows the default text
    if fmt == "text":
        verdict = "failed" if report.failed(strict) else "ok"
        click.echo(f"mspsite check: {verdict}: {report.summary()}", err=True)
    sys.exit(1 if report.failed(strict) else 0)


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default: DIRECTORY/site).")
@click.option("--clearance", type=_CLEARANCE, default="public", show_default=True,
              help="Readership the portal is for; everything above it is left out.")
@click.option("--site-url", help="Public address of the portal (overrides site_url in mspsite.yml).")
@click.option("--strict", is_flag=True, help="Refuse to build on warnings too.")
@click.option("--pdf", is_flag=True, help="Also write each report as PDF (needs the extra mspsite[pdf]).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), help="Processes that render pages at once "
              "(default: one per core).")
def build(directory: Path, output: Path | None, clearance: str, site_url: str | None, strict: bool,
          pdf: bool, jobs: int | None) -> None:
    """Check a partnership folder and build its portal."""
    from .build import build as run_build
    from .errors import ContentError

    settings = resolve_settings(directory, output=output, clearance=clearance, site_url=site_url, strict=strict,
                                pdf=pdf, jobs=jobs)
    try:
        with _terminate_as_interrupt(), _progress() as progress:
            result = run_build(settings, progress=progress)
    except ContentError as exc:
        click.echo(exc.report.format("text", os.path.normpath(str(directory))), err=True)
        raise click.ClickException(f"not built: {exc.report.summary()}; the previous site is unchanged") from None
    except KeyboardInterrupt as exc:
        click.echo("mspsite: interrupted; the previous site is unchanged", err=True)
        sys.exit(128 + signal.SIGTERM if isinstance(exc, _Terminated) else 130)
    out = settings.output
    if result.report.warnings:
        click.echo(result.report.format("text", os.path.normpath(str(directory))), err=True)
    said = f"{len(result.report.warnings)} warning{'s' * (len(result.report.warnings) != 1)}"
    if result.unchanged:
        click.echo(f"{out} is up to date: nothing changed since it was built ({result.pages} pages; checked in "
                   f"{result.seconds:.1f} s); {said}.")
    else:
        reused = f"; {result.reused} pages unchanged since the last build were not rendered again" \
            if result.reused else ""
        click.echo(f"Built {result.pages} pages ({result.files} files, {result.bytes / 1e6:.1f} MB) into {out} "
                   f"in {result.seconds:.1f} s{reused}; {said}.")


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--clearance", type=_CLEARANCE, default="public", show_default=True,
              help="Readership to preview the portal for.")
@click.option("--debug", is_flag=True, help="Show the Python traceback when a rebuild crashes.")
def serve(directory: Path, port: int, clearance: str, debug: bool) -> None:
    """Preview the portal on this computer; it rebuilds and reloads as files change."""
    from .serve import serve as run_serve

    run_serve(directory, port=port, clearance=clearance, debug=debug)


class _Terminated(KeyboardInterrupt):
    """SIGTERM arrived."""


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM (`kill`, a cancelled CI job) stops a build as Ctrl-C does, so its cleanups run: the temporary
    folders go, the previous site stays. Only the main thread may set a handler (CliRunner may use another)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, frame):
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _progress:
    """A progress bar on a terminal, a few plain lines otherwise (CI logs)."""

    def __enter__(self):
        self.bar = None
        return self

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Rendering", file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(1)
        elif total >= 200 and (done % max(1, total // 4) == 0 or done == total):
            click.echo(f"rendered {done}/{total} pages", err=True)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


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


# -- exports and imports: other formats over the same model ----------------------------------------
@cli.group()
def export() -> None:
    """Export the partnership in another format (IATI)."""


@export.command("iati")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The IATI XML file to write ('-' for standard output).")
@click.option("--clearance", type=_CLEARANCE, default="public", show_default=True,
              help="Readership the file is for; everything above it is left out.")
def export_iati_command(directory: Path, output: Path, clearance: str) -> None:
    """Write the partnership as one IATI 2.03 activity (schema-checked)."""
    from .build import model_and_report
    from .errors import ContentError
    from .iati.export import NO_IATI_BLOCK, export_iati

    settings = resolve_settings(directory, clearance=clearance)
    if not settings.site.iati:  # say what to add before reporting anything else
        raise click.ClickException(NO_IATI_BLOCK)
    try:   # the same stages as a build, up to the model the IATI output is written from
        partnership, _ = model_and_report(settings)
    except ContentError as exc:
        click.echo(exc.report.format("text", os.path.normpath(str(directory))), err=True)
        raise click.ClickException(f"not exported: {exc.report.summary()}") from None
    data = export_iati(settings, partnership)
    if str(output) == "-":
        click.echo(data.decode("utf-8"), nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    partial.write_bytes(data)
    partial.replace(output)   # all or nothing: a reader never sees half a file
    click.echo(f"Wrote one IATI activity ({clearance}) to {output}.", err=True)


@cli.group("import")
def import_() -> None:
    """Create a partnership folder from another format (IATI)."""


@import_.command("iati")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The new partnership folder (must not exist or be empty).")
@click.option("--activity", help="The iati-identifier of the activity to import (default: the first).")
def import_iati_command(file: Path, output: Path, activity: str | None) -> None:
    """Create a starter partnership folder from an IATI activity file."""
    from .iati.importer import MAX_IATI_BYTES, NOTE, import_iati

    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise click.ClickException(f"{output} exists and is not empty; choose a new folder")
    with open(file, "rb") as fh:
        data = fh.read(MAX_IATI_BYTES + 1)   # never more than it takes to say it is too large
    files = import_iati(data, activity, resolve_settings(output).build_date)   # SOURCE_DATE_EPOCH, else today
    for rel, text in sorted(files.items()):
        path = output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    notes = sum(text.count(NOTE) + text.count("# WARNING:") for text in files.values())
    content = [rel for rel in files if not rel.startswith(".")]
    click.echo(f"Created a partnership folder with {len(content)} files in {output}"
               + (f"; {notes} notes for you are comments starting with '# {NOTE.strip()}' or '# WARNING'"
                  if notes else "") + ".")
    click.echo(f"Next: read and complete the files, then run: mspsite check {output}")
