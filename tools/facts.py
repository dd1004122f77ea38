"""Load and validate the YAML fact files in `knowledge/` (cached: facts do not change at run time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from knowledge import KNOWLEDGE_DIR
from tools.errors import FactsError, KnowledgeError, describe_validation_error
from tools.models import Source

M = TypeVar("M", bound=BaseModel)


class Facts(BaseModel):
    """Base of every knowledge-file schema: a key the schema does not know (an operator's typo such as
    `estimate_ignor:`) is an error naming it, never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class SourceRef(Facts):
    """A citation as written in a fact file: a document key from sources.yaml and a page."""

    doc: str
    page: int

    def resolve(self) -> Source:
        """Expand the document key into a full `Source`."""
        return source(self.doc, self.page)


class DocumentInfo(Facts):
    """One entry of knowledge/sources.yaml."""

    file: str
    title: str
    date: str | None = None


class SourcesFile(Facts):
    """Schema of knowledge/sources.yaml."""

    documents: dict[str, DocumentInfo]


@dataclass(frozen=True)
class KnowledgeFile:
    """One registered knowledge file: its name, its schema and the cached loader that reads it."""

    name: str
    model: type[BaseModel]
    loader: Any  # the functools.cache wrapper (has cache_clear)


#: Every knowledge file a module has registered with `knowledge_file`, by file name.
KNOWLEDGE_FILES: dict[str, KnowledgeFile] = {}
_override_dir: Path | None = None


def knowledge_file(name: str, model: type[M]) -> Callable[[Callable[[], M]], Callable[[], M]]:
    """Register a cached loader of knowledge file `name` (validated into `model`), so start-up can check it
    and an override folder can replace it."""

    def register(func: Callable[[], M]) -> Callable[[], M]:
        cached = cache(func)
        KNOWLEDGE_FILES[name] = KnowledgeFile(name, model, cached)
        return cached

    return register


def use_knowledge_dir(directory: Path | None) -> None:
    """Let YAML files in `directory` replace the shipped ones of the same name (None: the shipped ones only).
    Every cached fact is dropped, so the next read sees the new files."""
    global _override_dir  # noqa: PLW0603 - one knowledge set per process, chosen by the composition root
    _override_dir = Path(directory) if directory is not None else None
    clear_knowledge_caches()


def knowledge_dir_override() -> Path | None:
    """The operator folder in force, if any."""
    return _override_dir


def clear_knowledge_caches() -> None:
    """Forget every loaded knowledge file."""
    _read_yaml.cache_clear()
    for entry in KNOWLEDGE_FILES.values():
        entry.loader.cache_clear()


def knowledge_path(name: str, directory: Path | None = None) -> Path:
    """Where `name` is read from: `directory` when given, else the operator folder when it has the file,
    else the shipped knowledge folder."""
    if directory is not None:
        return directory / name
    if _override_dir is not None and (_override_dir / name).is_file():
        return _override_dir / name
    return KNOWLEDGE_DIR / name


@cache
def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise KnowledgeError(str(path), "knowledge file not found") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise KnowledgeError(str(path), f"not valid YAML{where}: {problem}") from exc
    except OSError as exc:
        raise KnowledgeError(str(path), f"cannot be read: {exc.strerror or exc}") from exc


def read_yaml(name: str, directory: Path | None = None) -> Any:
    """Parse one YAML knowledge file (see `knowledge_path` for where it is read from)."""
    return _read_yaml(knowledge_path(name, directory))


def load_facts(name: str, model: type[M], directory: Path | None = None) -> M:
    """Read `name` from the knowledge folder (or the operator's override) and validate it into `model`."""
    path = knowledge_path(name, directory)
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        problem = describe_validation_error(exc)
        if field and problem.startswith(f"{field}: "):
            problem = problem.removeprefix(f"{field}: ")
        raise KnowledgeError(str(path), problem, field=field) from exc


@knowledge_file("sources.yaml", SourcesFile)
def _sources_file() -> SourcesFile:
    return load_facts("sources.yaml", SourcesFile)


def documents() -> dict[str, DocumentInfo]:
    """The source documents facts may cite, by key."""
    return _sources_file().documents


def source(doc: str, page: int) -> Source:
    """Build a `Source` for document key `doc` (see knowledge/sources.yaml) and `page`."""
    docs = documents()
    if doc not in docs:
        raise FactsError("sources.yaml", f"unknown source document key {doc!r}; known: {', '.join(sorted(docs))}")
    info = docs[doc]
    return Source(document=info.file, title=info.title, page=page)


def unique_sources(refs: list[SourceRef]) -> list[Source]:
    """Resolve refs, dropping repeats but keeping first-seen order."""
    seen: set[tuple[str, int]] = set()
    out: list[Source] = []
    for ref in refs:
        key = (ref.doc, ref.page)
        if key not in seen:
            seen.add(key)
            out.append(ref.resolve())
    return out
