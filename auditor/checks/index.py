"""Indexes over a corpus, built once per corpus and shared by every check: the passages of each document, of each
section with its subsections, and the headings.

Without them the checks that look at one unit at a time (`each`, a count's `shows`) scanned every passage of the
corpus once per unit or item, so evaluation grew with the square of the document (x4.8-6.8 per doubling of pages).
"""

from __future__ import annotations

from auditor.passages import Corpus


class CorpusIndex:
    def __init__(self, corpus: Corpus) -> None:
        self.in_doc: dict[int, list[int]] = {}
        # (doc, section path or any prefix of it) -> the passages in that section and below, in document order.
        self.under: dict[tuple[int, tuple[str, ...]], list[int]] = {}
        self.headings: list[int] = []
        for i, p in enumerate(corpus.passages):
            self.in_doc.setdefault(p.doc, []).append(i)
            path = tuple(p.section_key[1])
            for depth in range(len(path) + 1):
                self.under.setdefault((p.doc, path[:depth]), []).append(i)
            if p.kind == "heading":
                self.headings.append(i)

    def below(self, doc: int, path) -> list[int]:
        """The passages of the section at `path` in document `doc` and of its subsections."""
        return self.under.get((doc, tuple(path)), [])


def index(corpus: Corpus) -> CorpusIndex:
    """The corpus's index, built on first use (a corpus is not changed once built)."""
    found = corpus.__dict__.get("_index")
    if found is None:
        found = corpus.__dict__["_index"] = CorpusIndex(corpus)
    return found
