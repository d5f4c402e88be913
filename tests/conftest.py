"""Shared fixtures: the real inputs in ../shared that tests read at run time."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository: real pages, reports and eval sets (never copied in)."""
    assert SHARED.is_dir(), f"tests need the shared data folder at {SHARED} (../shared from the repo root)"
    return SHARED
