"""Source ids in words (pipelines/report/wording.py): a gate's or a check's message as a manager
reads it beside its source's name."""

from __future__ import annotations

from pipelines.report.wording import source_text


def test_the_leading_id_goes_since_the_page_names_the_source_beside_it() -> None:
    message = "gl_actuals: STALE, newest extract 2026-10-31 is 40 day(s) old (allowed 35)"
    assert source_text(message, "gl_actuals") == (
        "STALE, newest extract 2026-10-31 is 40 day(s) old (allowed 35)"
    )
    assert source_text("projects: passed; 1 file(s) loaded", "projects") == (
        "passed; 1 file(s) loaded"
    )


def test_other_ids_read_as_words_and_quoted_names_stay() -> None:
    message = (
        "clockify_time_entries is optional; no rate in fx_rates. See raw.fx_rates and "
        "gl_actuals/gl_actuals_2026-10.csv (resource_plan)"
    )
    assert source_text(message) == (
        "Clockify time entries is optional; no rate in Exchange rates. See raw.fx_rates and "
        "gl_actuals/gl_actuals_2026-10.csv (Resource plan)"
    )


def test_no_message_stays_none_for_the_dash() -> None:
    assert source_text(None, "timesheets") is None
