"""Test-wide guards: every path under tmp_path, no network beyond loopback, no LLM unless a test asks."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import get_settings
from tests.corpus import corpus_or_skip
from tools.facts import knowledge_dir_override, use_knowledge_dir


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like never leave the machine
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost: would need DNS and the network


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every data, index and cache path at tmp_path; refuse non-loopback connections."""
    data = tmp_path / "enroller-data"
    monkeypatch.setenv("ENROLLER_DATA_DIR", str(data))
    for var in ("ENROLLER_INDEX_DIR", "ENROLLER_LLM", "ENROLLER_LLM_BASE_URL", "ENROLLER_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    for var in ("OPENAI_API_KEY", "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGSMITH_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    if knowledge_dir_override() is not None:  # a test that installed operator overrides leaves the shipped ones
        use_knowledge_dir(None)


#: Fixtures that load the embedding model or build a real index: a test using one is `slow` by definition,
#: so `make test-fast` never pays for them.
_SLOW_FIXTURES = {"corpus_index", "builtin_index", "default_index"}


#: Folders (under tests/) whose tests start real servers: uvicorn on 127.0.0.1, a fake Slack Web API, worker
#: processes, a throwaway PostgreSQL or a Chroma server.
_INTEGRATION_FOLDERS = {("production",), ("bots", "http"), ("bots", "slack")}
#: Fixtures that start PostgreSQL or a local HTTP server.
_INTEGRATION_FIXTURES = {"postgres_server", "postgres_url", "openai_stub"}
_TESTS = Path(__file__).parent


def _is_integration(item: pytest.Item) -> bool:
    parts = item.path.relative_to(_TESTS).parts
    if any(parts[: len(folder)] == folder for folder in _INTEGRATION_FOLDERS):
        return True
    if _INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--unit",
        action="store_true",
        help="unit tests only (`make test-fast`): nothing slow, nothing that starts a server, a database or a process",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With --unit, the integration folders are not even imported (their imports alone cost seconds)."""
    if not config.getoption("--unit") or not collection_path.is_relative_to(_TESTS):
        return None
    parts = collection_path.relative_to(_TESTS).parts
    return True if any(parts[: len(folder)] == folder for folder in _INTEGRATION_FOLDERS) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses a model-loading fixture as slow, and every test that starts a server or a database
    as integration (tests that start other processes are marked where they are); --unit deselects both."""
    for item in items:
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if _is_integration(item):
            item.add_marker(pytest.mark.integration)
    if config.getoption("--unit"):
        unit = [
            item for item in items if not item.get_closest_marker("slow") and not item.get_closest_marker("integration")
        ]
        config.hook.pytest_deselected(items=[item for item in items if item not in unit])
        items[:] = unit


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real source PDFs in ../shared/corpus (read only, never copied into the project)."""
    return corpus_or_skip()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A real index (Chroma + BM25) of ../shared/corpus, built once per test session."""
    from ingest.index import ingest_paths

    index = tmp_path_factory.mktemp("corpus-index") / "index"
    report = ingest_paths([corpus_dir], index, progress=False)
    assert not report.skipped, report.skipped
    return index


@pytest.fixture(scope="session")
def builtin_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in guides' index (what `make run` answers from), built once per test session."""
    from ingest import ensure_builtin_index

    return ensure_builtin_index(tmp_path_factory.mktemp("builtin-index") / "index")


@pytest.fixture
def default_index(builtin_index: Path) -> Path:
    """A copy of the built-in index at the default location (DATA_DIR/index), so a test that uses the
    default index starts from a built one instead of indexing the guides again."""
    from assistant.settings import get_settings

    target = get_settings().resolved_index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(builtin_index, target)
    return target
