"""From parsed files to the questions to group: drop what is not a question, count "same question" replies and
thumbs-up reactions on the question they answer, merge word-for-word repeats, and remove asker names from texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bots.webinar.models import Dropped, ParsedFile, Question, WebinarInfo
from bots.webinar.parsing import FORMAT_NAMES, is_upvote
from bots.webinar.rules import WebinarRules, classify, normalize, webinar_rules

#: Shorter names are not removed from texts ("Al" would eat "all").
MIN_NAME_CHARS = 4


@dataclass
class Pending:
    """A question being collected: its text, who asked it (in memory only), its upvotes, the raw starts quoted."""

    text: str
    askers: set[str] = field(default_factory=set)
    anonymous: int = 0
    upvotes: int = 0
    source: str = ""

    @property
    def asker_count(self) -> int:
        """Distinct named askers plus each anonymous one."""
        return len(self.askers) + self.anonymous

    def add_asker(self, asker: str | None) -> None:
        """Count one more asker (an anonymous one always counts)."""
        if asker:
            self.askers.add(asker)
        else:
            self.anonymous += 1


@dataclass
class Intake:
    """What a set of files holds: the webinar, its questions (repeats merged) and what was dropped."""

    info: WebinarInfo
    questions: list[Question]
    dropped: list[Dropped]


def _name_pattern(names: set[str]) -> re.Pattern[str] | None:
    """Every asker's full name (and each part of it that is long enough), whole words, any case."""
    parts: set[str] = set()
    for name in names:
        if "@" in name:
            continue
        if len(name) >= MIN_NAME_CHARS:
            parts.add(name)
        parts.update(p for p in name.split() if len(p) >= MIN_NAME_CHARS)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def _matches_quote(quote: str, raw: str) -> bool:
    """Whether Zoom's quote (the first 20 characters plus "...") is the start of `raw` (both unredacted)."""
    stem = " ".join(quote.removesuffix("...").removesuffix("…").split())
    return bool(stem) and " ".join(raw.split()).lower().startswith(stem.lower())


def collect_questions(files: list[ParsedFile], rules: WebinarRules | None = None) -> Intake:
    """Classify every message of every file (in order), attach same-question replies and upvote reactions to the
    question they quote, and merge repeats of the same wording."""
    rules = rules or webinar_rules()
    names = {m.asker for f in files for m in f.messages if m.asker}
    strip_names = _name_pattern(names)
    by_text: dict[str, Pending] = {}
    raw_index: list[tuple[str, Pending]] = []  # (raw text as posted, its question) for quotes to find
    dropped: list[Dropped] = []
    total = 0
    kept = 0

    def quoted(quote: str | None) -> Pending | None:
        if not quote:
            return None
        for raw, pending in reversed(raw_index):
            if _matches_quote(quote, raw):
                return pending
        return None

    def public(text: str) -> str:
        return strip_names.sub("[NAME]", text) if strip_names is not None else text

    for parsed in files:
        for message in parsed.messages:
            total += 1
            if message.kind == "reaction":
                target = quoted(message.reply_to) if is_upvote(message.text) else None
                if target is not None:
                    target.upvotes += 1
                dropped.append(Dropped(text=public(message.text), why="reaction"))
                continue
            verdict = classify(message.text, is_qa=message.is_qa, rules=rules)
            if not verdict.kept:
                target = quoted(message.reply_to) if verdict.same_question else None
                if target is not None:
                    target.add_asker(message.asker)
                why = verdict.why or "not a question"
                if verdict.same_question and target is None:
                    why = f"{why} (no question to match)"
                dropped.append(Dropped(text=public(message.text), why=why))
                continue
            kept += 1
            text = public(verdict.text)
            key = normalize(text)
            pending = by_text.get(key)
            if pending is None:
                pending = by_text[key] = Pending(text=text, source=parsed.path)
            pending.add_asker(message.asker)
            pending.upvotes += message.upvotes
            raw_index.append((message.opening, pending))
    dated = [f for f in files if f.webinar_date is not None]
    info = WebinarInfo(
        title=next((f.topic for f in files if f.topic), None),
        date=dated[0].webinar_date if dated else None,
        files=[f.path for f in files],
        formats=[FORMAT_NAMES[f.format] for f in files],
        messages=total,
        questions=kept,
        private_skipped=sum(f.private_skipped for f in files),
    )
    questions = [
        Question(text=p.text, askers=p.asker_count, upvotes=p.upvotes, source=p.source) for p in by_text.values()
    ]
    return Intake(info=info, questions=questions, dropped=dropped)
