"""Items of lists and tables: what the `count` and `recency` checks look at.

An item is one list item (its sentences together) or one table row other than the header row.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.checks.base import EvalContext

MAX_ITEM_WORDS = 20


@dataclass
class Item:
    passages: list[int]
    text: str
    terms: set[str]
    context_terms: set[str]


def items(ctx: EvalContext, within: list[str], of: list[str], documents: list[str]) -> list[Item]:
    """The items whose context names every `within` term and whose text says one of `of` (if any), in order.

    The same item written twice (a guideline listed in two documents) counts once, by its text.
    """
    corpus = ctx.corpus
    grouped: dict[tuple[int, int], list[int]] = {}
    for i, passage in enumerate(corpus.passages):
        if ctx.ignored(i) or (documents and ctx.kind_of(i) not in documents):
            continue
        if passage.block_kind == "list_item" or (passage.kind == "row" and passage.row not in (0, None)):
            grouped.setdefault((passage.doc, passage.block), []).append(i)
    found: dict[str, Item] = {}
    for members in grouped.values():
        if corpus.passages[members[0]].block_kind == "list_item" and \
                sum(len(corpus.passages[i].text.split()) for i in members) > MAX_ITEM_WORDS:
            continue  # a sentence-long bullet is prose about the subject, not an item of the list
        terms = set().union(*(corpus.passages[i].terms for i in members))
        # The list itself must be about the subject: its title, headings or table header say so.
        context = set().union(*(corpus.passages[i].context_terms for i in members))
        if not set(within) <= context or (of and not set(of) & terms):
            continue
        text = " ".join(corpus.passages[i].text for i in members)
        found.setdefault(" ".join(text.lower().split()), Item(members, text, terms, context))
    return sorted(found.values(), key=lambda item: ctx.order_key(item.passages[0]))
