"""Shared fixtures: the real inputs in ../shared that tests read at run time."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def load_script() -> Callable[[Path, str], ModuleType]:
    """Loads a script that is no package module (bench/*.py, ../shared/eval/score.py) from its
    path, under a module name of its own (registered, so its dataclasses and pickles resolve)."""

    def load(path: Path, name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader, path
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository: real pages, reports and eval sets (never copied in)."""
    assert SHARED.is_dir(), f"tests need the shared data folder at {SHARED} (../shared from the repo root)"
    return SHARED


@pytest.fixture(scope="session")
def train_articles(shared_dir: Path):
    """The reports of ../shared/eval/train with the given ids, as Articles (a function)."""
    from dugout.records import Article

    def read(wanted: set[str]) -> list[Article]:
        fields = ("id", "url", "outlet", "published", "title", "text")
        found = []
        with (shared_dir / "eval" / "train" / "articles.jsonl").open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record["id"] in wanted:
                    found.append(Article(**{k: record.get(k) for k in fields}))
        return found

    return read


@pytest.fixture(scope="session")
def corpus_articles(shared_dir: Path):
    """The reports of ../shared/corpus/football_news.jsonl with the given ids, as Articles (a function)."""
    from dugout.records import Article

    def read(wanted: set[str]) -> list[Article]:
        fields = ("id", "url", "outlet", "published", "title", "text")
        found = []
        with (shared_dir / "corpus" / "football_news.jsonl").open(encoding="utf-8") as f:
            for line in f:
                if any(doc in line for doc in wanted):
                    record = json.loads(line)
                    if record["id"] in wanted:
                        found.append(Article(**{k: record.get(k) for k in fields}))
        return found

    return read
