""""Did you mean ...?" for names people type: fields of submission.yaml, checklist names, requirement ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The closest of `choices` to `word`, case aside (difflib's ratio, at least 0.6)."""
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    return [by_lower[m] for m in difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=0.6)]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'hmo_name'?" or "" when nothing is close."""
    found = close(word, choices)
    return f"; did you mean {found[0]!r}?" if found else ""


def find_case_insensitive(word: str, choices: Iterable[str]) -> str | None:
    """The choice equal to `word` in any case: 'Maine-CH109' is maine-ch109, '1.03-1.c' is 1.03-1.C."""
    wanted = word.strip().lower()
    return next((choice for choice in choices if choice.lower() == wanted), None)
