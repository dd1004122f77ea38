"""The one entry point every interface uses: `Assistant.ask(question) -> Answer`.

A turn goes: redact PII → (LLM agent, when configured and healthy) → deterministic plan (tools, retrieval,
or a follow-up question) → run tools → retrieve and compose a cited answer, or abstain → store the turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from assistant.abstain import AbstainPolicy, AbstainSignals, abstain_signals
from assistant.composer import COMPOSED_PASSAGES, Composition
from assistant.errors import EmptyQuestionError, InvalidRequestError
from assistant.models import (
    Answer,
    AnswerPart,
    AskRequest,
    Citation,
    PartKind,
    Route,
    ToolCall,
    TraceStep,
    short_arguments,
    tool_citations,
    unique_citations,
)
from assistant.pii import redact_pii
from assistant.routing import Plan, PlannedCall, plan_turn
from assistant.settings import Settings, get_settings
from assistant.store import ConversationStore
from ingest.errors import IndexProblem
from tools.errors import EnrollerToolError
from tools.facts import Facts, knowledge_file, load_facts
from tools.models import ToolOutput
from tools.registry import get_tool

log = logging.getLogger("enroller.assistant")

PACIFIC = ZoneInfo("America/Los_Angeles")
RETRIEVAL_K = 6


class AssistantTexts(Facts):
    """The assistant's own wording, kept as data (knowledge/assistant.yaml)."""

    abstain: AbstainPolicy
    pii_warning: str
    fallback_intro: str
    fallback_help: str
    smalltalk: str
    search_unavailable: str = "Document search is unavailable right now ({reason}); tools still answer."


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
    trace: list[TraceStep] = field(default_factory=list)
    search_unavailable: str | None = None


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
        retriever: Any | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self._index_dir = index_dir if index_dir is not None else self.settings.resolved_index_dir
        self._search = search
        # A ready retriever (a Chroma server's, from the wiring); else the folder index opens on first search.
        self._retriever: Any | None = retriever
        self._retriever_lock = threading.Lock()
        self.store = store or ConversationStore.from_settings(self.settings)
        self.texts = texts or assistant_texts()
        self.llm = llm

    # --- retrieval -----------------------------------------------------------------------------------

    def search(self, query: str, k: int = RETRIEVAL_K) -> list[Any]:
        """Hybrid search over the index (opened on first use, so tool-only turns never load the model)."""
        if self._search is not None:
            return self._search(query, k)
        retriever = self.retriever()
        assert retriever is not None  # no injected search, so the index is opened
        return list(retriever.search(query, k=k))

    def retriever(self) -> Any | None:
        """The document index this assistant answers from (opened on first use); None with an injected search."""
        if self._search is not None:
            return None
        with self._retriever_lock:
            if self._retriever is None:
                from ingest.retrieval import Retriever

                self._retriever = Retriever.open(self._index_dir)
        return self._retriever

    def _term_index(self) -> Any | None:
        """The keyword index's term statistics (None with an injected search function)."""
        return self._retriever.bm25 if self._retriever is not None else None

    # --- the turn ------------------------------------------------------------------------------------

    def ask(
        self,
        request: AskRequest | str,
        conversation_id: str | None = None,
        today: date | None = None,
        now: datetime | None = None,
    ) -> Answer:
        """Answer one question (PII redacted first), remembering it under its conversation id.

        Takes an `AskRequest`, or the question as a string with the same fields as keywords; raises
        `EmptyQuestionError` / `InvalidRequestError` (both `InvalidInputError`) for bad input."""
        request = self._request(request, conversation_id, today, now)
        started = time.perf_counter()
        redaction = redact_pii(request.question)
        now = request.now
        today = request.today
        if today is None:
            now = now or datetime.now(PACIFIC)
            today = now.astimezone(PACIFIC).date()
        cid = request.conversation_id or self.store.new_conversation()
        ctx = TurnContext(
            question=redaction.text,
            pii_kinds=redaction.kinds,
            today=today,
            now=now,
            conversation_id=cid,
            history=self.store.history(cid),
            pending=self.store.pending(cid),
        )
        if ctx.pii_kinds:
            ctx.trace.append(
                TraceStep(step="redact", detail=f"removed before anything else: {', '.join(ctx.pii_kinds)}")
            )
        answer = self._answer_with_llm(ctx) if self.llm is not None else None
        if answer is None:
            answer = self._answer_deterministically(ctx)
        if ctx.pii_kinds and not any(self.texts.pii_warning in turn.answer for turn in ctx.history):
            answer = _with_notice(answer, self.texts.pii_warning)
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

    @staticmethod
    def _request(
        request: AskRequest | str, conversation_id: str | None, today: date | None, now: datetime | None
    ) -> AskRequest:
        if isinstance(request, AskRequest):
            return request
        if not isinstance(request, str) or not request.strip():
            raise EmptyQuestionError("question: must not be empty")
        try:
            return AskRequest(question=request, conversation_id=conversation_id, today=today, now=now)
        except ValidationError as exc:
            raise InvalidRequestError(exc) from exc

    def _answer_with_llm(self, ctx: TurnContext) -> Answer | None:
        from assistant.llm import LlmUnavailable

        if self.llm is None:
            return None
        try:
            result = self.llm.respond(ctx.question, today=ctx.today, history=ctx.history)
        except LlmUnavailable as exc:
            log.warning("LLM unavailable (%s): answering deterministically", exc)
            ctx.trace.append(TraceStep(step="llm", detail=f"unavailable ({exc}); answered deterministically"))
            return None
        ctx.trace.append(
            TraceStep(step="llm", detail=f"agent answered; tools {[c.name for c in result.tool_calls] or 'none'}")
        )
        kind: PartKind = "excerpt" if result.citations else ("tool" if result.tool_calls else "fallback")
        draft = _Draft()
        draft.add(kind, result.answer, list(result.citations))
        return self._reply(ctx, draft, result.route, list(result.tool_calls))

    def _answer_deterministically(self, ctx: TurnContext) -> Answer:
        plan = plan_turn(ctx.question, ctx.today, ctx.history, now=ctx.now, pending=ctx.pending)
        log.debug(
            "plan intent=%s calls=%s retrieve=%s matched=%s", plan.intent, plan.calls, plan.retrieve, plan.matched
        )
        ctx.trace.append(TraceStep(step="route", detail=_route_detail(plan)))
        ctx.next_pending = plan.pending
        draft = _Draft()
        if plan.followup:
            ctx.trace.append(TraceStep(step="followup", detail=f"missing {plan.pending or 'an argument'}"))
            draft.add("followup", plan.followup)
            return self._reply(ctx, draft, "tool", [])
        if plan.intent == "smalltalk" and not plan.calls:
            draft.add("fallback", self.texts.smalltalk)
            return self._reply(ctx, draft, "fallback", [])

        calls, outputs, errors = self._run_tools(plan.calls, ctx)
        composition = self._retrieve(plan, ctx) if plan.retrieve else None
        for out in outputs:
            draft.add("tool", out.summary, tool_citations(out))
        if calls:
            for note in plan.notes:  # dates the router completed, said out loud
                draft.add("notice", note)
        for error in errors:
            draft.add("notice", error)
        if ctx.search_unavailable is not None:
            draft.add("notice", self.texts.search_unavailable.format(reason=ctx.search_unavailable))
        if composition is not None and outputs:
            # Toolkit text under a tool answer only when it is about the same thing: the pages the tool cites.
            composition = composition.restricted_to({(s.document, s.page) for out in outputs for s in out.sources})
        if composition is not None and composition.sentences:
            draft.add("excerpt", composition.text, list(composition.citations))
        if calls:
            return self._reply(ctx, draft, "tool", calls)
        if composition is not None and composition.sentences:
            return self._reply(ctx, draft, "retrieval", [])
        return self._fallback(ctx, errors)

    def _run_tools(
        self, planned: Sequence[PlannedCall], ctx: TurnContext | None = None
    ) -> tuple[list[ToolCall], list[ToolOutput], list[str]]:
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
                if ctx is not None:
                    ctx.trace.append(TraceStep(step="tool", detail=f"{item.name} refused its arguments: {exc}"))
                continue
            arguments = inp.model_dump(mode="json", exclude_none=True)
            if ctx is not None:
                ctx.trace.append(TraceStep(step="tool", detail=f"{item.name}({short_arguments(arguments)})"))
            calls.append(ToolCall(name=item.name, arguments=arguments, result=out.model_dump(mode="json")))
            outputs.append(out)
        return calls, outputs, errors

    def _retrieve(self, plan: Plan, ctx: TurnContext) -> Composition | None:
        try:
            hits = self.search(plan.query, RETRIEVAL_K)
        except (IndexProblem, OSError) as exc:
            # The index (a folder, or a Chroma server) is gone: answer what the tools can, and say so.
            log.warning("document search unavailable: %s", exc)
            ctx.trace.append(TraceStep(step="retrieve", detail=f"document search unavailable: {exc}"))
            ctx.search_unavailable = str(exc)
            return None
        if not hits:
            ctx.trace.append(TraceStep(step="retrieve", detail="no passages found"))
            return None
        ctx.trace.append(TraceStep(step="retrieve", detail=_hits_detail(hits)))
        signals, reason = self.judge(plan, hits)
        if reason is not None:
            log.info("abstain: %s", reason)
            ctx.trace.append(TraceStep(step="abstain", detail=reason))
            return None
        ctx.trace.append(TraceStep(step="compose", detail=signals.describe()))
        return signals.composition

    def judge(self, plan: Plan, hits: Sequence[Any]) -> tuple[AbstainSignals, str | None]:
        """Compose from `hits` and decide whether to abstain: the signals and the reason (None: answer). The one
        judgement the engine makes, and the one the calibration (evals/run_assistant_eval.py) measures."""
        # Search with the conversation, but compose and judge the answer against the question asked now.
        # Subject coverage needs the word-frequency tables (~0.5 s to load): only measured while it is in use.
        terms = self._term_index() if self.texts.abstain.min_coverage > 0 else None
        # The search read the question's typos as the index's words; so do the composer and the judgement.
        signals = abstain_signals(self._respelled(plan.focus or plan.query), hits, terms)
        reason = signals.abstain_reason(self.texts.abstain)
        if reason is not None and plan.focus and plan.focus != plan.query:
            # "any tips so this doesn't happen again?": the follow-up alone names nothing the passages hold;
            # its subject is in the question before it, which the search already used.
            with_context = abstain_signals(self._respelled(plan.query), hits, terms)
            if with_context.abstain_reason(self.texts.abstain) is None:
                signals, reason = with_context, None
        return signals, reason

    def judge_question(self, question: str, today: date) -> tuple[AbstainSignals, str | None] | None:
        """A first question's document search and judgement, exactly as `ask` would make them (None when the
        turn searches no documents, or nothing is found): what the abstention thresholds are calibrated on."""
        plan = plan_turn(redact_pii(question).text, today)
        if not plan.retrieve or not plan.query:
            return None
        hits = self.search(plan.query, RETRIEVAL_K)
        return self.judge(plan, hits) if hits else None

    def _respelled(self, text: str) -> str:
        """`text` with its typos read as the index's words, as the search read them (ingest/spelling.py)."""
        respelled = getattr(self._retriever, "respelled", None)  # None with an injected search
        return str(respelled(text)) if respelled is not None else text

    def _fallback(self, ctx: TurnContext, errors: Sequence[str]) -> Answer:
        draft = _Draft()
        for error in errors:
            draft.add("notice", error)
        if ctx.search_unavailable is not None:
            draft.add("notice", self.texts.search_unavailable.format(reason=ctx.search_unavailable))
        draft.add("fallback", f"{self.texts.fallback_intro} {self.texts.fallback_help}")
        calls: list[ToolCall] = []
        hours, out = self._safe_run("service_center_hours", {"date": ctx.today.isoformat()})
        if hours is not None and out is not None:
            draft.add("tool", f"Or call the Agent/CEC Service Center: {out.summary}", tool_citations(out))
            calls.append(hours)
        return self._reply(ctx, draft, "fallback", calls)

    def _safe_run(self, name: str, arguments: dict[str, Any]) -> tuple[ToolCall | None, ToolOutput | None]:
        calls, outputs, _ = self._run_tools([PlannedCall(name=name, arguments=arguments)])
        return (calls[0], outputs[0]) if calls else (None, None)

    def _reply(self, ctx: TurnContext, draft: _Draft, route: Route, calls: list[ToolCall]) -> Answer:
        parts, citations = draft.finish()
        return Answer(
            question=ctx.question,
            answer=render_parts(parts),
            route=route,
            tool_calls=calls,
            citations=citations,
            conversation_id=ctx.conversation_id,
            parts=parts,
            trace=list(ctx.trace),
        )

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Draft:
    """Answer parts as they are added, each with its own citations; `finish` numbers the citations once."""

    def __init__(self) -> None:
        self._parts: list[tuple[PartKind, str, list[Citation]]] = []

    def add(self, kind: PartKind, text: str, citations: Sequence[Citation] = ()) -> None:
        """Append a part."""
        self._parts.append((kind, text, list(citations)))

    def finish(self) -> tuple[list[AnswerPart], list[Citation]]:
        """The parts with citation indexes, and the de-duplicated citations (first seen first). A page that a
        tool and a document excerpt both cite keeps the excerpt's snippet: the document's own words, not the
        tool's summary."""
        citations = unique_citations(c for _, _, cites in self._parts for c in cites)
        index = {(c.source, c.page): n for n, c in enumerate(citations)}
        quoted = {(c.source, c.page): c for kind, _, cites in reversed(self._parts) if kind == "excerpt" for c in cites}
        citations = [quoted.get((c.source, c.page), c) for c in citations]
        parts = [
            AnswerPart(kind=kind, text=text, citations=sorted({index[(c.source, c.page)] for c in cites}))
            for kind, text, cites in self._parts
        ]
        return parts, citations


def render_parts(parts: Sequence[AnswerPart]) -> str:
    """The plain-text answer: parts in order, a blank line apart; toolkit text under a tool answer is
    introduced as such."""
    out: list[str] = []
    for n, part in enumerate(parts):
        text = part.text
        if part.kind == "excerpt" and any(p.kind == "tool" for p in parts[:n]):
            text = f"From the toolkit: {text}"
        out.append(text)
    return "\n\n".join(out)


def _with_notice(answer: Answer, notice: str) -> Answer:
    """`answer` with a notice part first (citation indexes are unchanged)."""
    parts = [AnswerPart(kind="notice", text=notice), *answer.parts]
    return answer.model_copy(update={"parts": parts, "answer": render_parts(parts)})


def _route_detail(plan: Plan) -> str:
    matched = ", ".join(repr(m) for m in plan.matched[:6]) or "no rule"
    return f"intent {plan.intent} (matched {matched})"


def _hits_detail(hits: Sequence[Any]) -> str:
    best = []
    for hit in hits[:COMPOSED_PASSAGES]:
        dense = getattr(hit, "dense_score", None)
        extra = f", similarity {dense:.2f}" if isinstance(dense, float) else ""
        score = getattr(hit, "score", 0.0)
        best.append(f"{getattr(hit, 'source', '?')} p.{getattr(hit, 'page', '?')} (score {score:.3f}{extra})")
    return "top passages: " + "; ".join(best)
