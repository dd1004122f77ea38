"""The one composition root: `build_assistant(settings)` builds the `Assistant` every interface uses.

It validates all knowledge (shipped files plus the operator's `ENROLLER_KNOWLEDGE_DIR`), makes sure the
index exists (building the built-in one from knowledge/docs, said on stderr, with progress), opens the
database, loads the LLM when one is configured, and says once which mode it runs in.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.engine import Assistant, SearchFn
from assistant.errors import StartupError
from assistant.knowledge import load_knowledge
from assistant.logs import configure_logging
from assistant.settings import Settings, get_settings
from assistant.store import ConversationStore, StoreError
from ingest.index import IndexProblem, ProgressFn, index_exists

log = logging.getLogger("enroller.wiring")

Notice = Callable[[str], None]


def notice_on_stderr(message: str) -> None:
    """Default notice: one line on stderr, so stdout stays the answer."""
    print(f"enroller: {message}", file=sys.stderr, flush=True)


def build_assistant(
    settings: Settings | None = None,
    *,
    index_dir: Path | None = None,
    progress: bool | ProgressFn = False,
    notice: Notice = notice_on_stderr,
) -> Assistant:
    """Build the one `Assistant`: knowledge validated, index ready, database open, LLM loaded if configured.

    `index_dir` (e.g. the CLI's --index) wins; else CHROMA_URL's server is searched; else ENROLLER_INDEX_DIR must
    name an existing index; without any, the built-in guides are indexed under DATA_DIR on first use.
    Raises `KnowledgeError` for a bad knowledge file and `StartupError` for a missing index or an unusable database."""
    settings = settings or get_settings()
    configure_logging(settings)
    load_knowledge(settings.knowledge_dir)
    server = server_retriever(settings) if index_dir is None and settings.chroma_url else None
    index = prepare_index(settings, index_dir, progress=progress, notice=notice) if server is None else None
    try:
        store = ConversationStore.from_settings(settings)
    except StoreError as exc:
        raise StartupError(str(exc)) from exc
    assistant = Assistant(settings=settings, index_dir=index, store=store, retriever=server)
    if server is not None:
        index = server.index.location
    assistant.llm = load_llm(settings, assistant.search)
    mode = f"LLM mode ({settings.llm})" if assistant.llm is not None else "deterministic mode (no LLM configured)"
    log.info("%s; index %s; knowledge overrides %s", mode, index, settings.knowledge_dir or "none")
    if settings.llm and assistant.llm is None:
        mode = f"deterministic mode (the LLM {settings.llm!r} could not be loaded; see the log)"
    notice(mode)
    return assistant


def prepare_index(
    settings: Settings, index_dir: Path | None = None, *, progress: bool | ProgressFn = False, notice: Notice
) -> Path:
    """The index to answer from: an explicit one must exist; the default one is built from the built-in
    guides when missing or stale (a quick no-op when up to date)."""
    explicit = index_dir if index_dir is not None else settings.index_dir
    if explicit is not None:
        if not index_exists(explicit):
            raise StartupError(f"no index at {explicit}: run `enroller ingest PATH --index {explicit}` first")
        return Path(explicit)
    from ingest import ensure_builtin_index

    target = settings.resolved_index_dir
    if not index_exists(target):
        notice(f"indexing the built-in guides into {target} (first run; about 15 s)")
    try:
        return ensure_builtin_index(target, progress=progress)
    except IndexProblem as exc:
        raise StartupError(str(exc)) from exc


def server_retriever(settings: Settings) -> Any:
    """The retriever over CHROMA_URL's index. It does not fail when the server is down or empty: /readyz says
    so, tool answers still work, and the index is picked up as soon as the server has one."""
    from ingest.retrieval import ServerRetriever
    from ingest.store_chroma import server_index

    assert settings.chroma_url is not None
    return ServerRetriever(server_index(settings.chroma_url))


def load_llm(settings: Settings, search: SearchFn) -> Any | None:
    """The LLM responder when ENROLLER_LLM names a model that loads; None (deterministic mode) otherwise."""
    if not settings.llm:
        return None
    from assistant.llm import LlmResponder, load_chat_model

    try:
        model = load_chat_model(settings)
    except Exception as exc:  # a bad model id or a missing provider package must not stop the assistant
        log.warning("LLM %r could not be loaded (%s): deterministic mode", settings.llm, exc)
        return None
    if model is None:
        return None
    return LlmResponder(model, search, timeout=settings.llm_timeout)
