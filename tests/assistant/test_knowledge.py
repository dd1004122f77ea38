"""Operator-editable knowledge: overrides replace shipped files, every file is validated at start-up, and
routing examples are checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.knowledge import check_knowledge, load_knowledge
from knowledge import KNOWLEDGE_DIR
from tools.errors import KnowledgeError
from tools.facts import use_knowledge_dir
from tools.registry import run_tool

# The 2026-27 season as an operator would publish it (dates from the state's calendar, not a toolkit page).
SEASON_2027 = {
    "start": "2026-10-01",
    "end": "2027-01-31",
    "published_by": "the Agent/CEC Service Center bulletin of 2026-10-01 (operator-entered)",
}
CLOSURES_2027 = [
    {"date": "2026-11-11", "name": "Veterans Day"},
    {"date": "2026-11-26", "name": "Thanksgiving Day"},
    {"date": "2026-11-27", "name": "Day After Thanksgiving"},
    {"date": "2026-12-25", "name": "Christmas Day"},
    {"date": "2027-01-01", "name": "New Year's Day"},
    {"date": "2027-01-18", "name": "Martin Luther King Day"},
]


def shipped(name: str) -> dict:
    """A shipped knowledge file as data."""
    return yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))


def write_override(folder: Path, name: str, data: object) -> Path:
    """Write one override file (YAML) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def season_override(folder: Path) -> Path:
    """service_center.yaml with the 2026-27 season published beside the deck's."""
    data = shipped("service_center.yaml")
    data["published"] = [data["published"], SEASON_2027]
    data["holidays"] = [*data["holidays"], *CLOSURES_2027]
    return write_override(folder, "service_center.yaml", data)


def test_shipped_knowledge_is_valid_and_examples_route() -> None:
    """Every shipped file validates and every routing example reaches its tool (the `not:` ones don't)."""
    report = check_knowledge(None)
    assert report.ok, [str(p) for p in report.problems]
    assert report.examples_checked >= 20
    assert {f.name for f in report.files} >= {"rop.yaml", "routing.yaml", "service_center.yaml", "glossary.yaml"}


def test_published_season_override_confirms_thanksgiving_2026(tmp_path: Path) -> None:
    """Without an override 2026-11-27 is an estimate; with the operator's 2026-27 season it is confirmed,
    closed, and says who published it (no toolkit page is cited for it)."""
    before = run_tool("service_center_hours", {"date": "2026-11-27"})
    assert before.confirmed is False  # type: ignore[attr-defined]
    load_knowledge(season_override(tmp_path / "ops").parent)
    after = run_tool("service_center_hours", {"date": "2026-11-27"})
    assert after.confirmed is True  # type: ignore[attr-defined]
    assert after.open is False  # type: ignore[attr-defined]
    assert after.closure_reason == "Day After Thanksgiving"  # type: ignore[attr-defined]
    assert "operator-entered" in after.summary
    assert "not from a toolkit page" in (after.note or "")  # type: ignore[attr-defined]
    # The deck's own season is still confirmed, with its page.
    deck_day = run_tool("service_center_hours", {"date": "2025-11-28"})
    assert deck_day.confirmed is True  # type: ignore[attr-defined]
    assert [s.page for s in deck_day.sources] == [105]
    use_knowledge_dir(None)
    assert run_tool("service_center_hours", {"date": "2026-11-27"}).confirmed is False  # type: ignore[attr-defined]


def test_escalations_inside_an_operator_season_are_confirmed(tmp_path: Path) -> None:
    """Business days inside the operator's season skip its closures and are no longer labelled estimates."""
    load_knowledge(season_override(tmp_path / "ops").parent)
    out = run_tool("escalation_timeline", {"escalation_date": "2026-11-20"})
    assert out.confirmed is True  # type: ignore[attr-defined]
    # 7 business days after Fri 2026-11-20 (23, 24, 25, then Thanksgiving and the day after skipped, 30, 1, 2, 3).
    assert out.earliest == date(2026, 12, 3)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        pytest.param("rop.yaml", "timeline: [unclosed", "not valid YAML at line 1", id="bad-yaml"),
        pytest.param(
            "service_center.yaml",
            {**shipped("service_center.yaml"), "regular": {"weekdays": [0], "voice": {"opens": "8am"}}},
            "regular.voice.opens",
            id="bad-field",
        ),
        pytest.param(
            "routing.yaml",
            {**shipped("routing.yaml"), "smalltalk": ["(unclosed"]},
            "not a valid regular expression",
            id="bad-regex",
        ),
        pytest.param(
            "service_center.yaml",
            {**shipped("service_center.yaml"), "published": [{"start": "2026-10-01", "end": "2027-01-31"}]},
            "published_by",
            id="season-without-provenance",
        ),
        pytest.param(
            "assistant.yaml",
            {
                **shipped("assistant.yaml"),
                "abstain": {
                    **shipped("assistant.yaml")["abstain"],
                    "answer_types": [{"name": "a fax number", "asks": "fax", "states": "(\\d"}],
                },
            },
            "abstain.answer_types.0.states",
            id="bad-answer-type-regex",
        ),
        pytest.param("service-center.yaml", {"timezone": "x"}, "not a knowledge file name", id="unknown-file"),
        pytest.param(
            "service_center.yaml",
            {**shipped("service_center.yaml"), "estimate_ignore": ["Columbus Day"]},
            "estimate_ignore: unknown field",
            id="misspelt-key",
        ),
        pytest.param(
            "crw.yaml",
            {
                **shipped("crw.yaml"),
                "resolution_reasons": [{**shipped("crw.yaml")["resolution_reasons"][0], "keyword": ["x"]}],
            },
            "resolution_reasons.0.keyword: unknown field",
            id="misspelt-nested-key",
        ),
    ],
)
def test_bad_override_names_file_field_and_problem(tmp_path: Path, name: str, content: object, needle: str) -> None:
    """A broken override stops start-up with one line naming the file (and the field when there is one)."""
    path = write_override(tmp_path / "ops", name, content)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path.parent)
    message = str(caught.value)
    assert str(path) in message
    assert needle in message
    assert "\n" not in message


def test_misrouted_example_in_an_override_is_reported(tmp_path: Path) -> None:
    """An operator's regex edit that stops an example from routing is caught by the check."""
    data = shipped("routing.yaml")
    data["service_center"]["triggers"] = [r"\bnever-matches\b"]
    data["service_center"]["weak_triggers"] = [r"\bnever-matches\b"]
    report = check_knowledge(write_override(tmp_path / "ops", "routing.yaml", data).parent)
    fields = {p.field for p in report.problems}
    assert "service_center.examples" in fields
    assert not report.ok


def test_tool_descriptions_follow_the_yaml(tmp_path: Path) -> None:
    """The descriptions an LLM reads take their numbers from the facts: an edit shows up at once."""
    from tools.registry import get_tool

    assert "7 to 10 business days" in get_tool("escalation_timeline").description
    assert "95 calendar days" in get_tool("rop_calculator").description
    data = shipped("escalations.yaml")
    data["resolution_business_days"] = {**data["resolution_business_days"], "earliest": 5, "latest": 8}
    load_knowledge(write_override(tmp_path / "ops", "escalations.yaml", data).parent)
    assert "5 to 8 business days" in get_tool("escalation_timeline").description
    out = run_tool("escalation_timeline", {"escalation_date": "2026-01-05"})
    assert "5-8 business days" in out.summary


def test_overrides_reach_patterns_derived_from_the_facts(tmp_path: Path) -> None:
    """Patterns built from a knowledge file (glossary shorthand and acronyms, the estimate ignore list) follow
    an override loaded after the shipped file was used: nothing derived from it is cached stale."""
    from ingest.glossary import expand_query, normalize_query

    assert normalize_query("bday") == "date of birth"
    assert "Reasonable Opportunity Period" in expand_query("ROP?")
    glossary = shipped("glossary.yaml")
    glossary["shorthand"] = {**glossary["shorthand"], "bday": "birthday"}
    glossary["terms"]["ROP"]["expansion"] = "Reasonable Chance Window"
    before = run_tool("service_center_hours", {"date": "2027-02-15"})  # Presidents' Day: estimated closed
    assert before.open is False  # type: ignore[attr-defined]
    calendar = shipped("service_center.yaml")
    calendar["estimate_ignores"] = [*calendar["estimate_ignores"], "Presidents' Day"]
    folder = tmp_path / "ops"
    write_override(folder, "glossary.yaml", glossary)
    write_override(folder, "service_center.yaml", calendar)
    load_knowledge(folder)
    assert normalize_query("bday") == "birthday"
    assert "Reasonable Chance Window" in expand_query("ROP?")
    assert run_tool("service_center_hours", {"date": "2027-02-15"}).open is True  # type: ignore[attr-defined]
