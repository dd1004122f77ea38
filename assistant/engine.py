"""The one entry point every interface uses: `Assistant.ask(question) -> Answer`.

A turn goes: redact PII → (LLM agent, when configured and healthy) → deterministic plan (tools, retrieval,
or a follow-up question) → run tools → retrieve and compose a cited answer, or abstain → store the turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from assistant.composer import Composition, compose_answer, tokenize
from assistant.errors import EmptyQuestionError
from assistant.models import Answer, Citation, Route, ToolCall
from assistant.pii import redact_pii
from assistant.routing import Plan, PlannedCall, plan_turn
from assistant.settings import Settings, get_settings
from assistant.store import ConversationStore
from ingest.retrieval import normalize_query
from tools.errors import EnrollerToolError
from tools.facts import knowledge_file, load_facts
from tools.models import ToolOutput
from tools.registry import get_tool

log = logging.getLogger("enroller.assistant")

PACIFIC = ZoneInfo("America/Los_Angeles")
RETRIEVAL_K = 6


class AbstainPolicy(BaseModel):
    """When a document answer is too weak to give (knowledge/assistant.yaml)."""

    min_dense: float
    min_overlap: float


class AssistantTexts(BaseModel):
    """The assistant's own wording, kept as data (knowledge/assistant.yaml)."""

    abstain: AbstainPolicy
    pii_warning: str
    fallback_intro: str
    fallback_help: str
    smalltalk: str


@knowledge_file("assistant.yaml", AssistantTexts)
def assistant_texts() -> AssistantTexts:
    """The assistant's wording and abstention thresholds, loaded once."""
    return load_facts("assistant.yaml", AssistantTexts)


@dataclass
class TurnContext:
    """What one `ask` call knows: the redacted question, the dates it is relative to, and the history."""

    question: str
    pii_kinds: tuple[str, ...]
    today: date
    now: datetime | None
    conversation_id: str
    history: list[Answer]
    pending: dict[str, Any] | None = None
    next_pending: dict[str, Any] | None = None


SearchFn = Callable[[str, int], list[Any]]


class Assistant:
    """Answers enrollers' questions from the deterministic tools and the indexed documents."""

    def __init__(
        self,
        *,
        search: SearchFn | None = None,
        index_dir: Path | None = None,
        store: ConversationStore | None = None,
        settings: Settings | None = None,
        llm: Any | None = None,
        texts: AssistantTexts | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self._index_dir = index_dir if index_dir is not None else self.settings.resolved_index_dir
        self._search = search
        self._retriever: Any | None = None
        self._retriever_lock = threading.Lock()
        self.store = store or ConversationStore(self.settings.database_path)
        self.texts = texts or assistant_texts()
        self.llm = llm

    # --- retrieval -----------------------------------------------------------------------------------

    def search(self, query: str, k: int = RETRIEVAL_K) -> list[Any]:
        """Hybrid search over the index (opened on first use, so tool-only turns never load the model)."""
        if self._search is not None:
            return self._search(query, k)
        with self._retriever_lock:
            if self._retriever is None:
                from ingest.retrieval import Retriever

                self._retriever = Retriever.open(self._index_dir)
        return list(self._retriever.search(query, k=k))

    # --- the turn ------------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        today: date | None = None,
        now: datetime | None = None,
    ) -> Answer:
        """Answer one question (PII redacted first), remembering it under `conversation_id`."""
        if not question or not question.strip():
            raise EmptyQuestionError("question is empty")
        started = time.perf_counter()
        redaction = redact_pii(question.strip())
        if today is None:
            now = now or datetime.now(PACIFIC)
            today = now.astimezone(PACIFIC).date()
        cid = conversation_id or self.store.new_conversation()
        ctx = TurnContext(
            question=redaction.text,
            pii_kinds=redaction.kinds,
            today=today,
            now=now,
            conversation_id=cid,
            history=self.store.history(cid),
            pending=self.store.pending(cid),
        )
        answer = self._answer_with_llm(ctx) if self.llm is not None else None
        if answer is None:
            answer = self._answer_deterministically(ctx)
        if ctx.pii_kinds and not any(self.texts.pii_warning in turn.answer for turn in ctx.history):
            answer = answer.model_copy(update={"answer": f"{self.texts.pii_warning}\n\n{answer.answer}"})
        self.store.append(answer, today=today, pending=ctx.next_pending)
        log.info(
            "turn conversation=%s route=%s tools=%s citations=%d pii=%s ms=%.0f question=%r",
            cid,
            answer.route,
            [c.name for c in answer.tool_calls],
            len(answer.citations),
            ",".join(ctx.pii_kinds) or "-",
            (time.perf_counter() - started) * 1000,
            ctx.question,
        )
        return answer

    def _answer_with_llm(self, ctx: TurnContext) -> Answer | None:
        from assistant.llm import LlmUnavailable

        if self.llm is None:
            return None
        try:
            result = self.llm.respond(ctx.question, today=ctx.today, history=ctx.history)
        except LlmUnavailable as exc:
            log.warning("LLM unavailable (%s): answering deterministically", exc)
            return None
        return Answer(
            question=ctx.question,
            answer=result.answer,
            route=result.route,
            tool_calls=result.tool_calls,
            citations=result.citations,
            conversation_id=ctx.conversation_id,
        )

    def _answer_deterministically(self, ctx: TurnContext) -> Answer:
        plan = plan_turn(ctx.question, ctx.today, ctx.history, now=ctx.now, pending=ctx.pending)
        log.debug(
            "plan intent=%s calls=%s retrieve=%s matched=%s", plan.intent, plan.calls, plan.retrieve, plan.matched
        )
        ctx.next_pending = plan.pending
        if plan.followup:
            return self._reply(ctx, plan.followup, "tool", [], [])
        if plan.intent == "smalltalk" and not plan.calls:
            return self._reply(ctx, self.texts.smalltalk, "fallback", [], [])

        calls, outputs, errors = self._run_tools(plan.calls)
        composition = self._retrieve(plan) if plan.retrieve else None
        parts: list[str] = [out.summary for out in outputs]
        parts.extend(errors)
        citations: list[Citation] = [c for out in outputs for c in _tool_citations(out)]
        if composition is not None and composition.sentences:
            parts.append(("From the toolkit: " if parts else "") + composition.text)
            citations.extend(composition.citations)
        if calls:
            return self._reply(ctx, "\n\n".join(parts), "tool", calls, _dedupe(citations))
        if composition is not None and composition.sentences:
            return self._reply(ctx, "\n\n".join(parts), "retrieval", [], _dedupe(citations))
        return self._fallback(ctx, errors)

    def _run_tools(self, planned: Sequence[PlannedCall]) -> tuple[list[ToolCall], list[ToolOutput], list[str]]:
        calls: list[ToolCall] = []
        outputs: list[ToolOutput] = []
        errors: list[str] = []
        for item in planned:
            spec = get_tool(item.name)
            try:
                inp = spec.validate(dict(item.arguments))
                out = spec.run(inp)
            except EnrollerToolError as exc:
                errors.append(f"I couldn't run {item.name}: {exc}")
                continue
            calls.append(
                ToolCall(
                    name=item.name,
                    arguments=inp.model_dump(mode="json", exclude_none=True),
                    result=out.model_dump(mode="json"),
                )
            )
            outputs.append(out)
        return calls, outputs, errors

    def _retrieve(self, plan: Plan) -> Composition | None:
        hits = self.search(plan.query, RETRIEVAL_K)
        if not hits:
            return None
        # The question in the toolkits' words ("termed" -> "terminated termination") for sentence matching too.
        query = normalize_query(plan.query)
        composition = compose_answer(query, hits)
        if not self._confident(query, hits, composition):
            log.info("abstain: low retrieval confidence (score=%.2f)", composition.score)
            return None
        return composition

    def _confident(self, query: str, hits: Sequence[Any], composition: Composition) -> bool:
        """A document answer needs a similar enough best passage and an answer that shares the question's words."""
        policy = self.texts.abstain
        dense = getattr(hits[0], "dense_score", None)
        if dense is not None and dense < policy.min_dense:
            return False
        if not composition.sentences:
            return False
        return answer_overlap(query, composition) >= policy.min_overlap

    def _fallback(self, ctx: TurnContext, errors: Sequence[str]) -> Answer:
        parts = [*errors, self.texts.fallback_intro, self.texts.fallback_help]
        calls: list[ToolCall] = []
        citations: list[Citation] = []
        hours, out = self._safe_run("service_center_hours", {"date": ctx.today.isoformat()})
        if hours is not None and out is not None:
            parts.append(f"Or call the Agent/CEC Service Center: {out.summary}")
            calls.append(hours)
            citations.extend(_tool_citations(out))
        return self._reply(ctx, " ".join(parts), "fallback", calls, _dedupe(citations))

    def _safe_run(self, name: str, arguments: dict[str, Any]) -> tuple[ToolCall | None, ToolOutput | None]:
        calls, outputs, _ = self._run_tools([PlannedCall(name=name, arguments=arguments)])
        return (calls[0], outputs[0]) if calls else (None, None)

    def _reply(
        self, ctx: TurnContext, text: str, route: Route, calls: list[ToolCall], citations: list[Citation]
    ) -> Answer:
        return Answer(
            question=ctx.question,
            answer=text,
            route=route,
            tool_calls=calls,
            citations=citations,
            conversation_id=ctx.conversation_id,
        )

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def answer_overlap(query: str, composition: Composition) -> float:
    """Share of the question's terms that the composed answer contains."""
    q = set(tokenize(query))
    return len(q & set(tokenize(composition.text))) / len(q) if q else 0.0


def _tool_citations(out: ToolOutput) -> list[Citation]:
    return [Citation(source=s.document, title=s.title, page=s.page, snippet=out.summary) for s in out.sources]


def _dedupe(citations: Sequence[Citation | None]) -> list[Citation]:
    seen: set[tuple[str, int]] = set()
    out: list[Citation] = []
    for c in citations:
        if c is None:
            continue
        key = (c.source, c.page)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
