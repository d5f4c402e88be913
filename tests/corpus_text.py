"""Real corpus reports joined into one long text: what the size cap and the long-report budget
are tested on (read from ../shared/corpus, never copied into the repo)."""

from __future__ import annotations

import json
from pathlib import Path


def corpus_text(shared_dir: Path, chars: int) -> str:
    """Corpus reports in file order joined by blank lines, until there are over `chars` characters."""
    parts: list[str] = []
    size = 0
    with (shared_dir / "corpus" / "football_news.jsonl").open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            parts.append(text)
            size += len(text) + 2
            if size > chars:
                break
    return "\n\n".join(parts)
