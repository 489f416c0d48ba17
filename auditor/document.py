"""The format-neutral document model every extractor produces.

Kept apart from the report models so that extractors depend on nothing but
pydantic: they carry no rule knowledge.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell"]

DocumentKind = Literal[
    "qmp_description",
    "work_plan",
    "annual_evaluation",
    "committee_minutes",
    "contract_template",
    "provider_manual",  # a provider manual or handbook: what the plan's providers are bound to, beside the contract
    "guideline_policy",
    "credentialing_policy",
    "other",
]


class Block(BaseModel):
    """One unit of layout: a heading, a paragraph, a list item or a table cell."""

    kind: BlockKind
    text: str
    page: int | None = None  # 1-based; None where the format records no pages
    section: list[str] = Field(default_factory=list)  # enclosing headings, outermost first
    level: int | None = None  # heading level (1 = top)
    table: int | None = None  # table index within the document (table cells only)
    row: int | None = None
    col: int | None = None


class Coverage(BaseModel):
    """What the reader managed to get out of the file, so a silent mis-read is visible."""

    pages_read: int = 0
    characters: int = 0
    headings: int = 0
    lists: int = 0  # list items
    tables: int = 0
    # How the text was got when the file's own format was not read directly: "OCR", "converted from .doc".
    read_as: str | None = None


class Document(BaseModel):
    path: str
    sha256: str | None = None
    format: str | None = None  # pdf, docx, text, markdown
    kind: DocumentKind = "other"
    title: str | None = None
    pages: int | None = None
    blocks: list[Block] = Field(default_factory=list)
    coverage: Coverage = Field(default_factory=Coverage)
    error: str | None = None


# A heading's own numbering: "9.", "9.1", "Section 4", "Q17.", "A."
_ENUMERATOR = re.compile(r"^\s*(?:(?:section|part|chapter|article|appendix|q)\s*)?(?:\d+|[A-Z])(?:[.-]\d+)*[.):]?\s+",
                         re.IGNORECASE)


def names_a_topic(heading: str) -> bool:
    """A heading that names a topic ("9. Clinical guidelines", "Overall Effectiveness"), not a line that says
    something in a heading's style ("Approved by the Board of Directors on January 28, 2025")."""
    text = _ENUMERATOR.sub("", heading, count=1)
    return len(text.split()) <= 8 and not any(ch.isdigit() for ch in text)
