"""The JSON API against a real uvicorn server on 127.0.0.1: auth, limits, errors, each endpoint's happy path."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from assistant.engine import Assistant
from bots.cli import main
from tests.bots.http.conftest import TOKEN, LiveServer, ServerFactory

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PORTAL = "https://portal.example.org"


def api(server: LiveServer, method: str, path: str, **kwargs: object) -> httpx.Response:
    """One request with the right token."""
    headers = {**AUTH, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.request(method, server.url + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


# --- auth -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong-token"}, 401, id="wrong-token"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, 401, id="wrong-scheme"),
        pytest.param(AUTH, 200, id="right-token"),
    ],
)
def test_api_needs_the_bearer_token(secured: LiveServer, headers: dict[str, str], status: int) -> None:
    """With ENROLLER_API_TOKENS set, /api/* answers 401 without the right bearer token, 200 with it."""
    response = httpx.get(f"{secured.url}/api/tools", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
        assert TOKEN not in response.text
        assert response.json()["detail"].startswith("missing or invalid API token")


def test_health_needs_no_token(secured: LiveServer) -> None:
    """/healthz and /readyz answer without a token (load balancers probe them)."""
    assert httpx.get(f"{secured.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{secured.url}/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["ready"] is True
    assert set(ready.json()["checks"]) == {"knowledge", "index", "database"}


def test_open_server_needs_no_token(open_server: LiveServer) -> None:
    """Without tokens configured the API is open (serve binds loopback only then)."""
    assert httpx.get(f"{open_server.url}/api/tools").status_code == 200


# --- limits and malformed input ---------------------------------------------------------------------


def test_body_over_16_kb_is_413(secured: LiveServer) -> None:
    """A body over 16 KB is refused with 413 and a clear message, before it reaches a handler."""
    response = api(secured, "POST", "/api/ask", json={"question": "x" * 17_000})
    assert response.status_code == 413
    assert response.json()["detail"] == "request body too large: at most 16 KB"


def test_streamed_body_over_16_kb_is_413(secured: LiveServer) -> None:
    """A chunked body (no Content-Length) is counted as it arrives and refused past 16 KB."""

    def chunks() -> object:
        for _ in range(40):
            yield b"x" * 1024

    response = api(secured, "POST", "/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [pytest.param(b"{not json", id="broken"), pytest.param(b'{"question": "a"', id="truncated")],
)
def test_malformed_json_is_400(secured: LiveServer, body: bytes) -> None:
    """Malformed JSON is the caller's fault: 400 saying so, never 500."""
    response = api(secured, "POST", "/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("malformed JSON body")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param("/api/ask", {"question": "   "}, "question", id="empty-question"),
        pytest.param("/api/ask", {"question": "ROP?", "today": "not-a-date"}, "today", id="bad-today"),
        pytest.param("/api/ask", [1, 2], "body", id="not-an-object"),
        pytest.param("/api/help-requests/suggest", {"text": "hi"}, "description", id="suggest-missing"),
        pytest.param("/api/feedback", {"conversation_id": "c", "rating": 5}, "rating", id="bad-rating"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(secured: LiveServer, path: str, body: object, field: str) -> None:
    """Invalid input → 422 with the offending field named in `field` and in the message."""
    response = api(secured, "POST", path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert field in response.json()["detail"]


def test_tool_input_error_is_the_cli_message(secured: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    """POST /api/tools/{name} with bad arguments → 422 with the same one-line message `enroller tool` prints."""
    payload = '{"notice_date": "2026-02-30"}'
    response = api(
        secured, "POST", "/api/tools/rop_calculator", content=payload, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "notice_date"
    assert main(["tool", "rop_calculator", "--json", payload]) == 2
    assert capsys.readouterr().err.strip() == f"enroller: error: rop_calculator: {response.json()['detail']}"


def test_unknown_tool_is_404(secured: LiveServer) -> None:
    """An unknown tool name → 404 listing the known ones."""
    response = api(secured, "POST", "/api/tools/no_such_tool", json={})
    assert response.status_code == 404
    assert "known tools: " in response.json()["detail"]


# --- happy paths ------------------------------------------------------------------------------------


def test_ask_returns_the_structured_answer(secured: LiveServer) -> None:
    """POST /api/ask → the Answer: parts, citations, trace; the conversation id continues it."""
    response = api(
        secured,
        "POST",
        "/api/ask",
        json={"question": "How long does the consumer have to send documents for a data inconsistency?"},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["parts"]
    assert answer["trace"]
    assert answer["citations"]
    assert {"source", "title", "page", "snippet"} <= set(answer["citations"][0])
    follow = api(
        secured,
        "POST",
        "/api/ask",
        json={
            "question": "And if the NOD01 was 2026-03-03?",
            "conversation_id": answer["conversation_id"],
            "today": "2026-03-10",
        },
    )
    assert follow.status_code == 200
    assert follow.json()["conversation_id"] == answer["conversation_id"]


def test_ask_redacts_pii(secured: LiveServer) -> None:
    """The stored (and returned) question has its SSN replaced."""
    answer = api(secured, "POST", "/api/ask", json={"question": "client SSN 123-45-6789 was termed, why?"}).json()
    assert "123-45-6789" not in answer["question"]


def test_search_returns_hits(secured: LiveServer) -> None:
    """GET /api/search → k hits with source, title, page, snippet, score and a link to the page."""
    response = api(secured, "GET", "/api/search", params={"q": "reinstatement after termination", "k": 3})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert len(hits) == 3
    for hit in hits:
        assert {"source", "title", "page", "snippet", "score", "url"} <= set(hit)
        assert hit["url"].endswith(f"#page={hit['page']}")


def test_search_k_out_of_range_is_422(secured: LiveServer) -> None:
    """k must be 1..20."""
    response = api(secured, "GET", "/api/search", params={"q": "rop", "k": 0})
    assert response.status_code == 422
    assert response.json()["field"] == "k"


def test_tools_lists_input_schemas(secured: LiveServer) -> None:
    """GET /api/tools → every tool with its description and input JSON schema."""
    from tools.registry import TOOLS

    tools = {t["name"]: t for t in api(secured, "GET", "/api/tools").json()}
    assert set(tools) == set(TOOLS)
    assert "notice_date" in tools["rop_calculator"]["input_schema"]["properties"]


def test_tool_runs(secured: LiveServer) -> None:
    """POST /api/tools/{name} → the tool's output model."""
    response = api(secured, "POST", "/api/tools/rop_calculator", json={"notice_date": "2026-03-03"})
    assert response.status_code == 200, response.text
    assert response.json()["rop_due_date"] == "2026-06-06"


def test_suggest_ranks_categories_and_warns_of_pii(secured: LiveServer) -> None:
    """The suggestion ranks both categories with their matched terms, lists what to include, warns of PII."""
    body = {
        "description": "My client's application was terminated for non-payment; SSN 123-45-6789",
        "topic": "Agency/Entity or Enroller Profile Issue",
    }
    response = api(secured, "POST", "/api/help-requests/suggest", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert next(c["category"] for c in data["categories"]) == "Consumer Case/Application Issue"
    assert data["categories"][0]["team"] == "Agent/CEC Service Center"
    assert "terminated" in data["categories"][0]["matched"]
    assert data["categories"][0]["confidence"] > data["categories"][1]["confidence"]
    assert any("case number" in item for item in data["include"])
    assert data["pii"]["kinds"] == ["ssn"]
    assert data["topic_matches"] is False


def test_suggest_profile_problem(secured: LiveServer) -> None:
    """A profile problem routes to Agent Contracts / Certification."""
    data = api(
        secured,
        "POST",
        "/api/help-requests/suggest",
        json={"description": "I need to update the agency address on my enroller profile"},
    ).json()
    assert data["categories"][0]["category"] == "Agency/Entity or Enroller Profile Issue"
    assert "pii" not in data


def test_suggest_may_answer_with_citations(secured: LiveServer) -> None:
    """A description the toolkits answer comes back with that answer and its cited pages."""
    data = api(
        secured,
        "POST",
        "/api/help-requests/suggest",
        json={
            "description": "How many days does the consumer have to resolve a data inconsistency "
            "during the reasonable opportunity period?"
        },
    ).json()
    assert data["may_answer"]["text"]
    cite = data["may_answer"]["citations"][0]
    assert cite["url"] == f"/documents/{cite['source']}#page={cite['page']}"


def test_feedback_is_stored(secured: LiveServer) -> None:
    """POST /api/feedback records the rating (comment redacted) on the conversation's latest turn."""
    answer = api(secured, "POST", "/api/ask", json={"question": "When is the service center open?"}).json()
    cid = answer["conversation_id"]
    response = api(
        secured,
        "POST",
        "/api/feedback",
        json={"conversation_id": cid, "rating": -1, "comment": "call me at 916-555-0100"},
    )
    assert response.status_code == 201, response.text
    stored = [f for f in secured.assistant.store.list_feedback() if f.conversation_id == cid]
    assert stored
    assert stored[-1].rating == -1
    assert stored[-1].comment is not None
    assert "555-0100" not in stored[-1].comment


def test_feedback_names_the_answer_by_turn(secured: LiveServer) -> None:
    """`turn` rates that answer of the conversation (stored by its turn id); without it, the latest; past the end
    is 404 naming `turn`."""
    first = api(secured, "POST", "/api/ask", json={"question": "When is the service center open?"}).json()
    cid = first["conversation_id"]
    api(secured, "POST", "/api/ask", json={"question": "How long is the ROP?", "conversation_id": cid})
    store = secured.assistant.store
    rated = api(secured, "POST", "/api/feedback", json={"conversation_id": cid, "rating": 1, "turn": 1})
    assert rated.status_code == 201, rated.text
    assert rated.json()["turn"] == 1
    latest = api(secured, "POST", "/api/feedback", json={"conversation_id": cid, "rating": -1})
    assert latest.json()["turn"] == 2
    stored = [(f.turn_id, f.rating) for f in store.list_feedback() if f.conversation_id == cid]
    assert stored == [(store.turn_id(cid, 1), 1), (store.last_turn_id(cid), -1)]
    missing = api(secured, "POST", "/api/feedback", json={"conversation_id": cid, "rating": 1, "turn": 3})
    assert missing.status_code == 404
    assert missing.json()["field"] == "turn"


def test_feedback_on_unknown_conversation_is_404(secured: LiveServer) -> None:
    """Feedback needs a conversation with an answer."""
    response = api(secured, "POST", "/api/feedback", json={"conversation_id": "nope", "rating": 1})
    assert response.status_code == 404
    assert response.json()["field"] == "conversation_id"


def test_documents_serves_indexed_pdfs(secured: LiveServer, corpus_dir: Path) -> None:
    """GET /documents/{source} serves an ingested PDF inline."""
    name = sorted(p.name for p in corpus_dir.glob("*.pdf"))[0]
    response = api(secured, "GET", f"/documents/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/documents/pyproject.toml", id="not-indexed"),
        pytest.param("/documents/..%2F..%2Fetc%2Fpasswd", id="traversal-encoded"),
        pytest.param("/documents/%2Fetc%2Fpasswd", id="absolute"),
    ],
)
def test_documents_never_serves_other_files(secured: LiveServer, path: str) -> None:
    """Only files the index lists are served; a name is never turned into a path."""
    response = api(secured, "GET", path)
    assert response.status_code == 404
    assert "root:" not in response.text


def test_documents_need_the_token(secured: LiveServer, corpus_dir: Path) -> None:
    """With tokens set, documents need a token or a signed-in session too."""
    name = sorted(p.name for p in corpus_dir.glob("*.pdf"))[0]
    response = httpx.get(f"{secured.url}/documents/{name}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=/documents/")


def test_cors_allows_the_configured_origin(secured: LiveServer) -> None:
    """The portal's origin may call the suggest endpoint from its pages; another origin may not."""
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    allowed = httpx.options(
        f"{secured.url}/api/help-requests/suggest", headers={"Origin": "https://portal.example.org", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.org"
    other = httpx.options(
        f"{secured.url}/api/help-requests/suggest", headers={"Origin": "https://evil.example.com", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers


def test_openapi_and_docs(secured: LiveServer) -> None:
    """The OpenAPI document lists the API; /docs serves."""
    spec = httpx.get(f"{secured.url}/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/tools", "/api/help-requests/suggest", "/api/feedback"} <= set(
        spec["paths"]
    )
    assert httpx.get(f"{secured.url}/docs").status_code == 200


# --- readiness --------------------------------------------------------------------------------------


def test_readyz_reports_a_missing_index(start_server: ServerFactory, tmp_path: Path) -> None:
    """With no index the server still starts; /readyz is 503 with the reason and /api says the same."""
    missing = tmp_path / "no-index"
    server = start_server(None, missing)
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 503
    assert f"no index at {missing}" in ready.json()["reason"]
    ask = httpx.post(f"{server.url}/api/ask", json={"question": "hi"})
    assert ask.status_code == 503
    assert f"no index at {missing}" in ask.json()["detail"]


def test_readyz_notices_an_index_removed_later(
    start_server: ServerFactory, http_assistant: object, tmp_path: Path
) -> None:
    """An index that disappears after start-up turns /readyz to 503 naming it."""
    gone = tmp_path / "was-here"
    server = start_server(http_assistant, gone)  # type: ignore[arg-type]
    ready = httpx.get(f"{server.url}/readyz")
    assert ready.status_code == 503
    assert ready.json()["reason"] == f"no index at {gone}"


def test_ask_refuses_unknown_fields(secured: LiveServer) -> None:
    """/api/ask answers 422 naming a field it does not know (a misspelt `today` is not silently dropped)."""
    response = api(secured, "POST", "/api/ask", json={"question": "When does the ROP end?", "todya": "2026-01-05"})
    assert response.status_code == 422
    assert response.json() == {"detail": "todya: unknown field", "field": "todya"}


def test_413_carries_cors_headers(secured: LiveServer) -> None:
    """A body over the limit from the portal's page: the 413 says so in a way the page is allowed to read."""
    response = api(
        secured, "POST", "/api/help-requests/suggest", content=b"x" * (17 * 1024), headers={"Origin": PORTAL}
    )
    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == PORTAL


def test_suggest_has_its_own_buckets_per_address(
    start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path
) -> None:
    """Portal users share the page's one token: the suggest calls are limited per token and address, apart from
    the rest of /api; the 429 carries CORS headers."""
    server = start_server(http_assistant, corpus_index, api_tokens=[TOKEN], cors_origins=[PORTAL], rate_limit=3)
    suggest = {"json": {"description": "cannot log in"}, "headers": {**AUTH, "Origin": PORTAL}, "timeout": 30}
    with httpx.Client(base_url=server.url) as first_user:
        assert [first_user.post("/api/help-requests/suggest", **suggest).status_code for _ in range(3)] == [200] * 3
        refused = first_user.post("/api/help-requests/suggest", **suggest)
        assert refused.status_code == 429
        assert refused.headers["access-control-allow-origin"] == PORTAL
        assert first_user.get("/api/tools", headers=AUTH).status_code == 200
    # Another portal user (another address on the loopback network), same token: a bucket of their own.
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=server.url, transport=other) as second_user:
        assert second_user.post("/api/help-requests/suggest", **suggest).status_code == 200


def test_readyz_names_an_unreachable_database(start_server: ServerFactory, corpus_index: Path) -> None:
    """DATABASE_URL pointing at a closed port: the server starts, /readyz is 503 naming the database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = start_server(None, corpus_index, database_url=f"postgresql+psycopg://enroller:secret@127.0.0.1:{port}/x")
    ready = httpx.get(f"{server.url}/readyz", timeout=30)
    assert ready.status_code == 503
    reason = ready.json()["reason"]
    assert "database" in reason
    assert f"127.0.0.1:{port}" in reason
    assert "secret" not in reason
