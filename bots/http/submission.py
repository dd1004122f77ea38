"""Submitting a help request: redact it, then store it (a reference back) or forward it to the portal's webhook."""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field

import httpx

from assistant.pii import redact_pii
from assistant.store import ConversationStore
from bots.http.errors import UpstreamError
from tools.errors import InvalidInputError

log = logging.getLogger("enroller.http")

WEBHOOK_TIMEOUT_S = 10.0
_CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")


@dataclass(frozen=True)
class Attachment:
    """An uploaded file (a screenshot of the error, usually)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class HelpRequestForm:
    """The three steps of the form, as submitted."""

    topic: str
    description: str
    category: str
    case_number: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    """What the person is told: the reference (stored here) or the portal's (forwarded)."""

    reference: str | None
    forwarded: bool
    pii_kinds: tuple[str, ...]
    attachments_kept: bool


def check_case_number(value: str | None) -> str | None:
    """A case number as typed (letters, digits, dashes); an SSN-looking value is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if not _CASE_NUMBER.fullmatch(value):
        error = InvalidInputError("case_number: letters, digits and dashes only (at most 40)")
        error.field = "case_number"
        raise error
    if {"ssn", "itin"} & set(redact_pii(value).kinds):
        error = InvalidInputError("case_number: that looks like an SSN or ITIN; enter the case number")
        error.field = "case_number"
        raise error
    return value


def submit_help_request(form: HelpRequestForm, store: ConversationStore, webhook: str | None) -> Submitted:
    """Store the request (free text redacted) and return its reference, or POST it as JSON to `webhook`."""
    redaction = redact_pii(form.description)
    if webhook is None:
        reference = store.add_help_request(
            topic=form.topic, category=form.category, description=redaction.text, case_number=form.case_number
        )
        return Submitted(reference, forwarded=False, pii_kinds=redaction.kinds, attachments_kept=False)
    payload = {
        "topic": form.topic,
        "suggested_category": form.category,
        "description": redaction.text,
        "case_number": form.case_number,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": len(a.data),
                "content_base64": base64.b64encode(a.data).decode("ascii"),
            }
            for a in form.attachments
        ],
    }
    try:
        response = httpx.post(webhook, json=payload, timeout=WEBHOOK_TIMEOUT_S)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("help-request webhook failed: %s", type(exc).__name__)
        raise UpstreamError(
            "The Enroller Portal did not accept the request, so it was not submitted. "
            "Your answers are kept below: try again in a moment."
        ) from exc
    return Submitted(portal_reference(response), forwarded=True, pii_kinds=redaction.kinds, attachments_kept=True)


def portal_reference(response: httpx.Response) -> str | None:
    """The reference in the portal's 2xx reply, if it gave one. The request is in by then, so a reply we cannot
    read (not JSON whatever its Content-Type says, no `reference`) still counts as forwarded, just unreferenced."""
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = response.json()
    except ValueError:  # json.JSONDecodeError, UnicodeDecodeError
        log.warning("help-request webhook: the reply says JSON but is not; forwarded without a reference")
        return None
    reference = body.get("reference") if isinstance(body, dict) else None
    return reference if isinstance(reference, str) and reference.strip() else None
