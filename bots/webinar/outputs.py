"""Write a run as .json, .md, .html (a publishable, self-contained, printable FAQ), .csv or .xlsx.

Only questions, counts, answers and citations are written: asker names and e-mails never get this far."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bots.webinar.errors import WebinarError
from bots.webinar.models import Group, WebinarReport

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = (".json", ".md", ".html", ".csv", ".xlsx")
CSV_COLUMNS = ("rank", "question", "asked", "other_wordings", "answer", "sources", "for_presenter", "reviewed")


class UnknownOutputError(WebinarError):
    """An --out file with an extension we do not write."""


def report_json(report: WebinarReport) -> str:
    """The .json output: webinar, groups (questions, count, answer, route, citations, for_presenter), dropped."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _title(report: WebinarReport) -> str:
    return report.webinar.title or "Webinar questions and answers"


def _sources(group: Group) -> str:
    return "; ".join(f"{c.title}, page {c.page}" for c in group.citations)


def _anchor(n: int) -> str:
    return f"q{n}"


def report_markdown(report: WebinarReport) -> str:
    """The FAQ in Markdown: title and date, contents, each answered group, the presenter's list last."""
    lines = [f"# {_title(report)}", ""]
    if report.webinar.date:
        lines += [f"Webinar of {report.webinar.date:%B %-d, %Y}.", ""]
    lines += [
        f"{len(report.groups)} questions, asked {sum(g.count for g in report.groups)} times.",
        "",
        "## Contents",
        "",
    ]
    for n, group in enumerate(report.answered, start=1):
        lines.append(f"{n}. [{group.representative}](#{_anchor(n)})")
    if report.for_presenter:
        lines.append(f"- [For the presenter ({len(report.for_presenter)})](#for-the-presenter)")
    lines.append("")
    for n, group in enumerate(report.answered, start=1):
        lines += [f'## <a id="{_anchor(n)}"></a>{n}. {group.representative}', ""]
        lines += [f"*Asked by {group.count}.*" + (" *Answer reviewed by a person.*" if group.reviewed else ""), ""]
        lines += [group.answer or "", ""]
        if group.citations:
            lines += ["Sources: " + _sources(group), ""]
        if len(group.questions) > 1:
            lines += ["Also asked as:", "", *(f"- {q}" for q in group.questions[1:]), ""]
    if report.for_presenter:
        lines += ["## For the presenter", "", "The guides do not answer these; a presenter should.", ""]
        lines += [f"- {g.representative} (asked by {g.count})" for g in report.for_presenter]
        lines.append("")
    return "\n".join(lines)


def report_html(report: WebinarReport) -> str:
    """The FAQ as one self-contained, printable HTML page (styles inline, no scripts, no external files)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template("faq.html").render(
        report=report, title=_title(report), asked=sum(g.count for g in report.groups)
    )


def _rows(report: WebinarReport) -> list[list[object]]:
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for n, g in enumerate(report.groups, start=1):
        rows.append(
            [
                n,
                g.representative,
                g.count,
                " | ".join(g.questions[1:]),
                g.answer or "",
                _sources(g),
                g.for_presenter,
                g.reviewed,
            ]
        )
    return rows


def report_csv(report: WebinarReport) -> str:
    """One row per group: rank, question, how many asked, other wordings, answer, sources, for_presenter, reviewed."""
    out = io.StringIO()
    csv.writer(out).writerows(_rows(report))
    return out.getvalue()


def report_xlsx(report: WebinarReport) -> bytes:
    """The CSV's rows in a spreadsheet (sheet "FAQ"), plus a "Dropped" sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "FAQ"
    for row in _rows(report):
        sheet.append(row)
    dropped = book.create_sheet("Dropped")
    dropped.append(["text", "why"])
    for item in report.dropped:
        dropped.append([item.text, item.why])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_report(report: WebinarReport, suffix: str) -> bytes:
    """The report in the format named by a file extension."""
    suffix = suffix.lower()
    if suffix == ".xlsx":
        return report_xlsx(report)
    writers = {".json": report_json, ".md": report_markdown, ".html": report_html, ".csv": report_csv}
    if suffix not in writers:
        raise UnknownOutputError(
            f"--out: cannot write {suffix or 'a file without an extension'}; use {', '.join(FORMATS)}"
        )
    return writers[suffix](report).encode("utf-8")


def write_report(report: WebinarReport, path: Path) -> None:
    """Write the report to `path`, its format chosen by the extension."""
    path.write_bytes(render_report(report, path.suffix))
