"""`kill -9` of a real `enroller ingest` process (a subprocess), while it embeds and while it writes the new
generation, into a folder and into a Chroma server: the previous generation keeps answering with its citations,
and the next `enroller ingest` completes, serves the new content and removes what the killed one left."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import get_settings
from bots.cli import main
from ingest.index import CURRENT_FILE, GENERATIONS_DIR, MANIFEST, current_generation, ingest_paths
from ingest.store_chroma import ChromaServerIndex
from tests.chroma_server import ChromaServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KILL_WITHIN = 120  # seconds for the killed ingest to reach the phase it is killed in
WORDS = (
    "premium subsidy notice renewal household income county plan broker agent appeal deadline tax credit dental vision"
).split()


def _notes(folder: Path, count: int = 6) -> None:
    """`count` Markdown notes (three sections each, about 18 chunks in all); note 0 is about storefronts."""
    rng = random.Random(7)
    for n in range(count):
        sections = [
            f"## Section {s} of note {n}\n\n" + " ".join(rng.choice(WORDS) for _ in range(40)) + ".\n" for s in range(3)
        ]
        if n == 0:
            sections[0] = "## Storefronts\n\nStorefront applications are taken at the county fair booth.\n"
        (folder / f"note{n:02d}.md").write_text(f"# Note {n}\n\n" + "\n".join(sections), encoding="utf-8")


def _ingest(docs: Path, *extra: str, stderr: int | None = None) -> subprocess.Popen[bytes]:
    """`enroller ingest DOCS ...` as its own process (the real command line, environment of this test)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bots.cli", "ingest", str(docs), *extra],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "120"},
        stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
    )


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL `process` as soon as `ready()` (polled every few ms); fail if it ends or times out first."""
    deadline = time.monotonic() + KILL_WITHIN
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"ingest ended (exit {process.returncode}) before it could be killed")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("ingest never reached the phase to kill it in")
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)  # reaps it and closes the pipes
    assert process.returncode == -signal.SIGKILL


class Terminal:
    """A pseudo-terminal for the child's stderr, so it draws its progress bar; `says` reads what it drew."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.seen = b""

    def says(self, text: str) -> bool:
        """Whether the child has drawn `text` yet (reads what is waiting, never blocks)."""
        while select.select([self.master], [], [], 0)[0]:
            try:
                self.seen += os.read(self.master, 65536)
            except OSError:  # the child closed its end
                break
        return text.encode() in self.seen

    def close(self) -> None:
        """Close both ends."""
        for fd in (self.master, self.slave):
            os.close(fd)


def _search(query: str, capsys: pytest.CaptureFixture[str], *index: str) -> list[tuple[str, int]]:
    """(source, page) of each hit of `enroller search QUERY --json` (run in this process)."""
    capsys.readouterr()
    assert main(["search", query, "--json", *index]) == 0
    return [(h["source"], h["page"]) for h in json.loads(capsys.readouterr().out)["results"]]


def _finish(process: subprocess.Popen[bytes]) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode(errors="replace")
    return out.decode()


def _killed_while_embedding(docs: Path, *extra: str) -> None:
    terminal = Terminal()
    try:
        process = _ingest(docs, *extra, stderr=terminal.slave)
        _kill_when(process, lambda: terminal.says("embedding chunks"))
    finally:
        terminal.close()


@pytest.mark.parametrize("phase", ["embedding", "writing"])
def test_killed_ingest_into_a_folder(
    phase: str, docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed while embedding or half-way through writing its generation folder: CURRENT still names the
    previous generation, which answers with its file and page; the next ingest completes and prunes the
    half-written folder."""
    index = tmp_path / "index"
    flag = ["--index", str(index)]
    ingest_paths([docs], index, progress=False)
    before = current_generation(index)
    assert before is not None
    _notes(docs)

    if phase == "embedding":
        _killed_while_embedding(docs, *flag)
    else:

        def writing() -> bool:
            return any(
                (g / "chroma" / "chroma.sqlite3").exists() for g in (index / GENERATIONS_DIR).iterdir() if g != before
            )

        _kill_when(_ingest(docs, *flag), writing)
        half = [g for g in (index / GENERATIONS_DIR).iterdir() if g != before]
        assert len(half) == 1
        assert not (half[0] / MANIFEST).exists()  # killed before the generation was complete

    assert current_generation(index) == before
    assert (index / CURRENT_FILE).read_text(encoding="utf-8").strip() == before.name
    assert _search("who can reinstate, can carriers?", capsys, *flag)[0] == ("guide.pdf", 2)
    assert ("note00.md", 1) not in _search("storefront applications", capsys, *flag)

    assert "updated; 8 files (2 unchanged)" in _finish(_ingest(docs, *flag))
    after = current_generation(index)
    assert after is not None
    assert after != before
    assert _search("storefront applications", capsys, *flag)[0] == ("note00.md", 1)
    assert _search("who can reinstate, can carriers?", capsys, *flag)[0] == ("guide.pdf", 2)
    assert {g.name for g in (index / GENERATIONS_DIR).iterdir()} == {before.name, after.name}
    assert not list(index.glob(f"{CURRENT_FILE}.*"))


@cache
def _client(url: str) -> Any:
    """One HTTP client per server: the kill poll calls `_generations` every few ms, and a new client's handshake
    made each poll slow enough to miss the short writing phase (the ingest switched before it was killed)."""
    import chromadb

    server = ChromaServerIndex(url)
    return chromadb.HttpClient(host=server.address.host, port=server.address.port)


def _generations(chroma: ChromaServer) -> set[str]:
    return {c.name.split(".")[1] for c in _client(chroma.url).list_collections() if c.name.endswith(".chunks")}


@pytest.mark.parametrize("phase", ["embedding", "writing"])
def test_killed_ingest_into_a_chroma_server(
    phase: str,
    docs: Path,
    chroma: ChromaServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same against `chroma run` (CHROMA_URL): killed while embedding or once its collections exist, the
    pointer still names the previous generation, which answers; the next ingest completes and deletes the
    orphaned collections."""
    monkeypatch.setenv("CHROMA_URL", chroma.url)
    get_settings.cache_clear()
    server = ChromaServerIndex(chroma.url)
    ingest_paths([docs], server, progress=False)
    before = server.current_name()
    assert before is not None
    _notes(docs)

    if phase == "embedding":
        _killed_while_embedding(docs)
        assert _generations(chroma) == {before}
    else:
        _kill_when(_ingest(docs), lambda: len(_generations(chroma)) > 1)
        assert len(_generations(chroma)) == 2  # the previous generation and the orphan

    assert server.current_name() == before
    assert _search("who can reinstate, can carriers?", capsys)[0] == ("guide.pdf", 2)
    assert ("note00.md", 1) not in _search("storefront applications", capsys)

    assert "updated; 8 files (2 unchanged)" in _finish(_ingest(docs))
    after = server.current_name()
    assert after is not None
    assert after != before
    assert _search("storefront applications", capsys)[0] == ("note00.md", 1)
    assert _search("who can reinstate, can carriers?", capsys)[0] == ("guide.pdf", 2)
    assert _generations(chroma) == {before, after}
