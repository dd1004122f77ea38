"""The extractive composer: sentences come only from the passages, each traceable to a page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.composer import clean_sentence, compose_answer, marker_citations, split_sentences


@dataclass
class FakeHit:
    """The hit fields the composer reads."""

    source: str
    title: str
    page: int
    text: str
    doc_date: str | None = None


HITS = [
    FakeHit(
        "rop.pdf",
        "ROP guide",
        6,
        "Mitigation\nThe NOD03 warning goes out 45 days after the NOD01.\n"
        "• Watch the Daily Summary Email for the alert the day after.",
    ),
    FakeHit("deck.pdf", "Webinar", 105, "Agent/CEC Service Center\nVoice: Monday - Friday 8:00 a.m. - 6:00 p.m."),
    FakeHit("rop.pdf", "ROP guide", 3, "The reasonable opportunity period lasts 95 days from the notice date."),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "One sentence here. Another one follows.", ["One sentence here.", "Another one follows."], id="two"
        ),
        pytest.param(
            "• Bullet one is here\n• Bullet two is here", ["Bullet one is here", "Bullet two is here"], id="bullets"
        ),
        pytest.param(
            "A line that breaks\nin the middle of it.", ["A line that breaks in the middle of it."], id="wrap"
        ),
        pytest.param("Hi\nOK", [], id="fragments-dropped"),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    """Passages split into sentences and bullets; wrapped lines rejoin; fragments are dropped."""
    assert split_sentences(text) == expected


def test_marker_becomes_citation_of_the_original_page() -> None:
    """A `[webinar p.105, p.106]` marker in our own guides cites those webinar PDF pages and is stripped."""
    text, cites = marker_citations("Extended hours apply on 12/31 [webinar p.105, p.106].", snippet="s")
    assert text == "Extended hours apply on 12/31."
    assert [(c.source, c.page) for c in cites] == [
        ("OE2026_CalHEERS_Enroller_Portal_Webinar.pdf", 105),
        ("OE2026_CalHEERS_Enroller_Portal_Webinar.pdf", 106),
    ]


def test_unknown_marker_key_is_left_alone() -> None:
    """A marker naming no known document yields no citation."""
    _, cites = marker_citations("Something [nowhere p.3].", snippet="s")
    assert cites == []


def test_answer_sentences_all_come_from_the_passages() -> None:
    """Every composed sentence is text of a passage, and its citation names that passage's page."""
    comp = compose_answer("when does the NOD03 go out?", HITS)
    assert comp.sentences, "expected an answer"
    assert comp.sentences[0] == "The NOD03 warning goes out 45 days after the NOD01."
    joined = " ".join(h.text.replace("\n", " ") for h in HITS)
    for sentence in comp.sentences:
        assert sentence.rstrip(".") in joined
    assert (comp.citations[0].source, comp.citations[0].page) == ("rop.pdf", 6)


def test_most_direct_sentence_first_even_from_a_lower_ranked_passage() -> None:
    """A sentence that answers better wins even when its passage ranked third."""
    comp = compose_answer("how many days does the reasonable opportunity period last?", HITS)
    assert comp.sentences[0].startswith("The reasonable opportunity period lasts 95 days")
    assert comp.citations[0].page == 3


def test_no_passages_no_answer() -> None:
    """With nothing retrieved the composition is empty (the assistant then abstains)."""
    comp = compose_answer("anything", [])
    assert comp.sentences == ()
    assert comp.citations == ()


def test_markdown_table_rows_read_as_text() -> None:
    """Table rows from our guides become 'cell — cell' text; the |---| rule disappears."""
    hit = FakeHit(
        "guide.md",
        "Delegation guide",
        1,
        "| Result | What to do |\n|---|---|\n| More than one case | Call the Service Center. |",
    )
    assert split_sentences(hit.text) == ["Result — What to do", "More than one case — Call the Service Center."]
    comp = compose_answer("more than one case, what to do?", [hit])
    assert "More than one case — Call the Service Center." in comp.text
    assert "|" not in comp.text


def test_the_line_after_the_restated_question_leads_when_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentence that restates the question's topic does not lead over the one just after it that answers
    it; without the inherited share the restating sentence would lead."""
    crw = FakeHit(
        "deck.pdf",
        "Webinar",
        7,
        "The Consumer Retention Workspace (CRW) is a new tool in the Enroller Portal for consumer renewals.\n"
        "It identifies consumers up for renewal, ranked by risk for not renewing.\n"
        "New Tool Alert!",
    )
    question = "crw tool for consumer renewals - how are they ranked"
    assert compose_answer(question, [crw]).sentences[0].startswith("It identifies consumers up for renewal")
    monkeypatch.setattr("assistant.composer._FOLLOW_SHARE", 0.0)
    assert compose_answer(question, [crw]).sentences[0].startswith("The Consumer Retention Workspace")


def test_a_line_that_only_restates_the_question_gives_way_to_one_that_adds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Of two lines that match the question about as well, the one with words the question lacks leads; with no
    novelty weight the one that repeats the question would."""
    hit = FakeHit(
        "deck.pdf",
        "Webinar",
        99,
        "Some service center calls need provisioning the service center cannot complete.\n"
        "Provisioning calls are escalated to the next level of support within two business days.",
    )
    question = "what happens with service center calls that need provisioning the service center cannot complete"
    monkeypatch.setattr("assistant.composer._FOLLOW_SHARE", 0.0)
    monkeypatch.setattr("assistant.composer._NOVELTY", 0.0)
    assert compose_answer(question, [hit]).sentences[0].startswith("Some service center calls")
    monkeypatch.setattr("assistant.composer._NOVELTY", 1.0)
    assert compose_answer(question, [hit]).sentences[0].startswith("Provisioning calls are escalated")


def test_a_where_question_leads_with_the_line_that_names_a_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked where something is, of two lines that match the question alike, the one that says where leads;
    without the place weight the first would, and a question that is not "where" keeps the first."""
    hit = FakeHit(
        "deck.pdf",
        "Webinar",
        40,
        "Toolkits are now searchable by any keyword.\nToolkits are found under the Quick Links.",
    )
    monkeypatch.setattr("assistant.composer._FOLLOW_SHARE", 0.0)
    monkeypatch.setattr("assistant.composer._NOVELTY", 0.0)
    monkeypatch.setattr("assistant.composer._PLACE_BONUS", 0.0)
    first = compose_answer("where are the toolkits", [hit]).sentences[0]
    assert first.startswith("Toolkits are now searchable")
    monkeypatch.setattr("assistant.composer._PLACE_BONUS", 0.15)
    assert compose_answer("where are the toolkits", [hit]).sentences[0].endswith("under the Quick Links.")
    assert compose_answer("what about the toolkits", [hit]).sentences[0].startswith("Toolkits are now searchable")


def test_two_supporting_sentences_at_most() -> None:
    """The direct sentence and at most two more, however many lines the passage has."""
    hit = FakeHit("deck.pdf", "Webinar", 7, " ".join(f"Line {n} says something about the workspace." for n in range(8)))
    assert len(compose_answer("what does the workspace say", [hit]).sentences) == 3


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("must remain secure.ii To avoid these", "must remain secure. To avoid these", id="glued-roman"),
        pytest.param("state and federal laws. ii To avoid", "state and federal laws. To avoid", id="lone-roman"),
        pytest.param("see the form.1 Then", "see the form. Then", id="glued-number"),
        pytest.param("See https://example.org/a?b=1&c=2 for more", "See for more", id="link"),
        pytest.param("see <http://x|the payments page> first", "see the payments page first", id="labelled-link"),
        pytest.param("see <https://x.example/a?b=1> first", "see first", id="angle-link"),
        pytest.param(
            "from the week prior on Friday at 9:00 p.m. Any",
            "from the week prior on Friday at 9:00 p.m. Any",
            id="time",
        ),
        pytest.param("income of 138.1 % of the FPL", "income of 138.1 % of the FPL", id="decimal"),
        pytest.param("moved to Hawaii, drove a taxi", "moved to Hawaii, drove a taxi", id="words-ending-in-i"),
        pytest.param("go to coveredca.gov today", "go to coveredca.gov today", id="domain"),
    ],
)
def test_clean_sentence_drops_markers_and_links_but_keeps_text(text: str, shown: str) -> None:
    """Footnote markers and links go; times, decimals and words that merely end like a numeral stay."""
    assert clean_sentence(text) == shown


@pytest.mark.integration
def test_the_composed_answer_and_its_score_are_the_same_in_every_process() -> None:
    """The composer's coverage sums do not depend on the string-hash seed (set order), so the same question gets
    the same answer, to the last bit of its score, in every process."""
    from tests.hash_seeds import outputs_under_hash_seeds

    code = """
from dataclasses import dataclass
from assistant.composer import compose_answer

@dataclass
class Hit:
    source: str
    title: str
    page: int
    text: str
    score: float = 1.0
    doc_date: str | None = None

hits = [
    Hit("rop.pdf", "ROP guide", 7, "After an ROP termination the consumer has 30 calendar days to provide documents "
        "and request reinstatement with no gap in coverage.\\nCall the Agent/CEC Service Center for the escalation."),
    Hit("rop.pdf", "ROP guide", 8, "Do not contact Qualified Health Plans (carriers); they cannot process "
        "reinstatements for ROP terminations.\\nEscalations may take up to 10 business days."),
]
question = ("consumer termination reinstatement documents calendar days gap coverage service center escalation "
            "carriers business")
comp = compose_answer(question, hits)
print(repr(comp.score), comp.sentences)
"""
    assert len(outputs_under_hash_seeds(code)) == 1
