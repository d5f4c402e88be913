"""Time expressions resolved against a report's date: general rules, each on an expression of a
corpus report (../shared/corpus/football_news.jsonl, none of them in the evaluation sets)."""

from __future__ import annotations

from dugout.nlp.timex import resolve_expression


def test_a_month_and_year_with_a_comma_between_is_that_month() -> None:
    """ziv-kgtribuna-1162 (2024-02-07): "a contract ... that won't expire before the end of June,
    2025". The year is written, so the month is not placed relative to the report's date."""
    assert resolve_expression("the end of June, 2025", "2024-02-07") == "2025-06"
    assert resolve_expression("June 2025", "2024-02-07") == "2025-06"


def test_the_end_of_the_current_season_is_the_coming_june() -> None:
    """ziv-gdelt-de8c20b989e2 (2023-09-26): "The Italian's contract ... runs out at the end of the
    current campaign"; ziv-gdelt-31ef22b3885c (2024-04-20): "beyond the end of the current
    season". A season runs August to May: from August its end is next June, before it this June."""
    assert resolve_expression("the end of the current campaign", "2023-09-26") == "2024-06"
    assert resolve_expression("the end of the current season", "2024-04-20") == "2024-06"
    assert resolve_expression("the end of this season", "2025-08-15") == "2026-06"


def test_the_end_of_the_season_is_placed_only_where_the_sentence_looks_ahead() -> None:
    """ "Sacked at the end of the season" in an October report is the season before; "will leave at
    the end of the season" the one under way. Without a future cue it is left unplaced."""
    assert resolve_expression("the end of the season", "2023-10-01") is None
    assert resolve_expression("the end of the season", "2023-10-01", future=True) == "2024-06"


def test_the_end_of_the_current_campaign_is_read_where_the_model_marks_no_date() -> None:
    """ziv-gdelt-de8c20b989e2 (2023-09-26): the English model gives "runs out at the end of the
    current campaign" no DATE entity; the sentence's words still place it."""
    from dugout.nlp.pipeline import load_nlp
    from dugout.nlp.timex import time_in

    text = "The Italian's contract at the Santiago Bernabeu runs out at the end of the current campaign"
    doc = load_nlp()(text)
    assert not [e for e in doc.ents if e.label_ == "DATE"]
    assert time_in(doc[:], "2023-09-26") == "2024-06"
