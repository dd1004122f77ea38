"""Every fact file in knowledge/ loads, and each fact names a source document and a page that exists."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from knowledge import KNOWLEDGE_DIR
from tests.corpus import corpus_or_skip
from tools.facts import documents

FACT_FILES = sorted(p.name for p in KNOWLEDGE_DIR.glob("*.yaml") if p.name not in {"sources.yaml"})


@cache
def page_count(file: str) -> int:
    """Pages of a corpus PDF."""
    corpus = corpus_or_skip()
    return len(PdfReader(corpus / file).pages)


def _refs(node: Any) -> list[dict[str, Any]]:
    """Every {doc, page} mapping anywhere in a YAML tree."""
    found = []
    if isinstance(node, dict):
        if set(node) >= {"doc", "page"}:
            found.append(node)
        for value in node.values():
            found.extend(_refs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_refs(value))
    return found


@pytest.mark.parametrize("name", FACT_FILES)
def test_source_refs_point_at_real_pages(name: str) -> None:
    """Each `{doc, page}` names a known document and a page inside its PDF."""
    data = yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))
    for ref in _refs(data):
        assert ref["doc"] in documents(), ref
        assert 1 <= ref["page"] <= page_count(documents()[ref["doc"]].file), ref


@pytest.mark.parametrize(
    ("name", "min_refs"),
    [
        ("rop.yaml", 10),
        ("service_center.yaml", 10),
        ("escalations.yaml", 5),
        ("delegation.yaml", 5),
        ("help_requests.yaml", 3),
        ("crw.yaml", 3),
    ],
)
def test_tool_facts_are_cited(name: str, min_refs: int) -> None:
    """The tool fact files carry their citations (not a bare list of numbers)."""
    data = yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))
    assert len(_refs(data)) >= min_refs


def test_operator_lists_say_they_are_not_official() -> None:
    """The CRW reason list (not in any source) says in its header that operators maintain it."""
    header = (KNOWLEDGE_DIR / "crw.yaml").read_text(encoding="utf-8").split("\n\n")[0]
    assert "NOT printed in any of our sources" in header or "not printed" in header.lower()


def test_crw_risk_levels_and_aging_buckets() -> None:
    """The CRW priority scale (1 very low ... 5 very high) and aging buckets load as facts with their page."""
    from tools.resolution import crw_facts

    facts = crw_facts()
    assert facts.risk_levels.levels == {
        1: "Very Low Risk",
        2: "Low Risk",
        3: "Medium Risk",
        4: "High Risk",
        5: "Very High Risk",
    }
    assert facts.aging_buckets.days == [7, 30, 45, 60]
    assert facts.risk_levels.source.page == facts.aging_buckets.source.page == 10
