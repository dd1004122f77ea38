"""The index in a real Chroma server (`chroma run` on 127.0.0.1): same generations and rankings as a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IndexProblem, ServerUnavailable
from ingest.index import ingest_paths
from ingest.retrieval import Retriever, ServerRetriever
from ingest.store_chroma import ChromaServerIndex, parse_chroma_url
from tests.chroma_server import ChromaServer
from tests.ingest.conftest import make_pdf

pytestmark = pytest.mark.slow


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _generations(server: ChromaServerIndex) -> set[str]:
    import chromadb

    client = chromadb.HttpClient(host=server.address.host, port=server.address.port)
    names = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
    return {n.split(".")[1] for n in names if n.endswith((".chunks", ".windows"))}


def test_url_is_checked() -> None:
    """CHROMA_URL must be http(s)://host[:port]; the port defaults to Chroma's 8000."""
    assert parse_chroma_url("http://chroma").url == "http://chroma:8000"
    assert parse_chroma_url("https://idx.example.org:9443/").url == "https://idx.example.org:9443"
    with pytest.raises(ValueError, match="host:port"):
        parse_chroma_url("chroma:8000")


def test_server_ranks_exactly_like_a_folder(docs: Path, tmp_path: Path, chroma: ChromaServer) -> None:
    """The same files ingested into a folder and into the server give the same chunks, order, scores and document
    dates (what Slack's sources show)."""
    folder = tmp_path / "index"
    ingest_paths([docs], folder, progress=False)
    server = ChromaServerIndex(chroma.url)
    report = ingest_paths([docs], server, progress=False)
    assert (report.files, report.pages, report.skipped, report.index_dir) == (2, 4, [], chroma.url)
    local = Retriever.open(folder)
    remote = ServerRetriever(server)
    for query in ("who can reinstate, can carriers?", "when is the help line open", "passcode delegation"):
        want = [(h.chunk_id, round(h.score, 5), h.doc_date) for h in local.search(query, k=5)]
        assert [(h.chunk_id, round(h.score, 5), h.doc_date) for h in remote.search(query, k=5)] == want
    assert {h.doc_date for h in remote.search("who can reinstate, can carriers?", k=5)} == {"2025-10-10", None}
    assert remote.bm25.size == local.bm25.size
    assert set(remote.bm25.postings) == set(local.bm25.postings)


def test_incremental_generations_and_pointer(docs: Path, chroma: ChromaServer) -> None:
    """Unchanged: no new generation; a changed file: a new one, which a worker follows within its refresh;
    only the current generation and the one before it are kept."""
    server = ChromaServerIndex(chroma.url)
    ingest_paths([docs], server, progress=False)
    first = server.current_name()
    assert not ingest_paths([docs], server, progress=False).changed
    assert server.current_name() == first

    clock = Clock()
    worker = ServerRetriever(server, refresh_seconds=5, clock=clock)
    assert worker.search("storefront applications", k=1)[0].source != "new.pdf"
    make_pdf(docs / "new.pdf", ["A brand new page about storefront applications."])
    report = ingest_paths([docs], server, progress=False)
    assert (report.changed, report.embedded) == (True, 1)
    second = server.current_name()
    assert second != first
    clock.now = 1  # within the refresh interval: still the generation in memory
    assert worker.generation == first
    assert worker.search("storefront applications", k=1)[0].source != "new.pdf"
    clock.now = 6
    assert worker.search("storefront applications", k=1)[0].source == "new.pdf"
    assert worker.generation == second

    make_pdf(docs / "newer.pdf", ["Another page about broker of record changes."])
    ingest_paths([docs], server, progress=False)
    assert _generations(server) == {second, server.current_name()}


def test_failed_write_leaves_the_previous_generation(
    docs: Path, chroma: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest that dies while writing the server's collections leaves the pointer where it was; the next
    ingest completes and removes the half-written collections."""
    import ingest.store_chroma

    server = ChromaServerIndex(chroma.url)
    ingest_paths([docs], server, progress=False)
    before = server.current_name()
    make_pdf(docs / "new.pdf", ["A brand new page about storefront applications."])

    def die(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest.store_chroma, "add_windows", die)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([docs], server, progress=False)
    monkeypatch.undo()
    assert server.current_name() == before
    assert len(_generations(server)) == 2  # the complete one and the orphan
    assert ServerRetriever(server).search("carriers reinstate", k=1)[0].source == "guide.pdf"
    recovered = ingest_paths([docs], server, progress=False)
    assert recovered.embedded == 1
    assert _generations(server) == {before, server.current_name()}
    assert ServerRetriever(server).search("storefront applications", k=1)[0].source == "new.pdf"


def test_generation_complete_but_never_switched_is_not_kept_over_the_previous(
    docs: Path, chroma: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after its manifest but before the pointer moved: the next ingest keeps the generation that was
    in use, not the orphan that never was."""
    server = ChromaServerIndex(chroma.url)
    ingest_paths([docs], server, progress=False)
    before = server.current_name()
    make_pdf(docs / "new.pdf", ["A brand new page about storefront applications."])
    real_meta = ChromaServerIndex._meta

    class NoSwitch:
        def __init__(self, meta: object) -> None:
            self.meta = meta

        def __getattr__(self, name: str) -> object:
            return getattr(self.meta, name)

        def upsert(self, *, ids: list[str], **kwargs: object) -> None:
            if ids == ["current"]:
                raise KeyboardInterrupt
            self.meta.upsert(ids=ids, **kwargs)  # type: ignore[attr-defined]

    monkeypatch.setattr(ChromaServerIndex, "_meta", lambda self, client: NoSwitch(real_meta(self, client)))
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([docs], server, progress=False)
    monkeypatch.undo()
    assert server.current_name() == before
    make_pdf(docs / "newer.pdf", ["Another page about broker of record changes."])
    ingest_paths([docs], server, progress=False)
    assert _generations(server) == {before, server.current_name()}


def test_server_down_keeps_the_generation_in_memory(docs: Path, chroma: ChromaServer) -> None:
    """With the server gone, a worker keeps answering from memory and says why it cannot refresh; a worker
    with nothing loaded finds nothing instead of failing; the status names the server."""
    server = ChromaServerIndex(chroma.url)
    ingest_paths([docs], server, progress=False)
    clock = Clock()
    loaded = ServerRetriever(server, clock=clock)
    assert loaded.search("carriers reinstate", k=1)[0].source == "guide.pdf"
    chroma.kill()
    clock.now = 60
    assert loaded.search("carriers reinstate", k=1)[0].source == "guide.pdf"
    assert loaded.problem is not None
    assert chroma.url in loaded.problem
    empty = ServerRetriever(ChromaServerIndex(chroma.url))
    assert empty.search("carriers reinstate") == []
    assert empty.problem is not None
    assert "unreachable" in empty.problem
    with pytest.raises(ServerUnavailable, match="unreachable"):
        server.status()


def test_empty_server_is_a_clear_problem(chroma: ChromaServer) -> None:
    """A server nothing was ingested into: status and refresh say to run `enroller ingest`."""
    server = ChromaServerIndex(chroma.url)
    with pytest.raises(IndexProblem, match="enroller ingest"):
        server.status()
    assert ServerRetriever(server).search("anything") == []
