"""Dates written in documents: exact or not claimed.

Regexes find the spans (month-name, numeric month-first and ISO dates); dateutil parses each span. Durations
("ten (10) working days") and frequencies ("annually") are not dates and are never turned into one.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"  # March 6, 2024
    rf"|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b"  # 6 March 2024
    rf"|\b{_MONTH},?\s+\d{{4}}\b"  # March 2023
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2024-03-06
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b"  # 3/6/2024 (month first, as US plans write)
    r"|\b\d{1,2}/\d{4}\b",  # 3/2024
    re.IGNORECASE,
)
_DEFAULT = dt.datetime(2000, 1, 1)  # a month-and-year date means the first of the month


def find_dates(text: str) -> list[tuple[str, dt.date]]:
    """Every date written in the text, as (the text as written, the date), in order."""
    found = []
    for match in _DATE.finditer(text):
        span = match.group(0)
        try:
            value = dateutil_parser.parse(span.replace(".", ""), default=_DEFAULT, dayfirst=False).date()
        except (ValueError, OverflowError):
            continue  # "13/45/2024" is not a date: claim nothing
        found.append((span, value))
    return found


def oldest_allowed(as_of: dt.date, age) -> dt.date:
    """The earliest date still within `age` (years, months, days) before `as_of`; Feb 29 clamps to Feb 28."""
    from dateutil.relativedelta import relativedelta

    return as_of - relativedelta(years=age.years, months=age.months, days=age.days)
