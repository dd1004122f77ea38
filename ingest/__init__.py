"""Loading, chunking and indexing documents, and searching the index.

Kept cheap to import: Chroma and the embedding model load inside the functions that need them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ingest.index import IngestReport, ProgressFn

    ProgressArg = bool | ProgressFn

__all__ = ["ensure_builtin_index", "index_exists", "ingest_paths"]


def ingest_paths(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    exact: bool = False,
    progress: ProgressArg = True,
) -> IngestReport:
    """Index files into `index_dir`; see `ingest.index.ingest_paths`."""
    from ingest.index import ingest_paths as _ingest

    return _ingest(paths, index_dir, prune=prune, exact=exact, progress=progress)


def index_exists(index_dir: Path) -> bool:
    """Whether `index_dir` holds a complete index."""
    from ingest.index import index_exists as _exists

    return _exists(index_dir)


def ensure_builtin_index(index_dir: Path, *, progress: ProgressArg = False) -> Path:
    """Index the built-in guides (knowledge/docs) into `index_dir` when missing or stale; return it."""
    from ingest.index import ingest_paths as _ingest
    from knowledge import DOCS_DIR

    target = Path(index_dir)
    _ingest([DOCS_DIR], target, prune=True, progress=progress)  # unchanged guides: a quick no-op
    return target
