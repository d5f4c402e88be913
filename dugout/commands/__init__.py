"""Command modules that add verbs to the CLI, the way plugins would.

Every module in this package that defines `register(app: typer.Typer)` is
loaded by `dugout.cli` at start-up, so a feature (stories, knowledge-base
administration, the web server) brings its verbs without editing cli.py.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    """Call `register(app)` of every command module in this package, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)
