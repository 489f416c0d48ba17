"""How the plan names things: the submission's own names for the roles the rules speak of, learned from the text.

A plan calls its committee "the Care Quality Circle", defines "Quality Improvement and Health Equity Committee
(QIHEC)" once and writes "QIHEC" after, calls itself "the Company" and its board "our Trustees". This step finds
such names, each with the passage that shows it, and makes every later mention of a name carry the terms of what it
stands for, so the rules' terms (`qm_committee`, `governing_body`, ...) find them:

- definitions: an acronym after its full name, a quoted short form ("(the "Committee")", 'Board of Trustees, "our
  Trustees"'), "X means Y", "hereinafter X";
- descriptions of function: a name opening a sentence whose verb is the role's function and whose object is the
  program ("The Care Quality Circle runs our quality work"), or "X is/serves as <the role>";
- short forms: "the Circle" after "the Care Quality Circle", where no other name found ends so;
- in a contract written to its reader, "you" is the practitioner it binds;
- `roles:` in submission.yaml, which sets or corrects a role in one line.

A board named for another organisation (a parent company's, a health system's) is not the HMO's governing body: its
mentions lose the governing-body terms, and the report says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from auditor.document import Document
    from auditor.nlp import Vocabulary
    from auditor.passages import Passage


@dataclass
class Name:
    """One name the submission uses for a role (or for a thing it defines), and where that is shown."""

    name: str
    means: str  # what the name stands for: the full name, or the role's canonical name
    how: str  # how it was learned, in words
    role: str | None = None  # a role of roles.yaml, when the name is one
    passage: int | None = None  # the passage that shows it
    foreign: bool = False  # a governing body of another organisation: not the HMO's
    code: bool = False  # a register's code for one of its items ("I-7")


@functools.cache
def spec() -> dict:
    return yaml.safe_load(resources.files("auditor").joinpath("roles.yaml").read_text(encoding="utf-8"))


_WORD = r"[A-Z][\w&'’/.-]*"
_JOIN = r"(?:of|and|for|on|the|in|&|de)"
# A proper name: capitalised words, with small joining words inside ("Board of Trustees").
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|{_JOIN}\s+{_WORD}))*(?:,\s+(?:Inc|LLC|L\.L\.C|Corp|Ltd|P\.?A|PLLC)\b\.?)?"
_ACRONYM = re.compile(rf"(?P<full>{_NAME})\s*\((?P<acr>[A-Z][A-Za-z&/]{{1,9}}?)(?:s)?\)")
_QUOTED = re.compile(rf"(?P<full>{_NAME})\s*(?:,\s*|\(\s*)(?:the\s+|hereinafter\s+(?:the\s+)?|hereafter\s+(?:the\s+)?"
                     rf"|also\s+called\s+|called\s+|or\s+)?[\"“”']\s*(?P<alias>[^\"“”'.,;()]{{2,40}}?)[.,;]?[\"“”']")
_MORE_ALIASES = re.compile(r"\s*(?:,|or|and)\s+[\"“”']\s*([^\"“”'.,;()]{2,40}?)[.,;]?[\"“”']")
_PAREN_ALIAS = re.compile(rf"(?P<full>{_NAME})\s*\((?:the|hereinafter(?:\s+the)?|hereafter(?:\s+the)?)\s+"
                          rf"(?P<alias>{_WORD}(?:\s+{_WORD})?)\)")
_MEANS = re.compile(rf"^[\"“]?(?P<alias>(?:[Tt]he\s+)?{_NAME}|you|we|us)[\"”]?\s*(?:means|refers to|is defined as"
                    rf"|shall mean)\s+(?P<full>.{{3,160}})$")
_LEAD = re.compile(rf"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:[Tt]he\s+|[Oo]ur\s+|[Ii]ts\s+|{_WORD}['’]s\s+)?(?P<name>{_NAME})"
                   rf"(?:\s*\([^)]{{1,60}}\))?(?:\s*,\s*[^,]{{1,60}},)?\s*,?\s+"
                   rf"(?:also\s+|formally\s+|itself\s+|directly\s+)?(?P<rest>.+)$")
# "The work is overseen by our Quality and Care Experience Committee": the function said in the passive, its doer
# named after "by"
_PASSIVE = re.compile(rf"^(?P<subject>.{{0,80}}?)\s+(?:is|are)\s+(?:also\s+)?(?P<verb>overseen|run|directed|led|"
                      rf"governed|steered|guided|managed|coordinated)\s+by\s+(?:the\s+|our\s+|its\s+)?"
                      rf"(?P<name>{_NAME})")
# a subject that is the program by another word, when the sentence's words do not say which program
_BARE_SUBJECT = frozenset({"the", "this", "that", "our", "its", "all", "of", "work", "program", "programme",
                           "it"})
_COPULA = re.compile(r"^(?:is|are|serves as|acts as|functions as|operates as)\s+(?P<desc>.+)$")


def _initials_match(full: str, acronym: str) -> bool:
    """"Quality Improvement and Health Equity Committee" and "QIHEC": the acronym's letters are the words' initials,
    in order (joining words may or may not lend theirs)."""
    words = re.findall(r"[A-Za-z]+", full)
    while words and words[-1].lower() in ("inc", "llc", "corp", "ltd", "pa", "pllc", "co"):
        words.pop()  # "Fundy Coastal Health Holdings, Inc. (FCHH)"
    letters = acronym.upper().rstrip("S") if len(acronym) > 2 else acronym.upper()

    def fits(i: int, j: int) -> bool:
        if j == len(letters):
            return all(w.lower() in ("of", "and", "for", "on", "the", "in", "de") for w in words[i:])
        if i == len(words):
            return False
        word = words[i]
        if word[0].upper() == letters[j] and fits(i + 1, j + 1):
            return True
        # a word may lend two letters ("HEDIS", "QAPI" from "Quality Assessment and Performance Improvement")
        if len(word) > 1 and j + 1 < len(letters) and word[0].upper() == letters[j] and word[1:].upper().startswith(
                letters[j + 1]) and fits(i + 1, j + 2):
            return True
        return word.lower() in ("of", "and", "for", "on", "the", "in", "de") and fits(i + 1, j)

    return len(words) >= 2 and fits(0, 0)


def _trim(full: str) -> str:
    """The name itself, without a sentence's opening words before it ("The Board has delegated ... to the Quality
    Improvement Committee" -> the full name is what precedes the acronym, back to a lower-case word)."""
    return re.sub(r"^(?:The|Our|Its|A|An|This|That)\s+", "", full.strip())


_BODIES = {"committee", "council", "board", "team", "group", "department", "unit", "office", "panel", "subcommittee",
           "commission", "workgroup"}


def _antecedent(before: str, alias: str) -> str | None:
    """The name a quoted short form stands for: the nearest name before it that ends in the short form's word
    ('Casco Bay Health Plan, an HMO licensed in the State of Maine ("Plan")' -> Casco Bay Health Plan)."""
    word = alias.split()[-1].lower().rstrip("s")
    for m in reversed(list(re.finditer(_NAME, before))):
        name = _trim(m.group(0))
        if any(w.lower().rstrip("s,.") == word for w in name.split()):
            return name
    return None


def _head(name: str) -> str:
    words = name.rstrip(" .;:,!?)\"'”’").split()
    if " of " in f" {name} ":
        words = name.split(" of ")[0].split()
    return words[-1].lower().rstrip("s") if words else ""


def discover(passages: list[Passage], documents: list[Document], vocabulary: Vocabulary,
             role_terms: dict[str, list[str]], given: dict[str, list[str]] | None = None,
             hmo_name: str | None = None) -> list[Name]:
    """The submission's names for roles and defined things, in order of first appearance.

    `role_terms`: role -> the checklists' terms that are the role (qm_committee -> ["maine-ch109:qm_committee"]).
    `given`: names set in submission.yaml, role -> names."""
    from auditor.passages import _terms_of

    roles = spec()["roles"]
    found: dict[str, Name] = {}

    def add(name: Name) -> None:
        key = name.name
        if key and key not in found and len(key) <= 80:
            found[key] = name

    for role, names in (given or {}).items():
        for text in names:
            add(Name(name=text, means=roles[role]["canonical"], how="named in submission.yaml", role=role))

    term_role = {term: role for role, terms_ in role_terms.items() for term in terms_}

    # The program's own name first ("We call it the Improvement System"): the other roles are described by what
    # they do to the program ("The Council steers the Improvement System"), under whatever name it has.
    programs = _program_names(passages, roles["qm_program"], hmo_name) if "qm_program" in role_terms else []
    for n in programs:
        add(n)
    program_terms = (frozenset(_terms_of(roles["qm_program"]["canonical"], vocabulary)) | set(role_terms["qm_program"])
                     if programs else frozenset())
    program_said = (re.compile("|".join(rf"(?<![\w-]){re.escape(n.name)}(?![\w-])" for n in programs))
                    if programs else None)

    @functools.cache
    def terms(text: str) -> frozenset[str]:
        said = frozenset(_terms_of(text, vocabulary))
        return said | program_terms if program_said is not None and program_said.search(text) else said

    def role_of(text: str) -> str | None:
        """The role a full name is: the vocabulary's term for the role, where the name's last word can be the role
        ("Practitioner Advisory Council" says practitioners but is not practitioners)."""
        said = terms(text)
        head = _head(_trim(text))
        for t in sorted(said):
            role = term_role.get(t)
            if role is None:
                continue
            heads = {h.lower().rstrip("s") for h in roles[role].get("heads", [])}
            if not heads or head in heads:
                return role
        return None

    objects = {role: frozenset().union(*(terms(o) for o in r.get("objects", []))) for role, r in roles.items()}
    for i, p in enumerate(passages):
        text = p.text
        if "(" in text:
            for m in _ACRONYM.finditer(text):
                full = _trim(m.group("full"))
                acr = m.group("acr")
                # the full name is the last words before the parenthesis that the acronym's initials fit
                words = full.split()
                for start in range(len(words)):
                    candidate = " ".join(words[start:])
                    if _initials_match(candidate, acr):
                        add(Name(name=acr, means=candidate, how=f"defined as the acronym of \"{candidate}\"",
                                 role=role_of(candidate), passage=i))
                        break
            for m in _PAREN_ALIAS.finditer(text):
                add(Name(name=m.group("alias"), means=_trim(m.group("full")),
                         how=f"defined as the short name of \"{_trim(m.group('full'))}\"",
                         role=role_of(m.group("full")), passage=i))
        if any(q in text for q in "\"“”'"):
            for m in _QUOTED.finditer(text):
                alias = m.group("alias").strip()
                if alias[:1].isupper() or alias.lower().startswith(("our ", "the ")):
                    full = _antecedent(text[:m.end("full")], alias) or _trim(m.group("full"))
                    add(Name(name=alias, means=full, how=f"defined as the short name of \"{full}\"",
                             role=role_of(full), passage=i))
                    # more short names for the same thing: ("Northway" or "the Enterprise")
                    at = m.end()
                    while (more := _MORE_ALIASES.match(text, at)) is not None:
                        add(Name(name=more.group(1).strip(), means=full,
                                 how=f"defined as the short name of \"{full}\"", role=role_of(full), passage=i))
                        at = more.end()
        m = _MEANS.match(text)
        if m and p.kind == "sentence":
            alias = m.group("alias").strip()
            full = m.group("full").split(";")[0]
            if alias.lower() not in ("you", "we", "us") or documents[p.doc].kind == "contract_template":
                add(Name(name=alias, means=full, how=f"defined as \"{full[:80]}\"", role=role_of(full), passage=i))
        passive = _PASSIVE.match(text) if p.kind == "sentence" else None
        if passive:
            name = _trim(passive.group("name")).rstrip(".,;:")
            subject = passive.group("subject")
            # the QM committee only: a board is said to govern, and "led by the Director" names a person
            r = roles["qm_committee"]
            about = terms(subject) & objects["qm_committee"] or (
                {w.lower() for w in re.findall(r"[A-Za-z]+", subject)} <= _BARE_SUBJECT and "quality" in name.lower())
            if (_head(name) in {h.rstrip("s") for h in r["heads"]} and about
                    and role_of(name) in (None, "qm_committee")):
                add(Name(name=name, means=r["canonical"], how=f"described as {r['label']}: \"{text[:120]}\"",
                         role="qm_committee", passage=i))
        lead = _LEAD.match(text) if p.kind == "sentence" else None
        if lead:
            name, rest = lead.group("name"), lead.group("rest")
            role = _function_role(name, rest, p, roles, objects, terms, role_of)
            if role == "qm_program" and _head(name) not in {h.rstrip("s") for h in roles[role]["heads"]}:
                role = None  # "This Plan is the written quality program": the document, not a name for the program
            alias = found.get(name) or found.get(f"the {name}")
            if role is not None and alias is not None:
                # "The Committee directs the QMIP", where "the Committee" is defined as QIHEC: QIHEC is the role
                alias.role = alias.role or role
                target = found.get(alias.means)
                if target is not None and target.role is None:
                    target.role = role
                    target.how += f"; described as {roles[role]['label']}: \"{text[:100]}\""
            elif role is not None and role_of(name) != role and len(name.split()) > 1 or (
                    role == "governing_body" and role is not None and role_of(name) != role):
                add(Name(name=name, means=roles[role]["canonical"], how=f"described as {roles[role]['label']}: "
                         f"\"{text[:120]}\"", role=role, passage=i))
        if p.kind == "row" and " | " in text:
            _add_register_code(p, i, roles, add)
            _table_role(text, i, roles, role_of, add)
            _definition_row(text, i, roles, objects, terms, role_of, add, found)
        elif p.kind == "sentence" and (g := _GLOSSARY.match(text)) and g.group("name") not in _ASKING:
            # a glossary's item ('"QOC": the Quality Oversight Council, the Plan's quality committee.') defines its
            # term as a terms table's row does
            for term in filter(None, (g.group("name"), g.group("alt"))):
                _definition_row(f"{term} | {g.group('desc')}", i, roles, objects, terms, role_of, add, found)
    names = list(found.values())
    for n in names:  # an enterprise, national or parent body is not the HMO's own (its council, its board)
        body = n.role in ("qm_committee", "governing_body") or _head(n.means or n.name) in _BODIES
        if body and _PARENT_WORDS.search(f"{n.name} {n.means}"):
            n.foreign = True
            n.how += "; another organisation's body, not the HMO's"
    # An alias stands for what its full name stands for: "QIHEC" is the QM committee when the committee's full
    # name was found to be.
    by_name = {n.name: n for n in names}
    for n in names:
        if n.role is None and n.means in by_name and by_name[n.means].role:
            n.role = by_name[n.means].role
    if hmo_name:  # the plan's short name for itself: "the Company", "Plan"
        own = _words_of(hmo_name)
        for n in names:
            if n.role is None and n.means and _words_of(n.means) and _words_of(n.means) <= own:
                n.role = "hmo"
    # the rules' name the plan uses is shortened as its own names are ("the Council" after "Clinical Quality Council")
    rule_names = _rule_names(passages, documents, vocabulary, role_terms, {n.role for n in names if n.role})
    names += _short_forms(names + [n for n in rule_names if _head(n.name) in _BODIES], passages)
    names += _foreign_boards(passages, hmo_name, role_terms, {n.name: n.means for n in names})
    names += _entity_bodies(passages, names, hmo_name)
    names += rule_names
    return names


# A register's own code for its item, in the row's first cell: "I-7", "QoC-2", "PIP 3", "G-12".
_CODE = re.compile(r"[A-Z][A-Za-z]{0,5}[-‐ ]?\d{1,3}[a-z]?")


def _add_register_code(p: Passage, i: int, roles: dict, add) -> None:
    """A register of interventions, studies or guidelines names each item by a code ("I-7 | Level 1 letters to
    practitioners ... | 2024-10-07"). A later mention ("I-7 began October 7") is that intervention, as a defined
    name would be."""
    if p.register is not None:
        code, role, said = p.register
        r = roles[role]
        add(Name(name=code, means=r["canonical"], how=f"a code in a register of {r['label']}: \"{said[:80]}\"",
                 role=role, passage=i, code=True))


_QUESTION_HEADER = re.compile(r"^(?:questions?|answers?|responses?|yes\s*/\s*no)$", re.IGNORECASE)


def register_code(row: str, header: tuple[str, ...], section: tuple[str, ...]) -> tuple[str, str, str] | None:
    """(code, role, what says so) for a register's row: a code in its first cell, alone or before the item's title
    ("IP-1 Asthma controllers"), in a table whose first header cells or heading call its items interventions,
    studies or guidelines ("Ref | Intervention | ...", "3. Interventions: who started them"). None for a code in
    a table of other things ("A-12" among planned activities, "C-3" among issues carried forward)."""
    first = row.split(" | ", 1)[0].strip()
    code = first.split(" ", 1)[0] if _CODE.fullmatch(first.split(" ", 1)[0]) else first
    if not _CODE.fullmatch(code):
        return None
    cells = row.split(" | ")
    if any(c.strip().endswith("?") for c in cells[1:3]) or any(_QUESTION_HEADER.match(h.strip()) for h in header):
        return None  # a questionnaire's items are questions about guidelines or studies, not the things themselves
    # the header over the code, and over the next cell unless that cell is another code: "No. | Project | Action
    # step" over "A-1 | IP-1 | ..." lists action steps, each for a project
    named_by = [*header[:1], *(h for h, cell in zip(header[1:2], cells[1:2], strict=False)
                               if not _CODE.fullmatch(cell.strip()))]
    roles = spec()["roles"]
    for said in (*named_by, *section[-1:]):
        words = {re.sub(r"ies$", "y", w.lower()).removesuffix("s") for w in re.findall(r"[A-Za-z]+", said)}
        named = [role for role in ("intervention", "study", "guideline")
                 if words & {h.lower() for h in roles[role].get("registers", [])}]
        if len(named) == 1:
            return code, named[0], said
    return None


# A terms table's common noun: "Improvement project", "Action step" (a capital only for the cell's first word).
_TERM = re.compile(r"[A-Z][a-z'’-]+(?:\s+[a-z][a-z'’-]*){1,4}")

# A description cell that names what the row's body is: "The Plan's quality management committee", "Our board".
_DESCRIBED = re.compile(r"^(?:the|our|its)\s+(?:(?:Plan|HMO|Company|Organization|Organisation)['’]s\s+)?"
                        r"(?P<desc>[^.;:]{3,60})", re.IGNORECASE)


def _table_role(text: str, i: int, roles: dict, role_of, add) -> None:
    """A table of the plan's bodies, one per row ("Clinical Excellence Council | CEC | The Plan's quality management
    committee. Charter in SOP QM-120."): the body in the first cell is the role its description cell names."""
    cells = [c.strip() for c in text.split(" | ")]
    name = _trim(cells[0])
    if _head(name) not in _BODIES or len(name.split()) < 2 or not re.fullmatch(_NAME, name):
        return
    for cell in cells[1:]:
        m = _DESCRIBED.match(cell)
        if m is None or len(m.group("desc").split()) > 6:
            continue
        role = role_of(m.group("desc"))
        if role is not None and role != "hmo" and role_of(name) != role:
            r = roles[role]
            add(Name(name=name, means=r["canonical"], how=f"described as {r['label']}: \"{text[:120]}\"", role=role,
                     passage=i))
            # its short name in a cell of its own ("| CEC |"), as the row defines it
            for short in cells[1:]:
                if re.fullmatch(r"[A-Z][A-Za-z&/]{1,9}", short) and _initials_match(name, short):
                    add(Name(name=short, means=name, how=f"defined as the acronym of \"{name}\"", role=role,
                             passage=i))
            return


# A glossary's item: '"NTHH": Northern Tier Health Holdings, LLC, ...', '- QOC: the Quality Oversight Council, ...',
# '"the Plan" or "RLHP": ...'.
_GLOSSARY = re.compile(r"^[\"“]?(?P<name>(?:[Tt]he\s+)?[A-Z][\w&'’/.-]*(?:\s+[\w&'’/.-]+){0,5}?)[\"”]?"
                       r"(?:\s+or\s+[\"“](?P<alt>[^\"”:]{2,30})[\"”])?\s*:\s+(?P<desc>(?:the|our|its|a|an|[A-Z])"
                       r"[^:]{3,200})$")


# A fact sheet's labels that ask rather than name: "What: the Plan's QM committee." defines no "What".
_ASKING = frozenset({"What", "Who", "When", "Where", "Why", "How", "Which"})


# "We call it the Improvement System", "known as the Care Compass": a name given to what the sentence describes.
_CALLED = re.compile(rf"(?:\b[Ww]e\s+call\s+(?:it|this|them)|\b(?:is|are)\s+(?:known|referred\s+to)\s+as|"
                     rf"\b(?:is|are)\s+called)\s+(?:the\s+|our\s+)?[\"“]?(?P<name>{_NAME})")
_QUALITY_WORK = re.compile(r"\b(?:quality|improv\w*|care|service|services|outcomes?)\b", re.IGNORECASE)
_PROGRAM_WORD = re.compile(r"\b(?:program|programme|system|framework|approach)\b", re.IGNORECASE)


def _program_names(passages: list[Passage], spec_: dict, hmo_name: str | None) -> list[Name]:
    """The plan's own name for its quality program: a name it gives ("We call it the Improvement System") to a
    program of quality work it describes, or a terms table's row ("Improvement System | The Plan's whole program for
    monitoring and improving care and service")."""
    heads = {h.rstrip("s") for h in spec_["heads"]}
    own = _words_of(hmo_name or "")
    out: dict[str, Name] = {}

    def take(name: str, i: int, how: str) -> None:
        name = _trim(name).rstrip(".,;:")
        if (_head(name) in heads and 2 <= len(name.split()) <= 5 and name not in out
                and not (own and _words_of(name) <= own)):
            out[name] = Name(name=name, means=spec_["canonical"], how=how, role="qm_program", passage=i)

    previous = ""
    for i, p in enumerate(passages):
        text = p.text
        if p.kind == "sentence" and (m := _CALLED.search(text)):
            if _QUALITY_WORK.search(text[:m.start()] or previous):
                take(m.group("name"), i, f"named as {spec_['label']}: \"{text[:120]}\"")
        elif p.kind == "row" and text.count(" | ") == 1:
            name, desc = (re.sub(r"\s*\([^)]*\)\s*$", "", c.strip()) if k == 0 else c.strip()
                          for k, c in enumerate(text.split(" | ")))
            if (re.fullmatch(_NAME, name) and _PROGRAM_WORD.search(desc) and _QUALITY_WORK.search(desc)
                    and re.match(r"(?:the|our|its|a|an)\b", desc, re.IGNORECASE)):
                take(name, i, f"defined as {spec_['label']}: \"{text[:120]}\"")
        if p.kind == "sentence":
            previous = text
    return list(out.values())


def _definition_row(text: str, i: int, roles: dict, objects: dict, terms, role_of, add, found: dict) -> None:
    """A terms table's row defines its first cell by the second: an acronym by the name it opens with ("CQIO | The
    Chief Quality & Improvement Officer, the physician who leads the program"), and a name by what it does ("Care
    Council (the Council) | The standing body that steers the program"), read with the name's own head word."""
    cells = [c.strip() for c in text.split(" | ")]
    if len(cells) != 2 or not cells[1]:
        return  # a terms table has a term and its meaning; wider tables' rows are records, read elsewhere
    first = re.sub(r"\s*\([^)]*\)\s*$", "", cells[0])
    desc = cells[1]
    full = first

    def described(role: str, how: str) -> None:
        """The name is the role, and so is the term or acronym already found for it."""
        for key in (first, full):
            if key in found and found[key].role is None:
                found[key].role = role
                found[key].how += f"; {how}"
        add(Name(name=full, means=roles[role]["canonical"], how=how, role=role, passage=i))
    if re.fullmatch(r"[A-Z][A-Za-z&/]{1,9}", first) and sum(ch.isupper() for ch in first) >= 2:
        m = re.match(rf"(?:[Tt]he\s+|[Oo]ur\s+)?(?P<full>{_NAME})", desc)
        if m is None or not _initials_match(m.group("full"), first):
            return
        full = _trim(m.group("full")).rstrip(".")
        add(Name(name=first, means=full, how=f"defined as the acronym of \"{full}\"", role=role_of(full), passage=i))
    elif not (re.fullmatch(_NAME, first) or _TERM.fullmatch(first)) or len(first.split()) > 6:
        return
    elif _TERM.fullmatch(first) and (acronym := re.search(r"\(([A-Z]{2,6})\)\s*$", cells[0])) \
            and _initials_match(first.title(), acronym.group(1)):
        # a common noun's short form: "Improvement project (IP)"
        add(Name(name=acronym.group(1), means=first, how=f"defined as the acronym of \"{first}\"", role=role_of(first),
                 passage=i))
    if role_of(full) is not None:
        return
    # what the description says it is, set off by commas: "the Quality Oversight Council, the Plan's quality
    # committee" (the role's own name, with its head word)
    for part in desc.split(",")[1:] if full != first else desc.split(","):
        said = _DESCRIBED.match(part.strip())
        ok = said and len(said.group("desc").split()) <= 6 and not re.search(r"\b(?:that|who|which|whose)\b",
                                                                             said.group("desc"))
        role = role_of(said.group("desc")) if ok else None
        if role is not None and role != "hmo":
            described(role, f"described as {roles[role]['label']}: \"{text[:120]}\"")
            return
    head = _head(full)
    # what the description says it is, in its opening words ("Care Standards | The clinical practice guidelines the
    # Plan adopts"), where the name's own head word fits that role
    words = re.sub(r"^(?:the|our|its|a|an)\s+", "", desc, flags=re.IGNORECASE).split()
    for n in range(min(len(words), 6), 0, -1):
        role = role_of(" ".join(words[:n]).rstrip(".,;:"))
        heads = {h.lower().rstrip("s") for h in roles[role].get("heads", [])} if role else set()
        if role is not None and role != "hmo" and head in heads:
            described(role, f"defined as {roles[role]['label']}: \"{text[:120]}\"")
            return
    clause = re.split(r"\b(?:that|who|which)\s+", desc, maxsplit=1)
    if len(clause) < 2:
        return
    for part in re.split(r"\s+and\s+", clause[1]):
        for role, r in roles.items():
            if "functions" not in r or head not in {h.rstrip("s") for h in r["heads"]}:
                continue
            if r.get("qualifiers") and not any(q in full.lower() for q in r["qualifiers"]):
                continue
            verbs = sorted(r["functions"], key=len, reverse=True)
            if any(re.match(rf"{re.escape(v)}\b", part) for v in verbs) and terms(part) & objects[role]:
                described(role, f"described as {r['label']}: \"{text[:120]}\"")
                return


def _rule_names(passages: list[Passage], documents: list[Document], vocabulary: Vocabulary,
                role_terms: dict[str, list[str]], named: set[str]) -> list[Name]:
    """For a role the plan gives no name of its own, the name it uses that the rules' vocabulary knows, at its first
    mention in the program's own description (else anywhere): so the report shows how every role was read."""
    from auditor.nlp import process

    out = []
    order = sorted(range(len(passages)), key=lambda i: (documents[passages[i].doc].kind != "qmp_description", i))
    for role, terms in role_terms.items():
        if role in named or role not in ("qm_committee", "governing_body", "physician_leader", "quality_unit"):
            continue
        wanted = set(terms)
        hit = next((i for i in order if wanted & passages[i].asserted and passages[i].kind != "heading"), None)
        if hit is None:
            continue
        text = passages[hit].text
        doc = next(iter(process([text])))
        spans = [(s, e) for name, s, e in vocabulary.match(doc) if name in wanted]
        if spans:
            s, e = min(spans)
            out.append(Name(name=doc[s:e].text, means=doc[s:e].text, how="named as the rules name it", role=role,
                            passage=hit))
    return out


def _function_role(name: str, rest: str, passage: Passage, roles: dict, objects: dict, terms, role_of) -> str | None:
    """The role a sentence gives the name that opens it: by its head word and what it does, or by what it is."""
    head = _head(name)
    copula = _COPULA.match(rest)
    if copula and not re.match(r"(?:our|the|its|a|an|this|[A-Z][\w'’]*['’]s)\b", copula.group("desc")):
        return None  # "X is run by its Board": X is not described, something else is
    if copula:
        desc = copula.group("desc")
        said = role_of(desc.split(",")[0][:100])
        if said is not None:
            return said
        rest = desc
        head = _head(re.sub(r"^(?:our|the|its|a|an)\s+", "", desc, flags=re.I).split(" that ")[0].split(" who ")[0]
                     .split(" which ")[0]) or head
        rest = re.split(r"\b(?:that|who|which)\s+", rest, maxsplit=1)[-1]
    for role, r in roles.items():
        if "functions" not in r or head not in {h.rstrip("s") for h in r["heads"]}:
            continue
        if r.get("qualifiers") and not any(q in name.lower() for q in r["qualifiers"]):
            continue
        verbs = sorted(r["functions"], key=len, reverse=True)
        if not any(re.match(rf"(?:also\s+)?{re.escape(v)}\b", rest) for v in verbs):
            continue
        if terms(rest) & objects[role]:
            return role
    return None


_SHARED_HEADS = frozenset({"Committee", "Board", "Department", "Office", "Bureau", "Division", "System"})


def _short_forms(names: list[Name], passages: list[Passage]) -> list[Name]:
    """"the Circle" for "the Care Quality Circle": the head word of a role's name, capitalised after "the", where
    no other name found has that head."""
    by_head: dict[str, list[Name]] = {}
    for n in names:
        if n.role and len(n.name.split()) >= 2 and n.name[:1].isupper():
            word = n.name.split(" of ")[0].split()[-1]
            by_head.setdefault(word, []).append(n)
    out = []
    for word, owners in sorted(by_head.items()):
        # "the Department", "the Office" in a submission are as often the regulator as the plan's own unit
        if len({o.name for o in owners}) == 1 and word not in _SHARED_HEADS and word[:1].isupper():
            owner = owners[0]
            out.append(Name(name=f"the {word}", means=owner.means, how=f"the short form of \"{owner.name}\"",
                            role=owner.role, passage=owner.passage))
            out.append(Name(name=f"The {word}", means=owner.means, how=f"the short form of \"{owner.name}\"",
                            role=owner.role, passage=owner.passage))
    return out


_BOARD = re.compile(r"\b(Board of (?:Directors|Trustees|Managers|Governors)|Board)\b")
_ORG_SUFFIX = re.compile(r"\b(Inc\.?|LLC|Corp\.?|Corporation|Group|System|Holdings|Enterprise|Network|Partners|"
                         r"Foundation|Healthcare)\b")
_PARENT_WORDS = re.compile(r"\b(?:[Pp]arent|Enterprise|[Cc]orporate|National|System)\b")
_SELF = {"plan", "company", "hmo", "our", "its", "the", "this", "organization", "organisation"}
_FILLER = {"inc", "of", "the", "llc", "corp", "a", "an"}


def _words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)} - _FILLER


def _foreign_boards(passages: list[Passage], hmo_name: str | None, role_terms: dict[str, list[str]],
                    aliases: dict[str, str]) -> list[Name]:
    """Boards named for another organisation: "the Board of Directors of Northway Health Group, Inc.", "Ledgewood
    Health System Board of Trustees", "the Enterprise Board". They are not the HMO's governing body."""
    board_terms = set(role_terms.get("governing_body", ()))
    if not board_terms:
        return []
    own = _words_of(hmo_name or "")
    out: list[Name] = []
    seen: set[str] = set()
    for i, p in enumerate(passages):
        if board_terms.isdisjoint(p.terms) or "Board" not in p.text:
            continue
        for m in _BOARD.finditer(p.text):
            before, after = p.text[:m.start()], p.text[m.end():]
            owner, name = None, None
            of = re.match(rf"\s+of\s+(?:the\s+)?({_NAME})", after) if m.group(1) != "Board" else None
            comma = re.match(rf",\s+(?:of\s+)?({_NAME})", after)  # "Board of Directors, Osprey Point Holdings, LLC"
            if of:
                owner, name = of.group(1), f"{m.group(1)} of {of.group(1)}"
            elif comma and _ORG_SUFFIX.search(comma.group(1)):
                owner, name = comma.group(1), f"{m.group(1)}, {comma.group(1)}"
            else:
                q = re.search(r"((?:[A-Z][\w&'’.-]*\s+){1,5})$", before)
                if q:
                    owner = re.sub(r"^(?:The|Our|Its)\s+", "", q.group(1).strip()).removesuffix("'s").removesuffix("’s")
                    name = f"{owner} {m.group(1)}"
            if not owner or _words_of(owner) <= _SELF:
                continue
            owner = aliases.get(owner, owner)  # "FCHH" -> "Fundy Coast Health Holdings"
            words = _words_of(owner)
            parent = bool(_PARENT_WORDS.search(owner))
            mine = bool(own) and words <= own | _SELF | {"maine"}
            if (parent or (own and _ORG_SUFFIX.search(owner))) and not mine and name not in seen:
                seen.add(name)
                out.append(Name(name=name, means="", how="the board of another organisation, not the HMO's "
                                "governing body", role="governing_body", passage=i, foreign=True))
    return out


_BODY_WORDS = (r"(?:(?:Committee|Council|Subcommittee|Board(?:\s+of\s+(?:Directors|Managers|Trustees|Governors))?|"
               r"Panel|Team)(?:['’]s)?(?:\s+(?:[Cc]hair(?:person|man)?|minutes|members?))?|[Cc]hair(?:person|man)?|"
               r"Medical\s+Director)")  # its chair and its minutes are that body's too


def _entity_bodies(passages: list[Passage], names: list[Name], hmo_name: str | None) -> list[Name]:
    """Bodies named for another organisation the submission defines (a delegate, a vendor, a medical group):
    "the Alliance Quality Committee", "Baymark Board of Managers" are that organisation's, not the HMO's QM
    committee or governing body, whatever their words."""
    own = _words_of(hmo_name or "")
    if not own:
        return []
    shorts: set[str] = set()
    for n in names:
        if n.role is None and n.means and _ORG_SUFFIX.search(n.means) and not _words_of(n.means) <= own | _SELF:
            for short in (re.sub(r"^(?:the|The)\s+", "", n.name), n.means.split()[0]):
                if short[:1].isupper() and short.lower() not in own | _SELF and len(short) > 2:
                    shorts.add(short)
    if not shorts:
        return []
    body = re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in sorted(shorts, key=len, reverse=True))})(?:['’]s)?"
                      rf"\s+((?:[A-Z][\w&'’-]*\s+){{0,4}}?{_BODY_WORDS})\b")
    out: list[Name] = []
    seen = {n.name for n in names}
    for i, p in enumerate(passages):
        for m in body.finditer(p.text):
            name = m.group(0)
            if name not in seen:
                seen.add(name)
                out.append(Name(name=name, means="", how="a body of another organisation the submission names, "
                                "not the HMO's", passage=i, foreign=True))
    return out


# A proper name of a few capitalised words ("Quality Steering Council", "Practitioner Advisory Panel").
_PROPER_NAME = re.compile(r"^(?:[A-Z][\w&'-]*\s+(?:(?:of|and|for|&)\s+)?){1,6}[A-Z][\w'-]*$")


def apply(passages: list[Passage], names: list[Name], vocabulary: Vocabulary, documents: list[Document]) -> None:
    """Every mention of a name says what the name stands for; a foreign board's mentions stop saying
    "governing body"."""
    from auditor.passages import _terms_of

    roles = spec()["roles"]
    plain = [n for n in names if not n.foreign and n.means]
    if plain:
        stands: dict[str, frozenset[str]] = {}
        for n in plain:
            meaning = _terms_of(n.means, vocabulary)
            if n.role:
                meaning |= _terms_of(roles[n.role]["canonical"], vocabulary)
            stands[n.name] = frozenset(meaning)
        for n in plain:
            # the full name a short name or an acronym is defined for is the plan's name for the role as well:
            # "Quality Steering Council ("the Council")" names the QM committee in both forms
            if n.role and n.means != roles[n.role]["canonical"] and _PROPER_NAME.match(n.means):
                stands.setdefault(n.means, stands[n.name])
        for n in list(stands):
            if n.split()[0] in ("our", "the"):  # "our Trustees" also opens a sentence
                stands.setdefault(n[0].upper() + n[1:], stands[n])
        pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(name)}(?![\w-])"
                                      for name in sorted(stands, key=lambda name: -len(name))))
        # A register's code titling a write-up ("## S-2: Asthma in adults") names the item its row lists, and what the
        # row says of it (its status) holds there: the title is not another item.
        codes = {n.name for n in plain if n.code}
        mentions: dict[str, list[tuple[str, int, int]]] = {}  # a text's names, found once per text
        for p in passages:
            if p.text not in mentions:
                mentions[p.text] = [(m.group(0), m.start(), m.end()) for m in pattern.finditer(p.text)]
            for name, start, end in mentions[p.text]:
                if p.kind != "heading" or name not in codes:
                    _say(p, stands.get(name, frozenset()), p.kinds_at(start, end))
                if p.register is not None and name == p.register[0]:
                    # the row's own code says what the row is an item of ("SP-1 ..." in a register of studies), as
                    # a table's header would
                    p.context_terms |= stands.get(name, frozenset())
    second = spec().get("second_person", {})
    if second:
        you = re.compile(r"\b(?:[Yy]ou|[Yy]our)\b")
        meaning = frozenset(_terms_of(second["you"], vocabulary))
        for p in passages:
            if documents[p.doc].kind == "contract_template" and you.search(p.text):
                for m in you.finditer(p.text):
                    _say(p, meaning, p.kinds_at(m.start(), m.end()))
    foreign = [n for n in names if n.foreign]
    if foreign:
        pattern = re.compile("|".join(re.escape(n.name) for n in sorted(foreign, key=lambda n: -len(n.name))))
        for p in passages:
            if pattern.search(p.text):
                keep = _terms_of(pattern.sub(" ", p.text), vocabulary)
                for term in [t for t in p.terms if t not in keep]:
                    p.terms.discard(term)
                    p.asserted.discard(term)
                    p.kinds.pop(term, None)


def _say(p: Passage, meaning: frozenset[str], kinds: frozenset[str]) -> None:
    """A mention in passage p says these terms, as practice unless a cue reaches it."""
    for term in meaning:
        p.terms.add(term)
        if not kinds and not p.statement:
            p.asserted.add(term)
            p.kinds.pop(term, None)
        elif term not in p.asserted:
            p.kinds[term] = p.kinds.get(term, frozenset()) | (kinds or {p.statement})


# A committee of the board, or one acting for it, is the governing body's designee (10-144 CMR 109 §1.02-11).
_DESIGNEE = re.compile(r"\bBoard(?:['’]s)?\s+(?:of\s+(?:Directors|Trustees|Managers)['’]?s?\s+)?"
                       r"(?:[A-Z][\w&-]*\s+){0,3}"
                       r"Committee\b|\bCommittee\s+of\s+the\s+Board\b|\bacting\s+(?:for|on\s+behalf\s+of)\s+"
                       r"the\s+Board\b")


def agent_reader(names: list[Name], vocabulary: Vocabulary, role_terms: dict[str, list[str]]):
    """A function naming the role a piece of text says first (or, with last=True, last): "the Board of Directors"
    -> governing_body, "the QIC" -> qm_committee, a board committee -> governing_body (its designee), another
    organisation's board -> foreign; None when it names no role."""
    from auditor.nlp import process

    term_role = {term: role for role, terms in role_terms.items() for term in terms}
    foreign = [n.name for n in names if n.foreign]
    known = [n for n in names if not n.foreign and n.role]
    order = {"governing_body": 0, "qm_committee": 1, "physician_leader": 2, "quality_unit": 3}
    cache: dict[tuple[str, bool], str | None] = {}

    def agent_of(text: str, last: bool = False) -> str | None:
        if (text, last) in cache:
            return cache[(text, last)]
        found: list[tuple[int, int, str]] = []  # (character, rank, role)
        covered: list[tuple[int, int]] = []  # a foreign board or a designee: the words inside are not other roles
        for f in foreign:
            core = re.sub(r",?\s+(?:Inc|LLC|Corp|Ltd)\.?$", "", f)  # "... Group, Inc." is also "... Group"
            at = text.find(core)
            if at >= 0:
                found.append((at, -1, "foreign"))
                covered.append((at, at + len(core)))
        for m in _DESIGNEE.finditer(text):
            # a committee of another organisation's board is that organisation's
            theirs = any(a < m.end() and z > m.start() for a, z in covered)
            found.append((m.start(), -1, "foreign" if theirs else "governing_body"))
            covered.append((m.start(), m.end()))
        def inside(at: int) -> bool:
            return any(a < at < z for a, z in covered)

        for n in known:
            name = n.name
            flags = re.IGNORECASE if name.split()[0] in ("our", "the") else 0
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
                if not inside(m.start()):
                    found.append((m.start(), order.get(n.role, 9), n.role))
        doc = next(iter(process([text])))
        for name, start, _end in vocabulary.match(doc):
            role = term_role.get(name)
            if role in order and not inside(doc[start].idx):
                found.append((doc[start].idx, order[role], role))
        if not found:
            result = None
        else:
            # the first (or last) mention; among mentions at one place, the foreign board and the designee first
            found.sort(key=lambda f: (-f[0] if last else f[0], f[1]))
            result = found[0][2]
        cache[(text, last)] = result
        return result

    return agent_of


# A section of a family's shared document that binds each member plan: "3. Program Scope - Applies to all
# affiliated health plans", "applies to Northway Health Plan of Maine".
_APPLIES = re.compile(r"\bappl(?:y|ies)\s+to\s+(?:all|each|every|the)?\s*(?:affiliat|member\s+plans?|health\s+plans?|"
                      r"plans?\b|subsidiar)", re.IGNORECASE)
_UMBRELLA = re.compile(r"\b(?:written\s+for|applies\s+to|covers)\s+(?:all|each|every)\s+(?:of\s+(?:the|its)\s+)?"
                       r"(?:affiliated|affiliate|member|subsidiary|regional|state)\s+(?:health\s+)?(?:plans?|"
                       r"affiliates?|companies)|\ball\s+affiliated\s+health\s+plans\b", re.IGNORECASE)
_DOCUMENT_AFTER = re.compile(r"\s+(?:PD|Program\s+Description|policy|policies|section|sections|standards?|guidelines?|"
                             r"documents?|requirements?|template|addendum)\b", re.IGNORECASE)


def mark_foreign(passages: list[Passage], documents: list[Document], names: list[Name], hmo_name: str | None) -> None:
    """Another organisation's own practice is not the HMO's evidence. A sentence whose actor is a parent company's
    body or the parent itself ("The Enterprise produces profiles", "For national QIAs, the EQC reviews ...") is the
    parent's; and in a document shared by a family of plans that marks the sections binding its members ("Applies
    to all affiliated health plans"), the unmarked sections are the parent's too, as it says."""
    own = _words_of(hmo_name or "")
    bodies = [n.name for n in names if n.foreign]
    entities = [n.name for n in names if n.role is None and n.means and _ORG_SUFFIX.search(n.means)
                and own and not _words_of(n.means) <= own | _SELF]
    subject = None
    if bodies or entities:
        words = sorted(set(bodies + entities), key=len, reverse=True)
        subject = re.compile(r"^\s*(?:[\d.]+\s+)?(?:For\s+[^,]{1,60},\s+)?(?:The\s+|the\s+)?(?:"
                             + "|".join(re.escape(re.sub(r"^(?:the|The)\s+", "", w)) for w in words) + r")\b")
    # "Education about quality activities is provided by the Alliance": the doer is the other organisation, unless
    # the sentence names the HMO's own body too ("... under the policy the QOC approved").
    agent = None
    shorts = sorted({re.sub(r"^(?:the|The)\s+", "", w) for w in entities}, key=len, reverse=True)
    if shorts:
        agent = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+\s+){0,2}?\w+(?:ed|en|wn|ne|t)\s+(?:out\s+)?(?:\w+\s+){0,3}?"
                           r"by\s+(?:the\s+)?(?:" + "|".join(re.escape(w) for w in shorts) + r")\b(?!\s+[A-Z])")
    own_names = [n.name for n in names if n.role and not n.foreign and n.role != "hmo" and n.name]
    own_mention = re.compile("|".join(rf"(?<![\w-]){re.escape(w)}(?![\w-])" for w in own_names)) if own_names else None
    umbrella: dict[int, bool] = {}
    for d, doc in enumerate(documents):
        if doc.error:
            continue
        opening = " ".join(p.text for p in passages if p.doc == d)[:3000]
        shared = bool(_UMBRELLA.search(opening)) and not re.search(r"\baddendum\b", doc.title or "", re.I)
        marked = shared and any(p.kind == "heading" and _APPLIES.search(p.text) for p in passages if p.doc == d)
        umbrella[d] = marked
    for p in passages:
        foreign = False
        if umbrella.get(p.doc) and p.section:
            path = [*p.section, p.text] if p.kind == "heading" else list(p.section)
            foreign = len(path) > 1 and not any(_APPLIES.search(h) for h in path[1:])  # the title binds nobody
        if not foreign and p.kind in ("sentence", "row") and subject is not None:
            match = subject.match(p.text)
            # "the Enterprise produces ..." acts; "Enterprise PD Section 8 applies ..." names a document
            foreign = bool(match) and not _DOCUMENT_AFTER.match(p.text[match.end():])
        if not foreign and p.kind == "sentence" and agent is not None and agent.search(p.text):
            foreign = own_mention is None or not own_mention.search(p.text)
        if foreign and not p.statement:
            p.say_only_as("foreign")
