"""Optional LLM mode: a LangChain tool-calling agent over the same tools and the document search.

Only used when ENROLLER_LLM names a chat model. Any failure (provider error, timeout, an empty or
unusable reply) raises `LlmUnavailable`, and `Assistant` answers deterministically instead.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.lc_tools import CallLog, build_tools
from assistant.models import Answer, Citation, Route, ToolCall, unique_citations
from assistant.settings import Settings

PROMPTS = Path(__file__).resolve().parent / "prompts"
_REF = re.compile(r"\[(\d{1,2})\]")


class LlmUnavailable(AssistantError):
    """The LLM could not give a usable answer this turn."""


@dataclass
class LlmResult:
    """What the agent answered and what it stood on."""

    answer: str
    route: Route
    tool_calls: list[ToolCall]
    citations: list[Citation]


@cache
def system_prompt_template() -> str:
    """The system prompt, with a {today} placeholder."""
    return (PROMPTS / "system.txt").read_text(encoding="utf-8")


def load_chat_model(settings: Settings) -> Any | None:
    """The configured LangChain chat model, or None when ENROLLER_LLM is unset."""
    if not settings.llm:
        return None
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"timeout": settings.llm_timeout, "max_retries": 0}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
    model_id = settings.llm
    if ":" not in model_id and settings.llm_base_url:
        kwargs["model_provider"] = "openai"  # a bare model name on an OpenAI-compatible server
    return init_chat_model(model_id, **kwargs)


class LlmResponder:
    """Runs one question through a tool-calling agent with a wall-clock limit."""

    def __init__(self, model: Any, search: Callable[[str, int], list[Any]], timeout: float = 30.0) -> None:
        self.model = model
        self.search = search
        self.timeout = timeout

    def respond(self, question: str, *, today: date, history: Sequence[Answer] = ()) -> LlmResult:
        """Answer a (redacted) question; raise LlmUnavailable on any failure."""
        log = CallLog()
        box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                box.put(("ok", self._run_agent(question, today, history, log)))
            except Exception as exc:  # every provider has its own error types
                box.put(("error", exc))

        # A daemon thread: a hung provider call cannot keep the process alive after we give up on it.
        threading.Thread(target=work, name="enroller-llm", daemon=True).start()
        try:
            status, value = box.get(timeout=self.timeout)
        except queue.Empty:
            raise LlmUnavailable(f"no answer within {self.timeout:g} s") from None
        if status == "error":
            raise LlmUnavailable(f"{type(value).__name__}: {value}") from value
        return self._result(str(value), log)

    def _run_agent(self, question: str, today: date, history: Sequence[Answer], log: CallLog) -> str:
        from langchain.agents import create_agent
        from langchain_core.messages import AIMessage, HumanMessage

        agent = create_agent(
            self.model,
            tools=build_tools(self.search, today, log),
            system_prompt=system_prompt_template().format(today=today.isoformat()),
        )
        messages: list[Any] = []
        for turn in history:
            messages.append(HumanMessage(turn.question))
            messages.append(AIMessage(turn.answer))
        messages.append(HumanMessage(question))
        state = agent.invoke({"messages": messages})
        final = state["messages"][-1]
        text = final.content if isinstance(final.content, str) else _text_of(final.content)
        if not isinstance(final, AIMessage) or not text.strip():
            raise LlmUnavailable("the model returned no answer")
        return text.strip()

    def _result(self, text: str, log: CallLog) -> LlmResult:
        """Citations and route from what the tools recorded, never from what the model claims.

        Cited refs ([n]) that name a hit of this turn become citations; if the answer names none but
        the model read documents (and no tool ran), the top two hits are shown so the reader can check.
        An answer with no tool call and no retrieved passage is route "fallback": the model spoke from
        its own knowledge, which the UI must not present as sourced.
        """
        cited = []
        for number in dict.fromkeys(int(n) for n in _REF.findall(text)):
            if 1 <= number <= len(log.hits):
                cited.append(log.hits[number - 1])
        if not cited and log.hits and not log.tool_calls:
            cited = log.hits[:2]  # it answered from what it read without numbering: show what that was
        citations = [*log.tool_citations]
        citations.extend(
            Citation(
                source=h.source,
                title=h.title,
                page=h.page,
                snippet=" ".join(h.text.split())[:300],
                doc_date=h.doc_date,
            )
            for h in cited
        )
        route: Route = "tool" if log.tool_calls else "retrieval" if cited else "fallback"
        return LlmResult(answer=text, route=route, tool_calls=log.tool_calls, citations=unique_citations(citations))


def _text_of(content: Any) -> str:
    parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content or []]
    return "".join(parts)
