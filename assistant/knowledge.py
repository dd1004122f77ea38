"""All knowledge files validated at once, shipped ones plus an operator's overrides, and the routing
examples checked: what start-up and `enroller check` run.

Importing this module imports every module that registers a knowledge file, so `KNOWLEDGE_FILES` is
complete here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import assistant.engine
import ingest.glossary
import tools.registry
from assistant import routing
from knowledge import KNOWLEDGE_DIR
from tools.errors import KnowledgeError
from tools.facts import KNOWLEDGE_FILES, clear_knowledge_caches, knowledge_path, use_knowledge_dir

# Keep the registering imports (they look unused to a linter).
_REGISTERING_MODULES = (assistant.engine, ingest.glossary, tools.registry)

# Routing examples are checked on a fixed day so `enroller check` gives the same verdict every day.
EXAMPLES_DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class FileCheck:
    """One knowledge file: where it was read from and what is wrong with it (None: valid)."""

    name: str
    path: Path
    overridden: bool
    error: KnowledgeError | None = None


@dataclass
class KnowledgeReport:
    """Everything `check_knowledge` found."""

    override_dir: Path | None
    files: list[FileCheck] = field(default_factory=list)
    problems: list[KnowledgeError] = field(default_factory=list)
    examples_checked: int = 0

    @property
    def ok(self) -> bool:
        """No file failed and no example misrouted."""
        return not self.problems


def check_knowledge(override_dir: Path | None) -> KnowledgeReport:
    """Validate every knowledge file (the operator's copy where `override_dir` has one) and the routing
    examples; collect every problem instead of stopping at the first."""
    use_knowledge_dir(override_dir)
    report = KnowledgeReport(override_dir=override_dir)
    if override_dir is not None:
        if not override_dir.is_dir():
            report.problems.append(KnowledgeError(str(override_dir), "ENROLLER_KNOWLEDGE_DIR is not a folder"))
            return report
        for path in sorted(override_dir.glob("*.y*ml")):
            if path.name not in KNOWLEDGE_FILES:
                known = ", ".join(sorted(KNOWLEDGE_FILES))
                report.problems.append(
                    KnowledgeError(str(path), f"not a knowledge file name (it would be ignored); known: {known}")
                )
    for name in sorted(KNOWLEDGE_FILES):
        entry = KNOWLEDGE_FILES[name]
        path = knowledge_path(name)
        overridden = path.parent != KNOWLEDGE_DIR
        try:
            entry.loader()
        except KnowledgeError as exc:
            report.files.append(FileCheck(name, path, overridden, exc))
            report.problems.append(exc)
            continue
        report.files.append(FileCheck(name, path, overridden))
    if not any(f.name == "routing.yaml" and f.error for f in report.files):
        problems, checked = check_routing_examples()
        report.problems.extend(problems)
        report.examples_checked = checked
    return report


def check_routing_examples() -> tuple[list[KnowledgeError], int]:
    """Route every `examples:` and `not:` question of routing.yaml; each misroute is a problem."""
    rules = routing.routing_rules()
    path = str(knowledge_path("routing.yaml"))
    problems: list[KnowledgeError] = []
    checked = 0
    for section in routing.SECTION_TOOLS:
        spec = getattr(rules, section)
        for question in spec.examples:
            checked += 1
            intent = routing.plan_turn(question, EXAMPLES_DAY).intent
            if intent != section:
                problems.append(
                    KnowledgeError(path, f"example {question!r} is routed to {intent!r}", field=f"{section}.examples")
                )
        for question in spec.not_:
            checked += 1
            if routing.plan_turn(question, EXAMPLES_DAY).intent == section:
                problems.append(KnowledgeError(path, f"{question!r} must not be routed here", field=f"{section}.not"))
    return problems, checked


def load_knowledge(override_dir: Path | None) -> KnowledgeReport:
    """Validate all knowledge for start-up: raise the first problem as a KnowledgeError (one line naming the
    file, the field and the problem), else return the report."""
    report = check_knowledge(override_dir)
    if report.problems:
        clear_knowledge_caches()
        raise report.problems[0]
    return report
