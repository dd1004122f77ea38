"""PII redaction: what is removed before anything is logged, stored or sent, and what is kept."""

from __future__ import annotations

import pytest

from assistant.pii import redact_pii


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        pytest.param("SSN 123-45-6789 please", "SSN [SSN] please", ("ssn",), id="ssn-dashed"),
        pytest.param("ssn 123 45 6789", "ssn [SSN]", ("ssn",), id="ssn-spaced"),
        pytest.param("SSN: 123456789", "SSN: [SSN]", ("ssn",), id="ssn-bare-after-keyword"),
        pytest.param("social security no 123456789", "social security no [SSN]", ("ssn",), id="ssn-w"),
        pytest.param("last 4 of her SSN is 6789", "last 4 of her SSN is [SSN]", ("ssn",), id="partial-last-4-before"),
        pytest.param("SSN ending in 1234", "SSN ending in [SSN]", ("ssn",), id="partial-ending-in"),
        pytest.param("ssn last four 1234", "ssn last four [SSN]", ("ssn",), id="partial-last-four-after"),
        pytest.param("xxx-xx-6789", "[SSN]", ("ssn",), id="masked-ssn"),
        pytest.param("ITIN 912-78-1234", "ITIN [ITIN]", ("itin",), id="itin"),
        pytest.param("cell 916-555-0143", "cell [PHONE]", ("phone",), id="phone-dashed"),
        pytest.param("call (916) 555-0143", "call [PHONE]", ("phone",), id="phone-parens"),
        pytest.param("text 916.555.0143", "text [PHONE]", ("phone",), id="phone-dots"),
        pytest.param("number 9165550143", "number [PHONE]", ("phone",), id="phone-bare"),
        pytest.param("+1 916 555 0143", "[PHONE]", ("phone",), id="phone-intl"),
        pytest.param("call 916-555-0143 x204 today", "call [PHONE] today", ("phone",), id="phone-extension-x"),
        pytest.param("(916)555-0143ext. 12", "[PHONE]", ("phone",), id="phone-extension-ext"),
        pytest.param("from abroad 001-916-555-0143", "from abroad [PHONE]", ("phone",), id="phone-001"),
        pytest.param("Call me at 9165550143.", "Call me at [PHONE].", ("phone",), id="phone-bare-end-of-sentence"),
        pytest.param("SSN 123.45.6789", "SSN [SSN]", ("ssn",), id="ssn-dotted"),
        pytest.param("ITIN 912.78.1234", "ITIN [ITIN]", ("itin",), id="itin-dotted"),
        pytest.param("mail jane.doe+x@example.co.uk now", "mail [EMAIL] now", ("email",), id="email"),
        pytest.param("DOB 04/05/1980", "DOB [DOB]", ("dob",), id="dob-slashes"),
        pytest.param("date of birth: 1980-04-05", "date of birth: [DOB]", ("dob",), id="dob-iso"),
        pytest.param("born on March 5, 1980", "born on [DOB]", ("dob",), id="dob-words"),
    ],
)
def test_redacts(text: str, expected: str, kinds: tuple[str, ...]) -> None:
    """Each kind of PII is replaced by its placeholder and reported."""
    result = redact_pii(text)
    assert result.text == expected
    assert result.kinds == kinds


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("NOD01 dated 3/3/26, termed 2026-06-01", id="tool-dates-kept"),
        pytest.param("NOD01 went out March 3, 2026", id="written-date-kept"),
        pytest.param("case 1234567890 has an SSN inconsistency", id="case-number-and-inconsistency-word"),
        pytest.param("escalations take 7-10 business days", id="ranges"),
        pytest.param("service center open 8:00 a.m. to 6:00 p.m.", id="times"),
        pytest.param("premium went from 1234567890.50 to 12.5", id="decimal-after-ten-digits"),
        pytest.param("version 1.2.3 of form 2026.03.1234", id="dotted-numbers-not-ssn-shaped"),
    ],
)
def test_keeps_what_is_not_pii(text: str) -> None:
    """Dates the tools need, case numbers, ranges and times pass through untouched."""
    result = redact_pii(text)
    assert result.text == text
    assert not result.found


def test_mixed_question_keeps_the_notice_date() -> None:
    """A question with several kinds of PII loses all of them but keeps the NOD01 date."""
    result = redact_pii("Client SSN 123-45-6789, cell 916-555-0143, jd@x.org, NOD01 dated 2026-03-03.")
    assert result.text == "Client SSN [SSN], cell [PHONE], [EMAIL], NOD01 dated 2026-03-03."
    assert set(result.kinds) == {"ssn", "phone", "email"}
