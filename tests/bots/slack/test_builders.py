"""The Block Kit builders as pure functions: escaping, links, cards, and Slack's limits."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.models import Answer, AnswerPart, Citation, ToolCall
from bots.slack.turns import TurnRef, clean_question
from bots.slack.views.answer_builder import MAX_SOURCES, build_answer_blocks, build_sources_block, build_tool_card
from bots.slack.views.feedback_builder import build_feedback_blocks, build_question_block, read_feedback_value
from bots.slack.views.help_builder import build_help_blocks, build_resolved_blocks
from bots.slack.views.home_builder import Closure, build_home_view
from bots.slack.views.mrkdwn import MESSAGE_BLOCKS, SECTION_LIMIT, document_url, escape, link, split_text
from bots.slack.views.rop_builder import build_rop_modal, read_rop_values


def _answer(text: str, citations: int = 1, route: str = "retrieval") -> Answer:
    cites = [Citation(source=f"guide {i}.pdf", title=f"Guide {i}", page=i + 1, snippet="s") for i in range(citations)]
    part = AnswerPart(kind="excerpt", text=text, citations=list(range(citations)))
    return Answer(question="q", answer=text, route=route, citations=cites, conversation_id="c", parts=[part])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        pytest.param("<!channel>", "&lt;!channel&gt;", id="channel-ping"),
        pytest.param("<http://x|y>", "&lt;http://x|y&gt;", id="link"),
        pytest.param("<@U123>", "&lt;@U123&gt;", id="user-mention"),
        pytest.param("A & B", "A &amp; B", id="ampersand"),
        pytest.param("&lt;", "&amp;lt;", id="already-an-entity"),
        pytest.param("*bold* _it_", "*bold* _it_", id="formatting-kept"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    """Only `&`, `<` and `>` are escaped, `&` first."""
    assert escape(raw) == escaped


def test_link_label_cannot_break_out() -> None:
    """A title with `|` or `>` stays inside the link's label."""
    assert link("https://h/d.pdf#page=2", "A|B > C") == "<https://h/d.pdf#page=2|A¦B &gt; C>"


def test_document_url_quotes_the_file_name() -> None:
    """Spaces and the like in a file name are percent-encoded; no public URL means no link."""
    assert document_url("https://h/", "ROP guide.pdf", 3) == "https://h/documents/ROP%20guide.pdf#page=3"
    assert document_url(None, "x.pdf", 3) is None


def test_split_text_keeps_words_whole() -> None:
    """Long text splits at spaces, each piece within the limit, nothing lost."""
    words = [f"word{i}" for i in range(2000)]
    pieces = split_text(" ".join(words), 3000)
    assert all(len(p) <= 3000 for p in pieces)
    assert len(pieces) > 1
    assert " ".join(pieces).split() == words


def test_split_text_cuts_a_giant_word_but_not_inside_an_escape() -> None:
    """A single word longer than the limit is cut, never in the middle of `&amp;`."""
    text = "a" * 9 + "&amp;" + "b" * 10
    pieces = split_text(text, 11)
    assert pieces[0] == "a" * 9
    assert pieces[1].startswith("&amp;")
    assert "".join(pieces) == text


def test_answer_blocks_escape_document_text_and_link_sources() -> None:
    """Document text is escaped; sources are numbered, titled, paged and linked under PUBLIC_URL."""
    blocks = build_answer_blocks(_answer("Tell <!channel> about <http://x|y>."), public_url="https://e.org")
    assert blocks[0]["text"]["text"] == "Tell &lt;!channel&gt; about &lt;http://x|y&gt;. [1]"
    assert blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "[1] <https://e.org/documents/guide%200.pdf#page=1|Guide 0, p. 1>"}],
    }


def test_sources_without_public_url_are_plain_and_at_most_five() -> None:
    """Seven citations show five sources, unlinked when PUBLIC_URL is unset."""
    block = build_sources_block(_answer("t", citations=7).citations)
    assert block is not None
    assert len(block["elements"]) == MAX_SOURCES
    assert block["elements"][0]["text"] == "[1] Guide 0, p. 1"


def test_sources_show_the_document_date_when_it_has_one() -> None:
    """A source carries its document's date after the page ("Jun 20, 2024"); a source without one shows none."""
    dated = Citation(source="carriers.pdf", title="Carriers", page=3, snippet="s", doc_date="2024-06-20")
    undated = Citation(source="notes.md", title="Notes", page=1, snippet="s")
    block = build_sources_block([dated, undated], public_url="https://e.org")
    assert block is not None
    assert [e["text"] for e in block["elements"]] == [
        "[1] <https://e.org/documents/carriers.pdf#page=3|Carriers, p. 3> (Jun 20, 2024)",
        "[2] <https://e.org/documents/notes.md#page=1|Notes, p. 1>",
    ]
    plain = build_sources_block([dated])
    assert plain is not None
    assert plain["elements"][0]["text"] == "[1] Carriers, p. 3 (Jun 20, 2024)"


def test_long_answer_is_split_into_sections_within_limits() -> None:
    """A 10,000-character answer becomes several sections of at most 3,000 characters."""
    text = " ".join(["eligibility"] * 900)
    blocks = build_answer_blocks(_answer(text))
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 4
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in sections)


def test_huge_answer_stays_within_fifty_blocks_with_the_buttons() -> None:
    """An answer too long for 50 blocks is shortened at a word, saying so, leaving room for the feedback blocks."""
    text = " ".join(["reinstatement"] * 20_000)
    ref = TurnRef("c", 1, 1)
    tail = build_feedback_blocks(ref)
    blocks = build_answer_blocks(_answer(text), reserve=len(tail)) + tail
    assert len(blocks) == MESSAGE_BLOCKS
    last = [b for b in blocks if b["type"] == "section"][-1]["text"]["text"]
    assert last.endswith("_(shortened to fit Slack)_")
    assert len(last) <= SECTION_LIMIT
    assert "reinstatement reinstatement …" in last
    assert len(json.dumps(blocks)) < 200_000


@pytest.mark.parametrize(
    ("question", "word", "ending"),
    [
        pytest.param(" ".join(["reinstatement"] * 300), "reinstatement", "reinstatement", id="words"),
        pytest.param(" ".join(["A&B"] * 800), "A&amp;B", "A&amp;B", id="escapes"),
        pytest.param("a&" * 2000, None, ("a", "&amp;"), id="one-giant-word"),
    ],
)
def test_question_block_is_shortened_at_a_word(question: str, word: str | None, ending: str | tuple[str, ...]) -> None:
    """A long question restated above an answer stays within a section, ends with "…", and is cut between words
    (a single giant word is cut, but never inside `&amp;`)."""
    text = build_question_block(question)["text"]["text"]
    assert len(text) <= SECTION_LIMIT
    assert text.endswith("…")
    body = text.removeprefix("*You asked:* ").removesuffix("…")
    if word is not None:
        assert set(body.split()) == {word}
    assert body.endswith(ending)
    assert len(body) > 2900
    assert build_question_block("short <one>", asker="U1")["text"]["text"] == "<@U1> asked: short &lt;one&gt;"


def test_rop_card_shows_the_dates() -> None:
    """The rop_calculator result becomes a compact card of dates."""
    result = {"notice_date": "2026-03-03", "nod03_date": "2026-04-17", "rop_due_date": "2026-06-06", "days_left": 10}
    card = build_tool_card(ToolCall(name="rop_calculator", arguments={}, result=result))
    assert card is not None
    assert [f["text"] for f in card["fields"]] == [
        "*NOD01 date*\nTue Mar 3, 2026",
        "*NOD03 warning*\nFri Apr 17, 2026",
        "*ROP ends*\nSat Jun 6, 2026",
        "*Days left*\n10",
    ]


def test_hours_card_marks_estimates_and_help_card_names_the_team() -> None:
    """Hours off the published calendar say "estimate"; the help card gives category and team; others get none."""
    hours = {"date": "2027-07-05", "open": False, "closure_reason": "Independence Day", "confirmed": False}
    card = build_tool_card(ToolCall(name="service_center_hours", arguments={}, result=hours))
    assert card is not None
    assert "*Calendar*\nestimate (not published)" in [f["text"] for f in card["fields"]]
    help_card = build_tool_card(
        ToolCall(name="help_request_router", arguments={}, result={"category": "A&B", "team": "T"})
    )
    assert help_card is not None
    assert help_card["fields"][0]["text"] == "*Help-request category*\nA&amp;B"
    assert build_tool_card(ToolCall(name="resolution_reason_picker", arguments={}, result={})) is None


def test_feedback_blocks_carry_the_turn() -> None:
    """👍/👎 values say the rating and the turn; "Share in channel" only for private answers."""
    ref = TurnRef("slack:T:C:1.1", 2, 17)
    blocks = build_feedback_blocks(ref, share=True)
    buttons = blocks[0]["elements"][0]
    assert read_feedback_value(buttons["negative_button"]["value"]) == (-1, ref)
    assert read_feedback_value(buttons["positive_button"]["value"]) == (1, ref)
    assert [e["action_id"] for e in blocks[1]["elements"]] == ["share_answer", "still_need_help"]
    assert [e["action_id"] for e in build_feedback_blocks(ref)[1]["elements"]] == ["still_need_help"]
    with pytest.raises(ValueError, match="rating"):
        read_feedback_value("0|1|1|c")


def test_help_blocks_tag_helpers_only_when_set() -> None:
    """The helper group is tagged (with a resolve button) only when configured; the portal is linked when known."""
    route = {"category": "Consumer Case/Application Issue", "team": "Agent/CEC Service Center", "include": ["<case>"]}
    ref = TurnRef("c", 1)
    plain = build_help_blocks(route, portal_url=None, helpers=None, ref=ref, asker="U1")
    assert len(plain) == 1
    assert "&lt;case&gt;" in plain[0]["text"]["text"]
    tagged = build_help_blocks(route, portal_url="https://portal", helpers="S1", ref=ref, asker="U1")
    assert "<https://portal|Enroller Portal>" in tagged[0]["text"]["text"]
    assert tagged[1]["text"]["text"].startswith("<!subteam^S1> <@U1>")
    resolved = build_resolved_blocks(tagged, "U9")
    assert [b["type"] for b in resolved] == ["section", "section", "context"]


def test_rop_modal_and_reading_it_back() -> None:
    """Three date pickers (NOD01 required) and a kind select; unset fields are left out of the arguments."""
    modal = build_rop_modal({"income": "Income", "mec": "MEC"})
    assert [b["element"]["type"] for b in modal["blocks"]] == [
        "datepicker",
        "datepicker",
        "datepicker",
        "static_select",
    ]
    values = {
        "notice_date": {"notice_date": {"selected_date": "2026-03-03"}},
        "received_date": {"received_date": {"selected_date": None}},
        "inconsistency": {"inconsistency": {"selected_option": {"value": "mec"}}},
    }
    assert read_rop_values(values) == {"notice_date": "2026-03-03", "inconsistency": "mec"}


def test_home_view_within_limits() -> None:
    """Home shows open/closed, today's hours, estimated closures marked, and escapes recent questions."""
    hours = {"open": True, "open_now": False, "opens": "08:00", "closes": "18:00", "next_open": "2026-12-02T08:00:00"}
    closures = [Closure(date(2027, 1, 1), "New Year's Day", False)]
    view = build_home_view(hours, closures, ["<!here> help"])
    text = json.dumps(view)
    assert "closed now" in text
    assert "(estimate)" in text
    assert "&lt;!here&gt; help" in text
    assert len(view["blocks"]) <= 100


def test_clean_question_drops_the_app_mention() -> None:
    """The app's mention is removed and other mentions neutralised."""
    assert clean_question("<@UBOT> when does <@U2> ROP end?", "UBOT") == "when does @someone ROP end?"
