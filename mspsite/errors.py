"""The error hierarchy: every error mspsite raises on purpose is a ClickException,
so the command line prints a message, never a traceback."""

from __future__ import annotations

import click


class MspsiteError(click.ClickException):
    """Root of mspsite's errors."""


class ContentError(MspsiteError):
    """The partnership folder has errors (or warnings, in strict mode)."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.format("text"))

    def show(self, file=None) -> None:
        click.echo(self.report.format("text"), err=True, file=file)
        click.echo(f"mspsite: {self.report.summary()}", err=True, file=file)
