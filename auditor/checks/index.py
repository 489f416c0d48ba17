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
        self._passages = corpus.passages
        self._instances: dict[frozenset[str], list[tuple[int, int]]] = {}
        for i, p in enumerate(corpus.passages):
            self.in_doc.setdefault(p.doc, []).append(i)
            path = tuple(p.section_key[1])
            for depth in range(len(path) + 1):
                self.under.setdefault((p.doc, path[:depth]), []).append(i)
            if p.kind == "heading":
                self.headings.append(i)

    def headings_below(self, doc: int, path, depth: int) -> list[int]:
        """The headings in the section at `path` whose own section path is `depth` long (depth len(path) + 1: the
        headings of its direct subsections)."""
        return [i for i in self.below(doc, path)
                if self._passages[i].kind == "heading" and len(self._passages[i].section_key[1]) == depth]

    def instances(self, wanted: frozenset[str]) -> list[tuple[int, int]]:
        """(heading, its section's heading) of each section that names one thing of the `wanted` kind (a heading
        saying every `wanted` term), in document order: a heading that names one ("Study 2: Asthma",
        auditor.headings), or a subsection naming one thing under a heading about the kind in general ("QoC-1
        Diabetes eye exam" under "3. Study summaries"; not "3.1 Choosing a topic" under "How a study is run"). For
        a heading of the kind that names none and has no such subsection, (-1, heading)."""
        found = self._instances.get(wanted)
        if found is None:
            found = []
            for i in self.headings:
                heading = self._passages[i]
                if not wanted <= heading.terms:
                    continue
                if heading.named & wanted:
                    found.append((i, i))
                    continue
                path = heading.section_key[1]
                # (a subsection that names one of the kind itself, "Study 1: Asthma", is found on its own)
                ones = [(j, i) for j in self.headings_below(heading.doc, path, len(path) + 1)
                        if self._passages[j].names_one and not wanted <= self._passages[j].terms]
                found += ones or [(-1, i)]
            self._instances[wanted] = found
        return found

    def below(self, doc: int, path) -> list[int]:
        """The passages of the section at `path` in document `doc` and of its subsections."""
        return self.under.get((doc, tuple(path)), [])


def index(corpus: Corpus) -> CorpusIndex:
    """The corpus's index, built on first use (a corpus is not changed once built)."""
    found = corpus.__dict__.get("_index")
    if found is None:
        found = corpus.__dict__["_index"] = CorpusIndex(corpus)
    return found
