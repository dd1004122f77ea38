#!/usr/bin/env python3
"""Standalone checker for the harbor enroller evaluation set (evals/harbor).

Adapted from evals/street/verify.py: x- ids, HARBOR_SET_DIR, this set's counts and per-tool
minimums, rop_calculator argument kinds, on-topic/off-topic unanswerable counts, pages per source.

Usage:  python verify.py            (files are looked up next to this script)
        ENROLLER_CORPUS_DIR=/path/to/pdfs HARBOR_SET_DIR=/path/to/copy python verify.py

Needs only pypdf. Exits non-zero on any failure.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import date

import pypdf

HERE = os.path.dirname(os.path.abspath(__file__))
SET_DIR = os.environ.get("HARBOR_SET_DIR", HERE)
CORPUS = os.environ.get("ENROLLER_CORPUS_DIR") or os.path.join(HERE, "..", "..", "..", "shared", "corpus")

PDFS = [
    "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf",
    "Understanding_ROP_and_Auto_Discontinuance.pdf",
    "Book_of_Business_Export_Job_Aid_Agents.pdf",
]
STYLES = {"casual", "shorthand", "formal", "typo", "long_story", "partial_date"}
TOOLS = {
    "rop_calculator",
    "service_center_hours",
    "escalation_timeline",
    "delegation_result_explainer",
    "help_request_router",
    "resolution_reason_picker",
}
ROP_ARGS = {"notice_date", "received_date", "inconsistency", "termination_date", "today"}
ROP_PAST_ARGS = {"notice_date", "received_date", "termination_date"}
INCONSISTENCIES = {"income", "mec", "ai_an", "ssn", "citizenship",
                   "lawful_presence", "incarceration", "deceased"}
MIN_COUNTS = {"doc_questions.jsonl": 80, "unanswerable.jsonl": 40,
              "tool_questions.jsonl": 120, "conversations.jsonl": 10}
# Minimum tool questions per tool (this set leans on tools).
MIN_TOOL_WORDINGS = {"rop_calculator": 15, "service_center_hours": 15, "help_request_router": 15,
                     "delegation_result_explainer": 15, "resolution_reason_picker": 15,
                     "escalation_timeline": 15}
MIN_NOW = 8              # service_center_hours questions with "now": true
MIN_ROP_TODAY = 5        # rop_calculator questions about now (with a today argument)
# rop_calculator argument kinds (tool_questions.jsonl only):
#   notice_only       arguments == {notice_date}
#   notice_received   notice_date + received_date (received on or after notice)
#   termination_only  termination_date, no notice_date / received_date
#   inconsistency     an inconsistency key is given (all eight keys must appear)
#   today             about now
MIN_ROP_KINDS = {"notice_only": 6, "notice_received": 5, "termination_only": 6,
                 "inconsistency": 8, "today": 5}
MIN_OFF_TOPIC = 1         # unanswerable items whose why starts with "Off-topic" or "Small talk"
MAX_OFF_TOPIC = 6
MIN_ON_TOPIC = 34         # on-topic near misses
MIN_DOCS_PER_SOURCE = {"OE2026_CalHEERS_Enroller_Portal_Webinar.pdf": 50,
                       "Understanding_ROP_and_Auto_Discontinuance.pdf": 16,
                       "Book_of_Business_Export_Job_Aid_Agents.pdf": 6}
# every page of these sources must be cited by at least one doc question
ALL_PAGES_CITED = {"Understanding_ROP_and_Auto_Discontinuance.pdf", "Book_of_Business_Export_Job_Aid_Agents.pdf"}
MAX_PER_PAGE = 6
MOVED_FROM_TOOLS = set()
TODAY_MIN, TODAY_MAX = date(2025, 10, 1), date(2026, 3, 31)
BAD_CHARS = "\u2018\u2019\u201c\u201d\u2013\u2014"
ID_RE = {
    "doc_questions.jsonl": re.compile(r"^x-d\d{3}$"),
    "unanswerable.jsonl": re.compile(r"^x-u\d{3}$"),
    "tool_questions.jsonl": re.compile(r"^x-t\d{3}$"),
    "conversations.jsonl": re.compile(r"^x-c\d{3}$"),
}
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def load_pages():
    pages = {}
    for name in PDFS:
        path = os.path.join(CORPUS, name)
        if not os.path.exists(path):
            err("corpus", f"missing PDF {path}")
            continue
        reader = pypdf.PdfReader(path)
        pages[name] = [norm(p.extract_text() or "") for p in reader.pages]
    return pages


def parse_iso(where, value, field):
    if not isinstance(value, str) or not ISO_RE.match(value):
        err(where, f"{field} not an ISO date: {value!r}")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err(where, f"{field} invalid date: {value!r}")
        return None


def read_jsonl(fname):
    path = os.path.join(SET_DIR, fname)
    rows = []
    if not os.path.exists(path):
        err(fname, "file missing")
        return rows
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                err(f"{fname}:{n}", "blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                err(f"{fname}:{n}", f"bad JSON: {e}")
                continue
            if not isinstance(obj, dict):
                err(f"{fname}:{n}", "line is not an object")
                continue
            rows.append((n, obj))
    return rows


def check_split(where, obj):
    m = re.search(r"(\d{3})$", str(obj.get("id", "")))
    if not m:
        return
    want = "dev" if int(m.group(1)) % 5 in (0, 1, 2) else "test"
    if obj.get("split") != want:
        err(where, f"split should be {want!r}, got {obj.get('split')!r}")


def check_question(where, q):
    if not isinstance(q, str) or not q.strip():
        err(where, "question must be a non-empty string")


def check_answer(where, answer, source, pages_list, pdf_pages):
    if not isinstance(answer, list) or not 1 <= len(answer) <= 3:
        err(where, "answer must be a list of 1-3 phrases")
        return
    if source not in PDFS:
        err(where, f"unknown source {source!r}")
        return
    if (not isinstance(pages_list, list) or not pages_list
            or not all(isinstance(p, int) and not isinstance(p, bool) for p in pages_list)):
        err(where, f"pages must be a non-empty list of ints: {pages_list!r}")
        return
    texts = pdf_pages.get(source)
    if texts is None:
        return
    for p in pages_list:
        if not 1 <= p <= len(texts):
            err(where, f"page {p} out of range for {source} ({len(texts)} pages)")
            return
    for ph in answer:
        if not isinstance(ph, str):
            err(where, f"answer phrase not a string: {ph!r}")
            continue
        if any(c in ph for c in BAD_CHARS):
            err(where, f"curly quote or dash in phrase {ph!r}")
        nw = len(ph.split())
        if not 2 <= nw <= 6:
            err(where, f"phrase must be 2-6 words ({nw}): {ph!r}")
        if not any(norm(ph) in texts[p - 1] for p in pages_list):
            err(where, f"phrase {ph!r} not found on {source} pages {pages_list}")


def check_tool_call(where, tool, args, today, now_flag):
    if tool not in TOOLS:
        err(where, f"unknown tool {tool!r}")
        return
    if not isinstance(args, dict):
        err(where, "arguments must be an object")
        return
    if now_flag is not None and now_flag is not True:
        err(where, "'now' must be true when present")
    if now_flag and tool != "service_center_hours":
        err(where, "'now' only allowed for service_center_hours")
    if tool == "rop_calculator":
        if not args:
            err(where, "rop_calculator needs at least one argument")
        for k, v in args.items():
            if k not in ROP_ARGS:
                err(where, f"bad rop argument {k!r}")
                continue
            if k == "inconsistency":
                if v not in INCONSISTENCIES:
                    err(where, f"bad inconsistency {v!r}")
                continue
            d = parse_iso(where, v, k)
            if d and today:
                if k in ROP_PAST_ARGS and d > today:
                    err(where, f"{k} {v} is after today {today}")
                if k == "today" and d != today:
                    err(where, f"today argument {v} differs from line today {today}")
        if "received_date" in args and "notice_date" in args:
            if args["received_date"] < args["notice_date"]:
                err(where, "received_date before notice_date")
        if "received_date" in args and "notice_date" not in args:
            err(where, "received_date given without notice_date")
        if "termination_date" in args and ({"notice_date", "received_date"} & set(args)):
            err(where, "termination_date mixed with notice/received dates (the reinstatement window needs only the termination date)")
        if set(args) == {"today"} or set(args) == {"inconsistency"} or set(args) == {"inconsistency", "today"}:
            err(where, "rop_calculator needs a notice_date or termination_date")
    elif tool == "service_center_hours":
        if now_flag:
            if args:
                err(where, "service_center_hours with now=true must have {} arguments")
        else:
            if set(args) != {"date"}:
                err(where, f"service_center_hours needs exactly a date (or now): {args}")
            else:
                d = parse_iso(where, args["date"], "date")
                if d and today and d < today:
                    err(where, f"service-center date {d} before today {today}")
    elif tool == "escalation_timeline":
        if set(args) != {"escalation_date"}:
            err(where, f"escalation_timeline needs exactly an escalation_date: {args}")
        else:
            d = parse_iso(where, args["escalation_date"], "escalation_date")
            if d and today and d > today:
                err(where, f"escalation date {d} after today {today}")
    else:
        if args:
            err(where, f"{tool} takes no arguments")


def main():
    pdf_pages = load_pages()
    all_ids = set()
    counts = {}
    page_use = Counter()

    def check_id(where, fname, obj):
        i = obj.get("id")
        if not isinstance(i, str) or not ID_RE[fname].match(i):
            err(where, f"bad id {i!r}")
        elif i in all_ids:
            err(where, f"duplicate id {i}")
        else:
            all_ids.add(i)
        if obj.get("split") not in ("dev", "test"):
            err(where, f"bad split {obj.get('split')!r}")
        check_split(where, obj)

    # doc questions
    fname = "doc_questions.jsonl"
    rows = read_jsonl(fname)
    counts[fname] = len(rows)
    want = {"id", "question", "source", "pages", "answer", "style", "split"}
    per_source = Counter()
    for n, o in rows:
        w = f"{fname}:{n}"
        if set(o) != want:
            err(w, f"keys {sorted(o)} != {sorted(want)}")
            continue
        check_id(w, fname, o)
        check_question(w, o["question"])
        if o["style"] not in STYLES:
            err(w, f"bad style {o['style']!r}")
        check_answer(w, o["answer"], o["source"], o["pages"], pdf_pages)
        per_source[o["source"]] += 1
        if isinstance(o["pages"], list) and o["id"] not in MOVED_FROM_TOOLS:
            for p in set(o["pages"]):
                page_use[(o["source"], p)] += 1
    for (src, p), c in page_use.items():
        if c > MAX_PER_PAGE:
            err(fname, f"{src} page {p} cited by {c} questions (> {MAX_PER_PAGE})")
    for src in ALL_PAGES_CITED:
        for p in range(1, len(pdf_pages.get(src, [])) + 1):
            if page_use[(src, p)] == 0:
                err(fname, f"{src} page {p} not cited by any doc question")
    for src, m in MIN_DOCS_PER_SOURCE.items():
        if per_source[src] < m:
            err(fname, f"{src} has {per_source[src]} doc questions (< {m})")

    # unanswerable
    fname = "unanswerable.jsonl"
    rows = read_jsonl(fname)
    counts[fname] = len(rows)
    want = {"id", "question", "why", "split"}
    off_topic = 0
    for n, o in rows:
        w = f"{fname}:{n}"
        if set(o) != want:
            err(w, f"keys {sorted(o)} != {sorted(want)}")
            continue
        check_id(w, fname, o)
        check_question(w, o["question"])
        if not isinstance(o["why"], str) or not o["why"].strip():
            err(w, "why must be a non-empty string")
        elif o["why"].lower().startswith(("off-topic", "small talk")):
            off_topic += 1
    if off_topic < MIN_OFF_TOPIC:
        err(fname, f"{off_topic} off-topic/small-talk items (< {MIN_OFF_TOPIC})")
    if off_topic > MAX_OFF_TOPIC:
        err(fname, f"{off_topic} off-topic/small-talk items (> {MAX_OFF_TOPIC})")
    if len(rows) - off_topic < MIN_ON_TOPIC:
        err(fname, f"{len(rows) - off_topic} on-topic near misses (< {MIN_ON_TOPIC})")
    print(f"unanswerable: on-topic {len(rows) - off_topic}, off-topic/small talk {off_topic}")

    # tool questions
    fname = "tool_questions.jsonl"
    rows = read_jsonl(fname)
    counts[fname] = len(rows)
    want = {"id", "question", "today", "tool", "arguments", "split"}
    per_tool = Counter()
    n_now = n_rop_today = 0
    rop_kinds = Counter()
    incons_used = set()
    seen_q = set()
    for n, o in rows:
        w = f"{fname}:{n}"
        keys = set(o)
        if keys - {"now"} != want:
            err(w, f"keys {sorted(o)} != {sorted(want)} (+ optional now)")
            continue
        check_id(w, fname, o)
        check_question(w, o["question"])
        today = parse_iso(w, o["today"], "today")
        if today and not TODAY_MIN <= today <= TODAY_MAX:
            err(w, f"today {today} outside {TODAY_MIN}..{TODAY_MAX}")
        check_tool_call(w, o["tool"], o["arguments"], today, o.get("now"))
        per_tool[o["tool"]] += 1
        qn = norm(str(o["question"]))
        if qn in seen_q:
            err(w, "duplicate question text")
        seen_q.add(qn)
        if o["tool"] == "rop_calculator" and isinstance(o["arguments"], dict):
            a = set(o["arguments"])
            if a == {"notice_date"}:
                rop_kinds["notice_only"] += 1
            if {"notice_date", "received_date"} <= a:
                rop_kinds["notice_received"] += 1
            if "termination_date" in a and not a & {"notice_date", "received_date"}:
                rop_kinds["termination_only"] += 1
            if "inconsistency" in a:
                rop_kinds["inconsistency"] += 1
                incons_used.add(o["arguments"]["inconsistency"])
            if "today" in a:
                rop_kinds["today"] += 1
        if o.get("now") is True:
            n_now += 1
        if o["tool"] == "rop_calculator" and isinstance(o["arguments"], dict) and "today" in o["arguments"]:
            n_rop_today += 1
    for t in TOOLS:
        if per_tool[t] < MIN_TOOL_WORDINGS.get(t, 5):
            err(fname, f"tool {t} has {per_tool[t]} questions (< {MIN_TOOL_WORDINGS.get(t, 5)})")
    if n_now < MIN_NOW:
        err(fname, f"{n_now} now=true questions (< {MIN_NOW})")
    if n_rop_today < MIN_ROP_TODAY:
        err(fname, f"{n_rop_today} rop_calculator questions with today (< {MIN_ROP_TODAY})")
    for k, m in MIN_ROP_KINDS.items():
        if rop_kinds[k] < m:
            err(fname, f"rop_calculator {k} questions: {rop_kinds[k]} (< {m})")
    if incons_used != INCONSISTENCIES:
        err(fname, f"inconsistency keys never used: {sorted(INCONSISTENCIES - incons_used)}")
    print(f"tools: {dict(sorted(per_tool.items()))}, now={n_now}, rop with today={n_rop_today}")
    print(f"rop kinds: {dict(sorted(rop_kinds.items()))}")

    # conversations
    fname = "conversations.jsonl"
    rows = read_jsonl(fname)
    counts[fname] = len(rows)
    want = {"id", "today", "turns", "split"}
    for n, o in rows:
        w = f"{fname}:{n}"
        if set(o) != want:
            err(w, f"keys {sorted(o)} != {sorted(want)}")
            continue
        check_id(w, fname, o)
        today = parse_iso(w, o["today"], "today")
        if today and not TODAY_MIN <= today <= TODAY_MAX:
            err(w, f"today {today} outside {TODAY_MIN}..{TODAY_MAX}")
        turns = o["turns"]
        if not isinstance(turns, list) or not 2 <= len(turns) <= 3:
            err(w, "turns must be a list of 2-3 turns")
            continue
        for k, t in enumerate(turns, 1):
            tw = f"{w} turn {k}"
            if not isinstance(t, dict):
                err(tw, "turn must be an object")
                continue
            check_question(tw, t.get("question"))
            if t.get("tool") is None:
                twant = {"question", "tool", "arguments", "answer", "source", "pages"}
                if set(t) != twant:
                    err(tw, f"doc turn keys {sorted(t)} != {sorted(twant)}")
                    continue
                if t["arguments"] is not None:
                    err(tw, "doc turn must have arguments null")
                check_answer(tw, t["answer"], t["source"], t["pages"], pdf_pages)
            else:
                twant = {"question", "tool", "arguments", "answer"}
                if set(t) - {"now"} != twant:
                    err(tw, f"tool turn keys {sorted(t)} != {sorted(twant)} (+ optional now)")
                    continue
                if t["answer"] is not None:
                    err(tw, "tool turn must have answer null")
                check_tool_call(tw, t["tool"], t["arguments"], today, t.get("now"))

    for f, m in MIN_COUNTS.items():
        if counts.get(f, 0) < m:
            err(f, f"{counts.get(f, 0)} rows (< {m})")

    for f, c in counts.items():
        print(f"{f}: {c}")
    if errors:
        print(f"\nFAILED with {len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK: all checks passed")


if __name__ == "__main__":
    main()
