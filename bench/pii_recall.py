"""Redaction recall next to Presidio's pattern recognizers (a benchmark, not a test), on the same Faker texts.

    .venv/bin/pip install -e '.[bench]'      # presidio-analyzer; no spaCy model is downloaded or used
    .venv/bin/python bench/pii_recall.py [--n 2000] [--seed 12]

The texts come from bench/pii_gen.py (what tests/production/test_properties.py checks): one or two SSNs, ITINs,
phone numbers, e-mails or dates of birth per question, in every format there and any position, with one decoy
(a case number, NOD01 date, amount, ZIP or application number). A value counts as found when redaction would
leave none of its letters and digits: for `assistant.pii.redact_pii`, none survives in its output; for
Presidio, the spans its UsSsnRecognizer, UsItinRecognizer, PhoneRecognizer, EmailRecognizer and DateRecognizer
return (any entity, any score; called without NLP artifacts, so no context boost) cover them all. A decoy is a
false alarm when any of its letters or digits would go. Prints recall per kind and format, false alarms per
decoy, and seconds for each.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.pii import redact_pii  # noqa: E402
from bench.pii_gen import KINDS, Text, make_texts  # noqa: E402

PLACEHOLDER = re.compile(r"\[(?:SSN|ITIN|PHONE|EMAIL|DOB)\]")
PRESIDIO_ENTITIES = {
    "UsSsnRecognizer": "US_SSN",
    "UsItinRecognizer": "US_ITIN",
    "PhoneRecognizer": "PHONE_NUMBER",
    "EmailRecognizer": "EMAIL_ADDRESS",
    "DateRecognizer": "DATE_TIME",
}


def presidio_recognizers() -> list[tuple[Any, str]]:
    """The five recognizers with their entity; EmailRecognizer's domain check uses tldextract's bundled suffix
    list (it would otherwise fetch one over the network)."""
    try:
        import tldextract
        from presidio_analyzer import predefined_recognizers
        from presidio_analyzer.predefined_recognizers.generic import email_recognizer
    except ImportError:
        sys.exit("presidio-analyzer is not installed: .venv/bin/pip install -e '.[bench]'")
    email_recognizer.tldextract = SimpleNamespace(extract=tldextract.TLDExtract(suffix_list_urls=()))  # type: ignore[assignment]
    return [(getattr(predefined_recognizers, name)(), entity) for name, entity in PRESIDIO_ENTITIES.items()]


def _kept(text: str, out: str) -> set[int]:
    """Positions of `text` that survive in `out` (runs of two or more characters left as they were; the
    placeholders match nothing, or "[EMAIL]" would seem to keep the MAIL of HOTMAIL.COM)."""
    out = PLACEHOLDER.sub("\0", out)
    blocks = difflib.SequenceMatcher(None, text, out, autojunk=False).get_matching_blocks()
    return {i for block in blocks if block.size >= 2 for i in range(block.a, block.a + block.size)}


def _alnum(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isalnum()]


def ours(texts: list[Text]) -> tuple[list[list[bool]], list[list[bool]], float]:
    """Per text: whether each PII value is gone (no letter or digit of it left) and whether each decoy was
    changed; seconds spent redacting."""
    started = time.perf_counter()
    outputs = [redact_pii(t.text).text for t in texts]
    seconds = time.perf_counter() - started
    found, alarms = [], []
    for t, out in zip(texts, outputs, strict=True):
        kept = _kept(t.text, out)
        found.append([not any(i in kept for i in _alnum(t.text, a, b)) for _, a, b in t.pii])
        alarms.append([not all(i in kept for i in _alnum(t.text, a, b)) for _, _, a, b in t.decoys])
    return found, alarms, seconds


def presidio(texts: list[Text]) -> tuple[list[list[bool]], list[list[bool]], float]:
    """The same for Presidio: a value found when the returned spans cover its letters and digits, a decoy
    changed when one touches them."""
    recognizers = presidio_recognizers()
    started = time.perf_counter()
    spans = [
        [(r.start, r.end) for recognizer, entity in recognizers for r in recognizer.analyze(t.text, [entity], None)]
        for t in texts
    ]
    seconds = time.perf_counter() - started
    found, alarms = [], []
    for t, hits in zip(texts, spans, strict=True):
        covered = {i for start, end in hits for i in range(start, end)}
        found.append([all(i in covered for i in _alnum(t.text, a, b)) for _, a, b in t.pii])
        alarms.append([any(i in covered for i in _alnum(t.text, a, b)) for _, _, a, b in t.decoys])
    return found, alarms, seconds


def _assigned(number: str) -> bool:
    """Whether `number` is a valid US number to phonenumbers (what PhoneRecognizer checks): Faker draws any area
    code, and a consumer's real number is in an assigned one."""
    import phonenumbers

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, "US")))
    except phonenumbers.NumberParseException:
        return False


def _rate(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.1f}%" if values else "-"


def report(texts: list[Text], results: dict[str, tuple[list[list[bool]], list[list[bool]], float]]) -> str:
    """Markdown tables: recall by kind, recall by format (where a tool misses any), false alarms, seconds."""
    names = list(results)
    assigned = "phone, valid numbers only"
    by_kind: dict[str, dict[str, list[bool]]] = {k: defaultdict(list) for k in (*KINDS, assigned, "all")}
    by_format: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    by_decoy: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for name, (found, alarms, _) in results.items():
        for t, hits, false in zip(texts, found, alarms, strict=True):
            for (sample, _, _), hit in zip(t.pii, hits, strict=True):
                by_kind[sample.kind][name].append(hit)
                if sample.kind == "phone" and _assigned(sample.value):
                    by_kind[assigned][name].append(hit)
                by_kind["all"][name].append(hit)
                by_format[(sample.kind, sample.fmt)][name].append(hit)
            for (decoy, _, _, _), alarm in zip(t.decoys, false, strict=True):
                by_decoy[decoy][name].append(alarm)
    head = "| " + " | ".join(names) + " |"
    rule = "|---|---|" + "---|" * len(names)
    lines = ["Recall by kind", "", "| kind | values " + head, rule]
    for kind, row in by_kind.items():
        n = len(row[names[0]])
        lines.append(f"| {kind} | {n} | " + " | ".join(_rate(row[name]) for name in names) + " |")
    lines += ["", "Recall by format, where either misses", "", "| kind: format | values " + head, rule]
    for (kind, fmt), row in sorted(by_format.items()):
        if all(all(row[name]) for name in names):
            continue
        lines.append(f"| {kind}: {fmt} | {len(row[names[0]])} | " + " | ".join(_rate(row[n]) for n in names) + " |")
    lines += ["", "False alarms (decoys that would be changed)", "", "| decoy | values " + head, rule]
    for decoy, row in sorted(by_decoy.items()):
        lines.append(f"| {decoy} | {len(row[names[0]])} | " + " | ".join(_rate(row[n]) for n in names) + " |")
    seconds = " | ".join(f"{results[name][2]:.2f} s" for name in names)
    lines += ["", f"| seconds for {len(texts)} texts | | {seconds} |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate, redact with both, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="number of generated texts (default 2000)")
    parser.add_argument("--seed", type=int, default=12, help="Faker and placement seed (default 12)")
    args = parser.parse_args(argv)
    texts = make_texts(args.n, args.seed)
    results = {"redact_pii": ours(texts), "Presidio": presidio(texts)}
    print(f"bench/pii_recall.py --n {args.n} --seed {args.seed}\n")
    print(report(texts, results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
