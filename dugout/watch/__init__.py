"""Feeds followed over time, and alerts when a followed story moves.

A newsroom follows dozens of outlets all day; `dugout watch` polls their RSS/Atom
feeds (and pages) politely, ingests each new report once, and tells the user
when a report changes the story of a name they follow: a job status, a role, a
candidate, a transfer stage, a contradiction, a fact gone stale.

Modules, in the order data flows through them:

- `timing`: intervals ("15m"), backoff, Retry-After, the per-host rate limit;
- `ledger`: the feeds and every entry they showed, in the database, so a watcher
  killed at any moment resumes without losing or repeating an entry;
- `poll`: one conditional GET of a feed (or a page, or a feed file) into entries;
- `items`: one entry into a stored report: page fetched, text extracted, duplicates
  (same URL, same text, near-copy) skipped;
- `changes`: pure functions from a story (`dugout.story.story_of`) to the facts an
  alert compares, and the changes between two states;
- `alerts`: followed names, the check after each report, stored alerts and queries;
- `atom`, `webhook`: where alerts go besides the terminal and the web pages;
- `watcher`: the loop that ties them together, in `dugout watch` or inside `dugout serve`.
"""
