"""`/healthz` (the process is up) and `/readyz` (knowledge valid, index open, database reachable)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bots.http.deps import StateDep
from bots.http.models import ReadyResponse
from bots.http.state import AppState
from ingest.errors import IndexProblem
from ingest.index import index_exists

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}})
def readyz(state: StateDep) -> JSONResponse:
    """200 when the assistant can answer; 503 with the first failing check's reason otherwise."""
    checks: dict[str, str] = {}
    reason: str | None = None
    assistant = state.assistant
    if assistant is None:
        reason = state.startup_error or "the assistant is starting"
        checks["assistant"] = reason
    else:
        checks["knowledge"] = "ok (validated at start-up)"
        reason = _check_index(state, checks)
        try:
            assistant.store.last_turn_id("readyz")
            checks["database"] = f"ok ({assistant.store.name})"
        except Exception as exc:  # any driver error means "not reachable"; say which
            checks["database"] = f"unreachable: {type(exc).__name__}: {exc}"
            reason = reason or f"database {checks['database']}"
    body = ReadyResponse(ready=reason is None, checks=checks, reason=reason)
    return JSONResponse(body.model_dump(), status_code=200 if reason is None else 503)


def _check_index(state: AppState, checks: dict[str, str]) -> str | None:
    """Fill `checks["index"]`; the reason it is not ready, if any. With CHROMA_URL, the server is asked."""
    url = state.settings.chroma_url
    if url is None:
        if index_exists(state.index_dir):
            checks["index"] = f"ok ({state.index_dir})"
            return None
        checks["index"] = f"no index at {state.index_dir}"
        return checks["index"]
    from ingest.store_chroma import server_index

    try:
        checks["index"] = server_index(url).status()
    except IndexProblem as exc:
        checks["index"] = str(exc)
        return f"document search unavailable: {exc}"
    return None
