#!/usr/bin/env python3
"""Standalone checker for the holdout question set.

Run with:  .venv/bin/python evals/holdout/verify.py  (ENROLLER_CORPUS_DIR, else ../shared/corpus)
Checks every line of the four .jsonl files: JSON shape, unique ids, split
rule (id number mod 5 in {0,1} -> dev, else test), field values, and that
every answer phrase appears verbatim (case-insensitive, whitespace-collapsed)
on at least one cited page of the cited PDF (pypdf text extraction).
Exits non-zero on any failure.
"""
import datetime as dt
import json
import os
import re
import sys
from collections import Counter

import pypdf

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("ENROLLER_CORPUS_DIR") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")
STYLES = {"casual", "shorthand", "formal", "typo", "long_story", "partial_date"}
TOOLS = {"rop_calculator", "service_center_hours", "escalation_timeline",
         "delegation_result_explainer", "help_request_router", "resolution_reason_picker"}
ROP_ARGS = {"notice_date", "received_date", "inconsistency", "termination_date", "today"}
INCONS = {"income", "mec", "ai_an", "ssn", "citizenship", "lawful_presence", "incarceration", "deceased"}
BAD_CHARS = "\u2018\u2019\u201c\u201d\u2013\u2014"
MAX_PER_PAGE = 6

errors = []
_pages = {}


def err(msg):
    errors.append(msg)


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def page_texts(name):
    if name not in _pages:
        path = os.path.join(CORPUS, name)
        if not os.path.isfile(path):
            _pages[name] = None
        else:
            r = pypdf.PdfReader(path)
            _pages[name] = [norm(p.extract_text() or "") for p in r.pages]
    return _pages[name]


def is_iso(s):
    try:
        return isinstance(s, str) and dt.date.fromisoformat(s).isoformat() == s
    except ValueError:
        return False


def load(fname):
    rows = []
    path = os.path.join(HERE, fname)
    if not os.path.isfile(path):
        err(f"{fname}: missing")
        return rows
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                err(f"{fname}:{ln}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                err(f"{fname}:{ln}: bad JSON ({e})")
                continue
            if not isinstance(obj, dict):
                err(f"{fname}:{ln}: not an object")
                continue
            rows.append((ln, obj))
    return rows


seen_ids = set()


def check_common(fname, ln, o, prefix, keys):
    if set(o) != keys:
        err(f"{fname}:{ln}: keys {sorted(o)} != {sorted(keys)}")
    i = o.get("id")
    m = re.fullmatch(prefix + r"(\d{3,})", i or "")
    if not m:
        err(f"{fname}:{ln}: bad id {i!r}")
        return
    if i in seen_ids:
        err(f"{fname}:{ln}: duplicate id {i}")
    seen_ids.add(i)
    want = "dev" if int(m.group(1)) % 5 in (0, 1) else "test"
    if o.get("split") != want:
        err(f"{fname}:{ln}: {i} split {o.get('split')!r}, expected {want}")


def check_question(fname, ln, q):
    if not isinstance(q, str) or len(q.strip()) < 3:
        err(f"{fname}:{ln}: empty/invalid question")


def check_answer(where, source, pages, answer):
    texts = page_texts(source) if isinstance(source, str) else None
    if texts is None:
        err(f"{where}: unknown source {source!r}")
        return
    if not isinstance(pages, list) or not pages or not all(isinstance(p, int) for p in pages):
        err(f"{where}: pages must be a non-empty list of ints")
        return
    for p in pages:
        if p < 1 or p > len(texts):
            err(f"{where}: page {p} out of range 1..{len(texts)}")
            return
    if not isinstance(answer, list) or not 1 <= len(answer) <= 3:
        err(f"{where}: answer must be a list of 1-3 phrases")
        return
    for a in answer:
        if not isinstance(a, str):
            err(f"{where}: non-string phrase")
            continue
        if any(c in a for c in BAD_CHARS):
            err(f"{where}: curly quote / dash in phrase {a!r}")
        nw = len(a.split())
        if not 2 <= nw <= 6:
            err(f"{where}: phrase must be 2-6 words ({nw}): {a!r}")
        na = norm(a)
        if not any(na in texts[p - 1] for p in pages):
            err(f"{where}: phrase {a!r} not found on {source} pages {pages}")


def check_tool(where, tool, args, today):
    if tool not in TOOLS:
        err(f"{where}: unknown tool {tool!r}")
        return
    if not isinstance(args, dict):
        err(f"{where}: arguments must be an object")
        return
    if tool == "rop_calculator":
        extra = set(args) - ROP_ARGS
        if extra:
            err(f"{where}: unexpected rop args {extra}")
        if not ({"notice_date", "termination_date"} & set(args)):
            err(f"{where}: rop needs notice_date or termination_date")
        for k, v in args.items():
            if k == "inconsistency":
                if v not in INCONS:
                    err(f"{where}: bad inconsistency {v!r}")
            elif not is_iso(v):
                err(f"{where}: {k} not ISO date: {v!r}")
            elif today and k != "today" and v > today:
                err(f"{where}: {k} {v} is after today {today}")
        if "today" in args and args["today"] != today:
            err(f"{where}: arguments.today {args['today']} != today {today}")
    elif tool == "service_center_hours":
        if set(args) != {"date"} or not is_iso(args.get("date")):
            err(f"{where}: service_center_hours needs {{date: ISO}}")
        elif today and args["date"] < today:
            err(f"{where}: service-center date {args['date']} before today {today}")
    elif tool == "escalation_timeline":
        if set(args) != {"escalation_date"} or not is_iso(args.get("escalation_date")):
            err(f"{where}: escalation_timeline needs {{escalation_date: ISO}}")
        elif today and args["escalation_date"] > today:
            err(f"{where}: escalation date after today")
    else:
        if args != {}:
            err(f"{where}: {tool} takes no arguments")


def main():
    counts = {}
    # doc questions
    rows = load("doc_questions.jsonl")
    counts["doc_questions"] = rows
    per_page = Counter()
    for ln, o in rows:
        w = f"doc_questions.jsonl:{ln}"
        check_common("doc_questions.jsonl", ln, o, "h-d",
                     {"id", "question", "source", "pages", "answer", "style", "split"})
        check_question("doc_questions.jsonl", ln, o.get("question"))
        if o.get("style") not in STYLES:
            err(f"{w}: bad style {o.get('style')!r}")
        check_answer(w, o.get("source"), o.get("pages"), o.get("answer"))
        for p in o.get("pages") or []:
            per_page[(o.get("source"), p)] += 1
    for k, v in per_page.items():
        if v > MAX_PER_PAGE:
            err(f"doc_questions: {k} cited by {v} questions (> {MAX_PER_PAGE})")
    # unanswerable
    rows = load("unanswerable.jsonl")
    counts["unanswerable"] = rows
    for ln, o in rows:
        check_common("unanswerable.jsonl", ln, o, "h-u", {"id", "question", "why", "split"})
        check_question("unanswerable.jsonl", ln, o.get("question"))
        if not isinstance(o.get("why"), str) or not o["why"].strip():
            err(f"unanswerable.jsonl:{ln}: missing why")
    # tools
    rows = load("tool_questions.jsonl")
    counts["tool_questions"] = rows
    wordings = Counter()
    for ln, o in rows:
        w = f"tool_questions.jsonl:{ln}"
        check_common("tool_questions.jsonl", ln, o, "h-t",
                     {"id", "question", "today", "tool", "arguments", "split"})
        check_question("tool_questions.jsonl", ln, o.get("question"))
        if not is_iso(o.get("today")) or not ("2025-09-01" <= o["today"] <= "2026-12-31"):
            err(f"{w}: bad today {o.get('today')!r}")
        check_tool(w, o.get("tool"), o.get("arguments"), o.get("today"))
        wordings[o.get("tool")] += 1
    for t in TOOLS:
        if wordings[t] < 5:
            err(f"tool_questions: tool {t} has only {wordings[t]} questions (< 5)")
    # conversations
    rows = load("conversations.jsonl")
    counts["conversations"] = rows
    for ln, o in rows:
        w = f"conversations.jsonl:{ln}"
        check_common("conversations.jsonl", ln, o, "h-c", {"id", "today", "turns", "split"})
        if not is_iso(o.get("today")):
            err(f"{w}: bad today")
        turns = o.get("turns")
        if not isinstance(turns, list) or not 2 <= len(turns) <= 3:
            err(f"{w}: needs 2-3 turns")
            continue
        for ti, t in enumerate(turns, 1):
            tw = f"{w} turn {ti}"
            if not isinstance(t, dict):
                err(f"{tw}: not an object")
                continue
            check_question(tw, ln, t.get("question"))
            if t.get("tool") is not None:
                if set(t) != {"question", "tool", "arguments", "answer"}:
                    err(f"{tw}: tool turn keys {sorted(t)}")
                if t.get("answer") is not None:
                    err(f"{tw}: tool turn must have answer null")
                check_tool(tw, t.get("tool"), t.get("arguments"), o.get("today"))
            else:
                if set(t) != {"question", "tool", "arguments", "answer", "source", "pages"}:
                    err(f"{tw}: doc turn keys {sorted(t)}")
                if t.get("arguments") is not None:
                    err(f"{tw}: doc turn must have arguments null")
                check_answer(tw, t.get("source"), t.get("pages"), t.get("answer"))
    # minimum sizes
    mins = {"doc_questions": 150, "unanswerable": 50, "tool_questions": 45, "conversations": 10}
    for k, m in mins.items():
        if len(counts[k]) < m:
            err(f"{k}: only {len(counts[k])} lines (< {m})")

    for k, rows in counts.items():
        sp = Counter(o.get("split") for _, o in rows)
        print(f"{k:16s} {len(rows):4d}  dev={sp['dev']:3d} test={sp['test']:3d}")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\nOK: all checks passed")


if __name__ == "__main__":
    main()
