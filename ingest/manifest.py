"""The manifest of an index generation: which files it holds, their content hashes and chunk ids.

Read and written through pydantic models; the JSON keys are those every format-2 index has had, so
indexes built before these models existed stay valid. A manifest that cannot be read, is not JSON or
does not match the models raises `IndexProblem` naming the file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ingest.errors import IndexProblem, ManifestFormatError
from tools.errors import describe_validation_error

INDEX_FORMAT = 2
MANIFEST = "manifest.json"


class FileEntry(BaseModel):
    """One indexed source file."""

    sha256: str
    source: str
    title: str
    pages: int
    doc_date: str | None
    chunk_ids: list[str]


class Manifest(BaseModel):
    """What a generation holds; written last, so a generation with a manifest is complete."""

    format: int = INDEX_FORMAT
    created: str
    embedding_model: str
    pipeline: str
    files: dict[str, FileEntry]
    chunk_order: list[str]


def read_manifest(generation: Path) -> Manifest:
    """The manifest of a generation; `IndexProblem` if it is unreadable, `ManifestFormatError` if another format."""
    path = generation / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _unusable(path, f"cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise _unusable(path, "not JSON") from exc
    return parse_manifest(text, where=str(path), generation=str(generation))


def parse_manifest(text: str, *, where: str, generation: str) -> Manifest:
    """A manifest from its JSON text (read from a file or from a Chroma server record `where`)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _unusable(where, "not JSON") from exc
    if not isinstance(data, dict):
        raise _unusable(where, "not a JSON object")
    if data.get("format") != INDEX_FORMAT:
        raise ManifestFormatError(
            f"{generation}: index format {data.get('format')!r}, expected {INDEX_FORMAT}; re-ingest",
            files=_listed_files(data),
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise _unusable(where, describe_validation_error(exc)) from exc


def _unusable(where: Path | str, why: str) -> IndexProblem:
    return IndexProblem(f"{where}: not a usable index manifest ({why}); remove the index folder and ingest again")


def write_manifest(generation: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (a temporary file, then a rename)."""
    tmp = generation / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest.model_dump(mode="json"), indent=1), encoding="utf-8")
    os.replace(tmp, generation / MANIFEST)


def new_manifest(
    *, embedding_model: str, pipeline: str, files: dict[str, FileEntry], chunk_order: list[str]
) -> Manifest:
    """A manifest of the current format, created now."""
    return Manifest(
        format=INDEX_FORMAT,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        embedding_model=embedding_model,
        pipeline=pipeline,
        files=files,
        chunk_order=chunk_order,
    )


def _listed_files(data: dict[str, Any]) -> list[str]:
    """The file paths a manifest of any format lists (none if it lists them some other way)."""
    files = data.get("files")
    return [str(key) for key in files] if isinstance(files, dict | list) else []
