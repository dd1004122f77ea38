"""Load and validate the YAML fact files in `knowledge/` (cached: facts do not change at run time)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge import KNOWLEDGE_DIR
from tools.errors import FactsError
from tools.models import Source

M = TypeVar("M", bound=BaseModel)


class SourceRef(BaseModel):
    """A citation as written in a fact file: a document key from sources.yaml and a page."""

    doc: str
    page: int

    def resolve(self) -> Source:
        """Expand the document key into a full `Source`."""
        return source(self.doc, self.page)


class DocumentInfo(BaseModel):
    """One entry of knowledge/sources.yaml."""

    file: str
    title: str
    date: str | None = None


class SourcesFile(BaseModel):
    """Schema of knowledge/sources.yaml."""

    documents: dict[str, DocumentInfo]


@cache
def read_yaml(name: str, directory: Path = KNOWLEDGE_DIR) -> Any:
    """Parse one YAML file from the knowledge folder."""
    path = directory / name
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise FactsError(f"knowledge file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise FactsError(f"{path}: not valid YAML: {exc}") from exc


def load_facts(name: str, model: type[M], directory: Path = KNOWLEDGE_DIR) -> M:
    """Read `name` from the knowledge folder and validate it into `model`."""
    data = read_yaml(name, directory)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FactsError(f"{directory / name}: does not match its schema: {exc}") from exc


@cache
def documents() -> dict[str, DocumentInfo]:
    """The source documents facts may cite, by key."""
    return load_facts("sources.yaml", SourcesFile).documents


def source(doc: str, page: int) -> Source:
    """Build a `Source` for document key `doc` (see knowledge/sources.yaml) and `page`."""
    docs = documents()
    if doc not in docs:
        raise FactsError(f"unknown source document key {doc!r}; known: {', '.join(sorted(docs))}")
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
