"""Loading, chunking and indexing documents, and searching the index.

Kept cheap to import: Chroma and the embedding model load inside the functions that need them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ingest.index import IngestReport

__all__ = ["ensure_builtin_index", "index_exists", "ingest_paths"]


def ingest_paths(paths: Sequence[Path], index_dir: Path, *, prune: bool = False, progress: bool = True) -> IngestReport:
    """Index files into `index_dir`; see `ingest.index.ingest_paths`."""
    from ingest.index import ingest_paths as _ingest

    return _ingest(paths, index_dir, prune=prune, progress=progress)


def index_exists(index_dir: Path) -> bool:
    """Whether `index_dir` holds a complete index."""
    from ingest.index import index_exists as _exists

    return _exists(index_dir)


def ensure_builtin_index(index_dir: Path | None = None, *, progress: bool = False) -> Path:
    """Index the built-in guides (knowledge/docs) into the default index when missing or stale; return it."""
    from ingest.index import ingest_paths as _ingest
    from ingest.settings import get_settings
    from knowledge import DOCS_DIR

    target = Path(index_dir) if index_dir is not None else get_settings().resolved_index_dir
    _ingest([DOCS_DIR], target, prune=True, progress=progress)  # unchanged guides: a quick no-op
    return target
