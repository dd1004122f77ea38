"""What is not a question: the drop rules of knowledge/webinar.yaml, validated (each rule's `examples` must
match it and its `not` must not) and applied to one message at a time."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from pydantic import ConfigDict, Field, model_validator

from tools.facts import Facts, knowledge_file, load_facts


def normalize(text: str) -> str:
    """Lowercase, emoji and punctuation removed (but + ' / @ kept), spaces collapsed: what patterns see."""
    kept = []
    for ch in text.lower():
        if ch.isalnum() or ch in "+'/@ " or ch == "\u2019":
            kept.append("'" if ch == "\u2019" else ch)
        elif unicodedata.category(ch).startswith(("P", "S", "Z")) or ch in "\t\n":
            kept.append(" ")
    return " ".join("".join(kept).split())


class DropRule(Facts):
    """Messages matching one of `patterns` (whole message, normalized) are dropped for `why`."""

    model_config = ConfigDict(populate_by_name=True)

    why: str
    patterns: list[str]
    same_question: bool = Field(default=False, description="Adds one asker to the question replied to.")
    examples: list[str] = Field(default_factory=list)
    not_: list[str] = Field(default_factory=list, alias="not")

    @cached_property
    def compiled(self) -> list[re.Pattern[str]]:
        """The patterns, compiled case-insensitively."""
        return [re.compile(p, re.IGNORECASE) for p in self.patterns]

    def matches(self, normalized: str) -> bool:
        """Whether the whole normalized message matches a pattern."""
        return any(p.fullmatch(normalized) for p in self.compiled)


class ChatWords(Facts):
    """Words Zoom writes in saved chats, in each client language."""

    from_words: list[str]
    to_words: list[str]
    everyone: list[str]
    direct_markers: list[str]


class WebinarRules(Facts):
    """Schema of knowledge/webinar.yaml."""

    drop: list[DropRule]
    question_starts: list[str]
    strip_prefixes: list[str]
    chat_words: ChatWords
    grouping_actions: list[list[str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _examples_hold(self) -> WebinarRules:
        for rule in self.drop:
            for pattern in rule.patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"drop[{rule.why}]: bad pattern {pattern!r}: {exc}") from exc
            for example in rule.examples:
                norm = normalize(example)
                if norm and not rule.matches(norm):
                    raise ValueError(f"drop[{rule.why}]: example {example!r} is not matched by any pattern")
            for counter in rule.not_:
                if rule.matches(normalize(counter)):
                    raise ValueError(f"drop[{rule.why}]: {counter!r} is listed under `not` but matches")
        return self

    @cached_property
    def actions(self) -> list[re.Pattern[str]]:
        """One pattern per action of `grouping_actions` (its words, each with -s, -es, -ed, -d or -ing)."""
        return [
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")(?:s|es|ed|d|ing)?\b", re.IGNORECASE)
            for words in self.grouping_actions
            if words
        ]

    @cached_property
    def prefixes(self) -> list[re.Pattern[str]]:
        """Leading words to remove, compiled."""
        return [re.compile(rf"^\s*(?:{p})\s*", re.IGNORECASE) for p in self.strip_prefixes]

    @cached_property
    def question_start(self) -> re.Pattern[str]:
        """A message's first words that make it a question."""
        words = sorted((re.escape(w) for w in self.question_starts), key=len, reverse=True)
        return re.compile(rf"^(?:{'|'.join(words)})\b", re.IGNORECASE)


@knowledge_file("webinar.yaml", WebinarRules)
def webinar_rules() -> WebinarRules:
    """The drop rules and chat words, loaded once."""
    return load_facts("webinar.yaml", WebinarRules)


@dataclass(frozen=True)
class Verdict:
    """What to do with a message: keep `text` (the question, greetings around it removed) or drop it for `why`."""

    text: str
    why: str | None = None
    same_question: bool = False

    @property
    def kept(self) -> bool:
        """Whether the message is a question."""
        return self.why is None


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
#: Where a chat question without a question mark may start after some context: "Client moved, how do we…".
_CLAUSE = re.compile(r"[,;:]\s+|\s+-\s+")


def _asks(rules: WebinarRules, question: str) -> bool:
    """Whether a chat message reads as a question: a question mark, or a question word starting it or one of its
    clauses (chats often drop the "?": "Client missed the deadline, can they still sign up")."""
    return "?" in question or any(rules.question_start.match(c.strip()) for c in _CLAUSE.split(question))


def _whole_message_rule(rules: WebinarRules, text: str) -> DropRule | None:
    norm = normalize(text)
    for rule in rules.drop:
        if rule.matches(norm):
            return rule
    return None


def classify(text: str, *, is_qa: bool, rules: WebinarRules | None = None) -> Verdict:
    """Keep a question (with greetings and thanks around it removed) or say why the message is dropped.

    Chat messages must look like questions (a question mark, or a question word first in the message or in one of
    its clauses); Q&A panel entries and question columns are questions unless a rule drops them."""
    rules = rules or webinar_rules()
    text = " ".join(text.split())
    if not normalize(text).strip("+'/@ "):
        return Verdict(text, "reaction")
    rule = _whole_message_rule(rules, text)
    if rule is not None:
        return Verdict(text, rule.why, rule.same_question)
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    while sentences and _whole_message_rule(rules, sentences[0]) is not None:
        sentences.pop(0)
    while sentences and _whole_message_rule(rules, sentences[-1]) is not None:
        sentences.pop()
    question = " ".join(sentences)
    for prefix in rules.prefixes:
        question = prefix.sub("", question, count=1)
    question = question.strip(" ,;-")
    if not question:
        return Verdict(text, "not a question")
    question = question[0].upper() + question[1:]
    if not is_qa and not _asks(rules, question):
        return Verdict(text, "not a question")
    return Verdict(question)
