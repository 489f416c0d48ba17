"""Items of lists and tables: what the `count` and `recency` checks look at.

An item is one list item (its sentences together) or one table row other than the header row. With `fields`,
list items and two-column rows labelled by a field of a record ("Measure: ...", "Population | ...") are parts of
one item: consecutive fields under one heading make one record, and a repeated label starts the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.checks.base import EvalContext
from auditor.checks.index import index

MAX_ITEM_WORDS = 20
# In a list of named topics (`names`), a bullet that is a whole sentence ("Preventive topics are chosen for our
# young families.") is prose about the list, not an item of it: it ends with a full stop and runs this long.
SENTENCE_ITEM_WORDS = 8
MAX_LABEL_WORDS = 4
_LABEL = re.compile(r"^\s*([^:|]{1,60}?)\s*(:|\|)")


@dataclass
class Item:
    passages: list[int]
    text: str
    terms: set[str]
    context_terms: set[str]
    lead_terms: set[str] = field(default_factory=set)
    record: bool = False  # fields of one record, merged
    enumerated: bool = False  # one of a list written inside a sentence ("guidelines for asthma, diabetes and COPD")


# A list inside a sentence: after a colon, or after "include(s)", "including", "such as", "covering", "for".
_ENUM_START = re.compile(r":\s+|\b(?:include|includes|including|such as|namely)\s+|\b(?:guidelines?|studies|projects)"
                         r"\s+(?:for|on)\s+", re.IGNORECASE)
_ENUM_SPLIT = re.compile(r"\s*(?:;|,\s*(?:and|or)\s+|,|\s+and\s+|\s+or\s+)\s*")
_ENUM_LEAD = re.compile(r"^(?:covering|including|such as|namely|the|a|an|our|both)\s+", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12}
_COUNTED = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
                      r"((?:[\w-]+\s+){0,3}[\w-]+)", re.IGNORECASE)


# A part that counts rather than names: "at least two for chronic conditions", "a minimum of four preventive".
_QUANTITY = re.compile(r"^(?:at\s+(?:least|most)|a\s+minimum\s+of|no\s+(?:fewer|less)\s+than|not\s+(?:fewer|less)\s+"
                       r"than|up\s+to|more\s+than)\s+(?:\d+|" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _enumerated(ctx: EvalContext, i: int, wanted: set[str]) -> list[Item]:
    """The items of a list written inside a sentence that names what they are ("The plan has adopted guidelines
    for asthma, diabetes and COPD"; "six guidelines: two for chronic conditions, diabetes and persistent asthma,
    and four for preventive care, covering ..."): each part after the list's start, without the parts that only
    count ("two for chronic conditions")."""
    p = ctx.corpus.passages[i]
    start = _ENUM_START.search(p.text)
    if start is None:
        return []
    noun = start.group(0).split()[0] if start.group(0)[0].isalpha() and start.group(0).split()[0].lower() in (
        "guidelines", "guideline", "studies", "projects") else ""
    head = p.text[:start.start()] + (" " + noun if noun else "")
    if head.count("(") > head.count(")"):
        return []  # "(QIA workgroup: two physicians, a pharmacist ...)": members, not items
    # the list's own lead names what it lists: the words right before it say the subject ("six guidelines:",
    # "our studies include"), or a heading above does; "a workgroup that includes ..." lists members
    last = " ".join(head.split()[-2:])
    said = ctx.terms_of(last)
    headings = " ".join(p.section).lower()
    if not wanted <= said | p.context_terms or not (wanted & said or any(
            w.lower().rstrip("s") in headings for w in re.findall(r"[A-Za-z]{4,}", last))):
        return []
    rest = re.sub(r"\([^)]*\)", "", p.text[start.end():])  # "(quality of care, chronic)" is one remark
    parts = [_ENUM_LEAD.sub("", part.strip(" .;:()")) for part in _ENUM_SPLIT.split(rest)]
    out = []
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 6 or words[0].lower() in _NUMBER_WORDS or words[0].isdigit() or _QUANTITY.match(part):
            continue
        terms = ctx.terms_of(part) & (p.asserted | set(p.kinds) if p.kinds else p.asserted or p.terms)
        out.append(Item([i], part, set(terms) if not p.kinds else terms - set(p.kinds), set(p.context_terms) |
                        ctx.terms_of(head), enumerated=True))
    return out if len(out) >= 2 else []


def claimed_counts(ctx: EvalContext, within: list[str], of: list[str], documents: list[str]) -> list[tuple[int, int]]:
    """Counts said in words: "four preventive health guidelines", "6 quality-of-care studies" -> (4, passage).
    A count is a claim; it counts where the submission lists no items of the kind at all."""
    wanted, said_of = set(within), set(of)
    out = []
    for i in sorted({i for t in within for i in ctx.with_term.get(t, [])}):
        p = ctx.corpus.passages[i]
        if p.kind != "sentence" or ctx.ignored(i) or (documents and ctx.kind_of(i) not in documents):
            continue
        for m in _COUNTED.finditer(p.text):
            if p.kinds_at(m.start(), m.end()):
                continue  # "will adopt four guidelines", "no two guidelines": not a count of what the plan has
            phrase = m.group(0)
            terms = ctx.terms_of(phrase)
            if wanted <= terms | (p.context_terms if not wanted <= terms else set()) and wanted & terms and (
                    not said_of or said_of & terms):
                number = m.group(1).lower()
                out.append((_NUMBER_WORDS.get(number) or int(number), i))
    return out


def items(ctx: EvalContext, within: list[str], of: list[str], documents: list[str], *,
          fields: list[str] = (), names: list[str] = (), exclude: list[str] = (),
          shows: list[str] = (), self_named: bool = False, exclude_context: list[str] = (),
          enumerations: bool = True, in_effect: bool = True) -> list[Item]:
    """The items whose context (or own label) names every `within` term and whose text says one of `of` (if any),
    in order.

    `names`: when a row's first cell (or an item's label) names one of these, the item is classified by that
    name alone, not by what its other cells say ("Diabetes | ... annual kidney screening" is not a screening
    guideline). `exclude`: an item saying one of these does not count ("Open - baseline only"). `shows`: an item
    written up under a heading of its own name counts only if that write-up says one of these (a "study" whose
    own section shows no goal or benchmark is not one). `exclude_context`: no item of a list whose lead-in or
    headings say one of these counts ("Each study defines:" lists the parts of a study, not studies).
    The same item written twice (a guideline listed in two documents) counts once, by its text. `in_effect`: only
    items in effect (not a row whose adoption or review reads "Pending"); a check of dates wants them all.
    """
    corpus = ctx.corpus
    grouped: dict[tuple[int, int], list[int]] = {}
    for i, passage in enumerate(corpus.passages):
        if ctx.ignored(i) or (documents and ctx.kind_of(i) not in documents):
            continue
        if passage.kind == "row" and any(a == 0 for a, _z in passage.questions):
            continue  # a crosswalk's row is the rule's question and the plan's answer, not an item of a list
        if passage.block_kind == "list_item" or (passage.kind == "row" and passage.row not in (0, None)):
            grouped.setdefault((passage.doc, passage.block), []).append(i)
    units: list[Item] = []
    for members in grouped.values():
        first = corpus.passages[members[0]]
        text = " ".join(corpus.passages[i].text for i in members)
        if first.block_kind == "list_item":
            words = len(text.split())
            if words > MAX_ITEM_WORDS:
                continue  # a sentence-long bullet is prose about the subject, not an item of the list
            if names and words >= SENTENCE_ITEM_WORDS and text.rstrip().endswith(".") and not first.lead_terms:
                continue  # in a list of named topics, a whole sentence is prose about the list
        if all(corpus.passages[i].hollow() or in_effect and corpus.passages[i].pending for i in members):
            continue  # "Asthma guideline: under development", "TBD", adoption "Pending": nothing yet to count
        if (not any(corpus.passages[i].asserted for i in members)
                and any(corpus.passages[i].kinds for i in members)):
            continue  # "Aim 1. We aspire to zero harm": all it says is for later, an option or a label
        # an item says what it asserts: "Planned for 2026: COPD guideline" names no guideline the plan has
        units.append(Item(members, text, set().union(*(corpus.passages[i].asserted for i in members)),
                          set().union(*(corpus.passages[i].context_terms for i in members)), set(first.lead_terms)))
    wanted_set = set(within)
    names_seen = [set(_words(u.text.split(" | ")[0]).split()) for u in units if wanted_set <= u.context_terms]
    for i, p in enumerate(corpus.passages if enumerations else ()):
        if p.kind != "sentence" or p.block_kind == "list_item" or not wanted_set <= p.terms | p.context_terms:
            continue
        if ctx.ignored(i) or (documents and ctx.kind_of(i) not in documents) or ":" not in p.text and not (
                _ENUM_START.search(p.text)):
            continue
        for item in _enumerated(ctx, i, set(within)):
            words = set(_words(item.text).split())
            # the same thing listed again (a table row naming "Type 2 diabetes in adults") counts once
            if words and not any(words <= seen for seen in names_seen):
                units.append(item)
                names_seen.append(words)
    if fields:
        units = _records(ctx, units, set(fields), set(within))
        units = _same_study(ctx, units)
    if self_named:
        units += _headed_items(ctx, units, wanted_set, documents, set(exclude), set(shows))
    units = _same_number(units)
    units = _one_study_documents(ctx, units)
    found: dict[str, Item] = {}
    wanted = set(within)
    for item in units:
        # The list itself must be about the subject: its title, headings or table header say so, or (with
        # `self_named`) the item's own name does ("QIA: Asthma medication ratio" in a table of the year's activities).
        if not wanted <= item.context_terms | (item.lead_terms if self_named else set()):
            continue
        said = item.lead_terms if names and item.lead_terms & set(names) else item.terms
        if (of and not set(of) & said) or set(exclude) & item.terms:
            continue
        if exclude_context and set(exclude_context) & (item.context_terms - item.terms):
            continue
        if shows and not _shows(ctx, item, set(shows)):
            continue
        found.setdefault(" ".join(item.text.lower().split()), item)
    return sorted(_named_in_a_record(ctx, list(found.values())), key=lambda item: ctx.order_key(item.passages[0]))


def _headed_items(ctx: EvalContext, units: list[Item], within: set[str], documents: list[str], exclude: set[str],
                  shows: set[str]) -> list[Item]:
    """Items written up each under a heading of its own name ("## Study 1: Eye exams for adults with diabetes",
    then paragraphs on its measure, goal and results): the heading names the item, its write-up must show one of
    `shows` (a goal), and what the write-up says against it (`exclude`: "baseline only") goes with it. Not an item
    already found: one a list or table names, or one whose write-up is itself a record of fields ("| Goal | 80% |")."""
    corpus = ctx.corpus
    at = index(corpus)
    listed = [set(_words(u.text).split()) for u in units]
    recorded = {i for u in units if u.record for i in u.passages}
    out = []
    # the headings naming one item each ("Study 2: Asthma"; not "5. Studies", "Study topics")
    for i, parent in at.instances(frozenset(within)):
        heading = corpus.passages[i]
        if i != parent or ctx.ignored(i) or (documents and ctx.kind_of(i) not in documents):
            continue
        below = [j for j in at.below(heading.doc, heading.section_key[1]) if j != i]
        if len(below) < 2 or any(corpus.passages[j].kind == "heading" and within <= corpus.passages[j].terms
                                 for j in below):
            continue  # a heading over a short note, or over the items' own headings: the list's, not an item's
        if shows and not any(corpus.passages[j].asserted & shows for j in below):
            continue  # a write-up with no goal or benchmark is not one of the items (an agenda item's note)
        if recorded.intersection(below):
            continue
        name = {w for w in _words(re.sub(r"\([^)]*\)", "", heading.text)).split()
                if w not in _GENERIC and not re.fullmatch(r"[\d.]+", w)}
        if not name or any(name <= words for words in listed):
            continue
        against = set().union(*(corpus.passages[j].terms for j in below)) & exclude
        out.append(Item([i], heading.text, set(heading.asserted) | against, set(heading.context_terms),
                        set(heading.terms)))
    return out


# Words that do not tell one study from another.
_GENERIC = {"study", "studies", "project", "projects", "pip", "qia", "qip", "the", "of", "for", "and", "in", "to",
            "a", "an", "with", "by", "on", "at", "or", "rate", "rates"}


def _name_words(text: str) -> set[str]:
    name = re.split(r":| \| ", text, maxsplit=1)[0]
    return {w for w in _words(name).split() if w not in _GENERIC and not w.isdigit()}


def _named_in_a_record(ctx: EvalContext, found: list[Item]) -> list[Item]:
    """A status line in one document ("CAHPS access study: remeasurement completed") and the study's write-up as
    a record in another (a table headed "Study 4: Access to Care" whose rows name CAHPS) are one study: the line
    whose every distinguishing name word the record says is not counted again."""
    records = [r for r in found if r.record]
    out = []
    for item in found:
        words = _name_words(item.text) if not item.record else set()
        doc = ctx.corpus.passages[item.passages[0]].doc
        same = len(words) >= 2 and any(
            ctx.corpus.passages[r.passages[0]].doc != doc
            and words <= set(_words(" ".join([r.text, *ctx.corpus.passages[r.passages[0]].section[-1:]])).split())
            for r in records)
        if not same:
            out.append(item)
    return out


def _label(text: str) -> str:
    match = _LABEL.match(text)
    return match.group(1).lower() if match else ""


def _is_field(ctx: EvalContext, item: Item, fields: set[str], within: set[str]) -> bool:
    """A "Label: value" item or a two-column "label | value" row whose label names a field, not an item
    ("Measure: ..." is a field; "Diabetes study: baseline done" names a study)."""
    first = ctx.corpus.passages[item.passages[0]]
    if first.kind == "row" and first.text.count(" | ") != 1:
        return False
    if len(_label(item.text).split()) > MAX_LABEL_WORDS:
        return False
    return bool(item.lead_terms & fields) and not item.lead_terms & within


def _records(ctx: EvalContext, units: list[Item], fields: set[str], within: set[str]) -> list[Item]:
    """Merge runs of field items under one heading into one record each."""
    out: list[Item] = []
    record: Item | None = None
    key = None
    labels: set[str] = set()
    for item in sorted(units, key=lambda u: u.passages[0]):
        if not _is_field(ctx, item, fields, within):
            out.append(item)
            record = None
            continue
        first = ctx.corpus.passages[item.passages[0]]
        here = (first.doc, first.section, first.kind)
        label = _label(item.text)
        if record is not None and here == key and label not in labels:
            record.passages += item.passages
            record.text += " ; " + item.text
            record.terms |= item.terms
            record.context_terms |= item.context_terms
            labels.add(label)
            continue
        record = Item(list(item.passages), item.text, set(item.terms), set(item.context_terms), set(), record=True)
        key, labels = here, {label}
        out.append(record)
    return out


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _same_study(ctx: EvalContext, units: list[Item]) -> list[Item]:
    """A record described under its own heading ("QIA-6: PCP Appointment Availability") and a row of an
    inventory naming it ("QIA-6 | PCP appointment availability | Open") are one item: the record joins the
    row, so it counts once and what the row says of its status applies."""
    rows = [u for u in units if not u.record and ctx.corpus.passages[u.passages[0]].kind == "row"]
    out = []
    for unit in units:
        first = ctx.corpus.passages[unit.passages[0]]
        heading = _words(first.section[-1]) if unit.record and first.section else ""
        same = None
        if heading:
            for row in rows:
                cells = [_words(c) for c in row.text.split(" | ")]
                if any(len(c) >= 3 and (c.count(" ") >= 1 or any(ch.isdigit() for ch in c))
                       and f" {c} " in f" {heading} " for c in cells):
                    same = row
                    break
        if same is None:
            out.append(unit)
            continue
        same.passages += [i for i in unit.passages if i not in same.passages]
        same.terms |= unit.terms
    return out


# A numbered study at the start of an item: "QIA-6", "PIP 2", "QIP #3".
_STUDY_NUMBER = re.compile(r"^\s*(QIA|QIP|PIP|CCIP|PDSA|A3)s?\s*[-#]?\s*(\d+)[A-Za-z]?\b", re.IGNORECASE)


# A document about one study ("PIP Summary Report: Improving Glycemic Status in Adults With Diabetes", "QI Study
# Summary Form - Diabetes Care"), not about several ("Quality Study Summaries", "Improvement Projects", a portfolio).
_ONE_STUDY = re.compile(r"\b(?:pip|qia|qip|study|project|a3)\b(?!s)", re.IGNORECASE)
_SEVERAL = re.compile(r"\b(?:studies|pips|qias|qips|projects|portfolio|summaries|forms|activities|reports|sheets|"
                      r"worksheets|log|register|inventory|program|programme|evaluation|plan|description|charter|"
                      r"minutes|report on)\b", re.IGNORECASE)


def _one_study_documents(ctx: EvalContext, units: list[Item]) -> list[Item]:
    """The items of a document about one study (its interventions table, its results rows) are parts of that study:
    they count once, as one item."""
    titles = [d.title or "" for d in ctx.corpus.documents]
    single = {d for d, title in enumerate(titles) if _ONE_STUDY.search(title)
              and not _SEVERAL.search(re.sub(r"\bsummary report\b", "", title, flags=re.I))}
    if not single:
        return units
    out: list[Item] = []
    first: dict[int, Item] = {}
    for unit in units:
        d = ctx.corpus.passages[unit.passages[0]].doc
        if d not in single:
            out.append(unit)
            continue
        if d not in first:
            first[d] = unit
            out.append(unit)
            continue
        same = first[d]
        same.passages += [i for i in unit.passages if i not in same.passages]
        same.terms |= unit.terms
        same.context_terms |= unit.context_terms
    return out


def _same_number(units: list[Item]) -> list[Item]:
    """Items opening with the same study number ("QIA-6 | PCP appointment availability | Open" in an inventory,
    "QIA-6 PCP appointment availability | Baseline complete" in the year's activities) are one study: it counts
    once, and what either says of its status applies."""
    out: list[Item] = []
    seen: dict[tuple[str, int], Item] = {}
    for unit in units:
        match = _STUDY_NUMBER.match(unit.text)
        key = (match.group(1).upper(), int(match.group(2))) if match else None
        if key is None or key not in seen:
            out.append(unit)
            if key is not None:
                seen[key] = unit
            continue
        same = seen[key]
        same.passages += [i for i in unit.passages if i not in same.passages]
        same.terms |= unit.terms
        same.context_terms |= unit.context_terms
        same.lead_terms |= unit.lead_terms
    return out


def _shows(ctx: EvalContext, item: Item, shows: set[str]) -> bool:
    """False when the item has a section of its own (a heading naming it) that says none of `shows`."""
    if item.record:
        return bool(item.terms & shows)
    corpus = ctx.corpus
    name = _words(item.text.split(" | ")[0])
    if name.count(" ") < 1:
        return True
    at = index(corpus)
    words = _heading_words(ctx)
    for i in at.headings:
        if f" {name} " not in words[i]:
            continue
        heading = corpus.passages[i]
        return any(corpus.passages[j].terms & shows for j in at.below(heading.doc, heading.section_key[1]))
    return True


def _heading_words(ctx: EvalContext) -> dict[int, str]:
    """Each heading's words, padded for whole-word search: worked out once per corpus, not once per item."""
    found = ctx.corpus.__dict__.get("_heading_words")
    if found is None:
        passages = ctx.corpus.passages
        found = {i: f" {_words(passages[i].text)} " for i in index(ctx.corpus).headings}
        ctx.corpus.__dict__["_heading_words"] = found
    return found
