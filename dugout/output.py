"""One way to print rows for every command: a table for people, --json and --csv for tools.

Like sqlite-utils' shared output options: each listing command takes the same
flags and hands its rows here, so formats stay consistent across verbs.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import wraps
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from dugout.ingest.dates import BadDate, parse_day, parse_published


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --json and --csv (default: a readable table), passed on as `fmt`."""

    @wraps(func)
    def wrapper(*args: Any, json_: bool = False, csv_: bool = False, **kwargs: Any) -> Any:
        fmt = Format.json if json_ else Format.csv if csv_ else Format.table
        return func(*args, fmt=fmt, **kwargs)

    import inspect

    sig = inspect.signature(func)
    params = [p for name, p in sig.parameters.items() if name != "fmt"]
    params.append(
        inspect.Parameter(
            "json_",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--json", help="Print JSON lines.")],
        )
    )
    params.append(
        inspect.Parameter(
            "csv_",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--csv", help="Print CSV.")],
        )
    )
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


def print_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: Format, title: str | None = None
) -> None:
    """Rows as a table, JSON lines or CSV, with the given columns first."""
    if fmt is Format.json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt is Format.csv:
        keys = list(columns) + sorted({k for r in rows for k in r} - set(columns))
        writer = csv.DictWriter(sys.stdout, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in keys})
        return
    console = Console() if sys.stdout.isatty() else Console(width=200)  # piped tables stay readable
    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold", max_width=60 if column == "evidence" else None)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)


CLAIM_TABLE_COLUMNS = [
    "published",
    "outlet",
    "type",
    "subject",
    "object",
    "value",
    "modality",
    "attribution",
    "when",
]
"""The columns of a claims table for people (JSON and CSV carry every field)."""

_errors = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """End a command with one line on stderr and an exit status: never a traceback."""
    _errors.print(f"dugout: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _checked(value: str | None, parse: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    try:
        return parse(value)
    except BadDate as e:
        raise typer.BadParameter(str(e)) from None


def check_date(value: str | None) -> str | None:
    """A query option's ISO day (--since, --as-of), or a usage error naming the value."""
    return _checked(value, parse_day)


def check_published(value: str | None) -> str | None:
    """--published, read as a record's date is (ISO, RSS...), or a usage error naming the value."""
    return _checked(value, parse_published)
