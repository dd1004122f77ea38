#!/usr/bin/env python3
"""Verify the fresh Enroller Assist evaluation set.

Checks, for every file in this folder:
  * every line is valid JSON with the required fields;
  * minimum counts (doc >= 170, unanswerable >= 45, tool >= 60, conversations >= 12);
  * dev/test split (id number mod 5 in {0,1} -> dev);
  * every doc-question key phrase (and every doc-answer turn in conversations)
    occurs, case-insensitively and whitespace-normalised, in the pypdf text of at
    least one cited 1-based PDF page of the cited source;
  * tool items: known tool names, >= 6 items per tool, >= 8 termination-only
    rop_calculator items, ISO dates, past-type dates not after `today`,
    service-center dates not before `today`, `today` within 2025-10..2026-12.

Usage: python verify.py   (needs a python with pypdf installed)
"""
import datetime as dt
import json
import os
import re
import sys
from collections import Counter

try:
    import pypdf
except ImportError:
    sys.exit("pypdf is not installed for %s; run with a python that has pypdf" % sys.executable)

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("ENROLLER_CORPUS_DIR") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")
SOURCES = {
    "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf",
    "Book_of_Business_Export_Job_Aid_Agents.pdf",
    "Understanding_ROP_and_Auto_Discontinuance.pdf",
}
STYLES = {"casual", "typo", "shorthand", "partial_date", "formal", "long_story"}
TOOLS = {"rop_calculator", "service_center_hours", "escalation_timeline",
         "delegation_result_explainer", "help_request_router", "resolution_reason_picker"}
HELP_CATEGORIES = {"Consumer Case/Application Issue", "Agency/Entity or Enroller Profile Issue"}
INCONSISTENCIES = {"income", "mec", "ai_an", "ssn", "citizenship", "lawful_presence",
                   "incarceration", "deceased"}
ROP_KEYS = {"notice_date", "received_date", "inconsistency", "termination_date", "today"}
PAST_KEYS = {"notice_date", "received_date", "termination_date", "escalation_date"}

errors = []


def err(msg):
    errors.append(msg)


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


_pages = {}


def page_text(src, n):
    if src not in _pages:
        r = pypdf.PdfReader(os.path.join(CORPUS, src))
        _pages[src] = [norm(p.extract_text() or "") for p in r.pages]
    pages = _pages[src]
    if not 1 <= n <= len(pages):
        return None
    return pages[n - 1]


def load(name):
    rows = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err("%s line %d: invalid JSON (%s)" % (name, ln, e))
    return rows


def check_split(name, rows, prefix):
    ids = set()
    for r in rows:
        i = r.get("id", "")
        m = re.fullmatch(prefix + r"(\d{3})", i)
        if not m:
            err("%s: bad id %r" % (name, i))
            continue
        if i in ids:
            err("%s: duplicate id %s" % (name, i))
        ids.add(i)
        want = "dev" if int(m.group(1)) % 5 in (0, 1) else "test"
        if r.get("split") != want:
            err("%s %s: split %r, expected %r" % (name, i, r.get("split"), want))
    c = Counter(r.get("split") for r in rows)
    return c


def check_phrases(where, src, pages, answers):
    if src not in SOURCES:
        err("%s: unknown source %r" % (where, src))
        return
    if not pages or not all(isinstance(p, int) for p in pages):
        err("%s: bad pages %r" % (where, pages))
        return
    if not answers:
        err("%s: no key phrases" % where)
    for a in answers:
        nw = len(a.split())
        if nw > 6:
            err("%s: key phrase too long %r" % (where, a))
        texts = [page_text(src, p) for p in pages]
        if any(t is None for t in texts):
            err("%s: page out of range %r" % (where, pages))
            return
        if not any(norm(a) in t for t in texts):
            err("%s: phrase %r not found on %s pages %r" % (where, a, src, pages))


def iso(where, s):
    try:
        return dt.date.fromisoformat(s)
    except Exception:
        err("%s: bad date %r" % (where, s))
        return None


def check_tool_call(where, today_s, tool, args, item):
    if tool not in TOOLS:
        err("%s: unknown tool %r" % (where, tool))
        return
    today = iso(where, today_s)
    if today and not (dt.date(2025, 10, 1) <= today <= dt.date(2026, 12, 31)):
        err("%s: today %s out of range" % (where, today_s))
    if not isinstance(args, dict):
        err("%s: arguments must be an object" % where)
        return
    if tool == "rop_calculator":
        if set(args) - ROP_KEYS:
            err("%s: unexpected rop args %r" % (where, sorted(set(args) - ROP_KEYS)))
        if "notice_date" not in args and "termination_date" not in args:
            err("%s: rop needs notice_date or termination_date" % where)
        if "inconsistency" in args and args["inconsistency"] not in INCONSISTENCIES:
            err("%s: bad inconsistency %r" % (where, args["inconsistency"]))
        if "today" in args and args["today"] != today_s:
            err("%s: arguments.today != today" % where)
    elif tool == "service_center_hours":
        if set(args) != {"date"}:
            err("%s: service_center_hours args must be {date}" % where)
        else:
            d = iso(where, args["date"])
            if d and today and d < today:
                err("%s: service-center date %s before today %s" % (where, d, today))
            if item.get("now") and args["date"] != today_s:
                err("%s: now=true but date != today" % where)
    elif tool == "escalation_timeline":
        if set(args) != {"escalation_date"}:
            err("%s: escalation_timeline args must be {escalation_date}" % where)
    else:
        if args != {}:
            err("%s: %s takes no arguments" % (where, tool))
        if tool == "help_request_router" and item.get("expected_category") not in HELP_CATEGORIES:
            err("%s: bad expected_category %r" % (where, item.get("expected_category")))
    for k in PAST_KEYS & set(args):
        d = iso(where, args[k])
        if d and today and d > today:
            err("%s: %s %s is after today %s" % (where, k, d, today))


def main():
    summary = {}

    # 1. doc questions
    doc = load("doc_questions.jsonl")
    for r in doc:
        w = "doc " + r.get("id", "?")
        for k in ("id", "question", "source", "pages", "answer", "style", "split"):
            if k not in r:
                err("%s: missing %s" % (w, k))
        if r.get("style") not in STYLES:
            err("%s: bad style %r" % (w, r.get("style")))
        check_phrases(w, r.get("source"), r.get("pages"), r.get("answer", []))
    if len(doc) < 170:
        err("doc_questions: only %d (< 170)" % len(doc))
    dups = [q for q, n in Counter(r["question"] for r in doc).items() if n > 1]
    if dups:
        err("doc_questions: duplicate questions %r" % dups)
    summary["doc_questions"] = (len(doc), check_split("doc", doc, "f-d"))

    # 2. unanswerable
    un = load("unanswerable.jsonl")
    for r in un:
        for k in ("id", "question", "why", "split"):
            if k not in r:
                err("unanswerable %s: missing %s" % (r.get("id"), k))
    if len(un) < 45:
        err("unanswerable: only %d (< 45)" % len(un))
    summary["unanswerable"] = (len(un), check_split("unanswerable", un, "f-u"))

    # 3. tool questions
    tq = load("tool_questions.jsonl")
    for r in tq:
        w = "tool " + r.get("id", "?")
        for k in ("id", "question", "today", "tool", "arguments", "split"):
            if k not in r:
                err("%s: missing %s" % (w, k))
        check_tool_call(w, r.get("today"), r.get("tool"), r.get("arguments"), r)
    per_tool = Counter(r.get("tool") for r in tq)
    for t in TOOLS:
        if per_tool[t] < 6:
            err("tool_questions: only %d for %s (< 6)" % (per_tool[t], t))
    term_only = sum(1 for r in tq if r.get("tool") == "rop_calculator"
                    and r.get("arguments") and set(r["arguments"]) == {"termination_date"})
    if term_only < 8:
        err("tool_questions: only %d termination-only rop items (< 8)" % term_only)
    if len(tq) < 60:
        err("tool_questions: only %d (< 60)" % len(tq))
    summary["tool_questions"] = (len(tq), check_split("tool", tq, "f-t"))

    # 4. conversations
    cv = load("conversations.jsonl")
    nturns = 0
    for r in cv:
        w = "conv " + r.get("id", "?")
        turns = r.get("turns") or []
        if len(turns) < 2:
            err("%s: fewer than 2 turns" % w)
        for j, t in enumerate(turns, 1):
            nturns += 1
            tw = "%s turn %d" % (w, j)
            if t.get("tool"):
                check_tool_call(tw, r.get("today"), t["tool"], t.get("arguments"), t)
            else:
                if not t.get("answer"):
                    err("%s: doc turn without answer phrases" % tw)
                else:
                    check_phrases(tw, t.get("source"), t.get("pages"), t["answer"])
    if len(cv) < 12:
        err("conversations: only %d (< 12)" % len(cv))
    summary["conversations"] = (len(cv), check_split("conversations", cv, "f-c"))

    # report
    for name, (n, split) in summary.items():
        print("%-20s %4d   dev=%d test=%d" % (name, n, split.get("dev", 0), split.get("test", 0)))
    print("doc questions by source:", dict(Counter(r["source"] for r in doc)))
    print("doc questions by style: ", dict(Counter(r["style"] for r in doc)))
    print("distinct cited pages:   ", len({(r["source"], p) for r in doc for p in r["pages"]}))
    print("key phrases checked:    ", sum(len(r["answer"]) for r in doc))
    print("tool questions by tool: ", dict(per_tool))
    print("termination-only rop:   ", term_only)
    print("conversation turns:     ", nturns)
    if errors:
        print("\nFAILED: %d problem(s)" % len(errors))
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\nALL CHECKS PASSED")


if __name__ == "__main__":
    main()
