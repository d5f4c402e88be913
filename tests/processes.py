"""`dugout` as a real child process, in its own process group so a test can SIGKILL all of it,
and reaped at the end whatever happened (a failed test leaves no process behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def dugout_processes() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """`start(*args)` runs `python -m dugout.cli *args`; every child is killed and reaped on exit."""
    children: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-m", "dugout.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            start_new_session=True,
        )
        children.append(child)
        return child

    try:
        yield start
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
