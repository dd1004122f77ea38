"""`GET /documents/{source}`: the ingested source files, so a citation opens at `…#page=N`.

Only files the index's manifest lists are served, looked up by their name: a request never becomes a path.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from bots.http.deps import StateDep
from bots.http.errors import NotFoundError
from ingest.index import IndexProblem, current_generation, read_manifest

router = APIRouter(tags=["documents"])


def indexed_documents(index_dir: Path) -> dict[str, Path]:
    """Each ingested file's source name → its path, from the current index generation (empty if none)."""
    generation = current_generation(index_dir)
    if generation is None:
        return {}
    try:
        files = read_manifest(generation).files
    except (IndexProblem, OSError, ValueError):
        return {}
    return {str(entry.source or Path(path).name): Path(path) for path, entry in files.items()}


@router.get("/documents/{source}")
def document(source: str, state: StateDep) -> FileResponse:
    """Serve an indexed source document inline (PDF viewers honour `#page=N`)."""
    path = indexed_documents(state.index_dir).get(source)
    if path is None or not path.is_file():
        raise NotFoundError(f"no indexed document named {source!r}")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() in (".md", ".txt"):
        media_type = "text/plain; charset=utf-8"
    return FileResponse(path, media_type=media_type, content_disposition_type="inline", filename=path.name)
