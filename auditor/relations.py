"""Approvals as relations: what was approved, by whom, when, and whether it was approved at all.

"Approved by the governing body" is one relation, not three words near each other. Read once per submission from
every passage with an approving verb (approve, adopt, ratify, endorse, sign off):

- the agent: a "by ..." phrase after the verb ("reviewed and approved by the Board of Directors"), a label
  ("Approved: Board of Trustees, 1/14/2025"), the subject before the verb ("The Board approves ..."), or, in
  minutes, the body whose meeting they record;
- the object: the document named in the clause ("the 2025 QI Work Plan"), or the document the passage is in when it
  says "this ..." or is a label line at its head;
- the date written with it;
- its standing: approved; only received or presented ("for information"); put forward for approval but not yet
  approved; or said in a way that is not practice (a plan, a placeholder, a negation: auditor.statements).

A check of type `approval` then asks for a relation of a kind of document, by a role (auditor/checks/approval.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from auditor.dates import find_dates

if TYPE_CHECKING:
    from auditor.document import Document
    from auditor.passages import Passage

_APPROVE = re.compile(r"\b(?:re-?)?(?:approv(?:e|es|ed|al|ing)|adopt(?:s|ed|ion|ing)?|ratif(?:y|ies|ied|ication)|"
                      r"endors(?:e|es|ed|ement)|sign(?:s|ed)?[- ]off(?: on)?|accept(?:s|ed)?)\b", re.IGNORECASE)
_RECEIVE = re.compile(r"\b(?:receiv(?:e|es|ed|ing)|(?:is|are|was|were)\s+(?:presented|submitted|forwarded|sent|"
                      r"provided|shared|reported|distributed)\s+to|presents?\s+(?:it\s+)?to|forwards?\s+(?:it\s+)?to|"
                      r"reports?\s+(?:it\s+)?to|submits?\s+(?:it\s+)?to|sends?\s+(?:it\s+)?to|shares?\s+(?:it\s+)?with|"
                      r"for\s+(?:its\s+|their\s+)?information|for\s+informational\s+purposes|for\s+awareness|"
                      r"informational\s+only|noted)\b", re.IGNORECASE)
# Receipts where the recipient follows ("sends it to the Board"), not precedes ("the Board receives").
_SENT_TO = re.compile(r"\b(?:presented|submitted|forwarded|sent|provided|shared|reported|distributed|presents?|"
                      r"forwards?|reports?|submits?|sends?|shares?)\s+(?:it\s+|them\s+)?(?:to|with)\s+", re.IGNORECASE)
_INFO_ONLY = re.compile(r"\bfor\s+(?:its\s+|their\s+|the\s+board'?s\s+)?(?:information|awareness|review only)|"
                        r"for\s+informational\s+purposes|informational(?:\s+only)?|as\s+information|\bFYI\b|"
                        r"\bnoted\b|\breceived\b|\breceives\b", re.IGNORECASE)
_PENDING = re.compile(r"\bfor\s+(?:its\s+|their\s+|final\s+|formal\s+)?(?:approval|adoption|ratification)\b|"
                      r"\bfor\s+(?:the\s+)?[^,;.]{2,60}?\s+to\s+(?:approve|adopt|ratify|endorse)\b|"
                      r"\brecommend(?:s|ed)?\s+(?:\w+\s+){0,3}approval\b|"
                      r"\bpending\b|\bawaiting\b|\bto\s+be\s+(?:approved|adopted|ratified)\b|"
                      r"\bwill\s+be\s+(?:presented|submitted|approved|adopted)\b|\bnot\s+yet\s+(?:been\s+)?approved\b|"
                      r"\b(?:scheduled|slated|planned|set)\s+for\b|\bon\s+the\s+(?:\w+\s+){0,2}agenda\b",
                      re.IGNORECASE)
_PREPARED = re.compile(r"\b(?:prepared|drafted|written|compiled|authored|submitted)\s+by\b", re.IGNORECASE)
_BY = re.compile(r"^\s*(?:(?:annually|each year|every year|yearly|on\s+[^,;]{1,30}|in\s+\w+\s+\d{4})\s+)?by\s+"
                 r"(?:the\s+|its\s+|our\s+)?(?P<agent>[^,;.|()·•]{2,120})", re.IGNORECASE)
# Where an agent's name ends: a date, a separator, a new clause.
_AGENT_END = re.compile(r"\s(?:on|at|in|during|for|with|to|after|before|and then|and sent|and forwarded|"
                        r"and reported)\s|"
                        r"\s[-–]\s|[·•|;,]|\d{1,2}/\d|\b(?:January|February|March|April|May|June|July|August|"
                        r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|"
                        r"\b(?:19|20)\d\d\b")
_PRONOUN = re.compile(r"^\s*(?:It|They|This body|The body|This group|Which)\b")
_LABEL = re.compile(r"^\s*(?:date\s+)?(?:re-?)?(?:approved|approval|adopted|ratified|endorsed)(?:\s+(?:by|date|on))?"
                    r"\s*[:|\-–]\s*(?P<agent>[^|;]{2,160})", re.IGNORECASE)
_THIS = re.compile(r"\b(?:this|the\s+attached|the\s+enclosed)\s+(?:[\w-]+\s+){0,2}(?:document|description|plan|program|"
                   r"evaluation|report|work\s*plan|charter|policy|manual|addendum|booklet|handbook|guide|summary|"
                   r"review|year in review)\b", re.IGNORECASE)
# A section that records the document's own approval: "Approval", "Sign-off", "Signatures".
_APPROVAL_SECTION = re.compile(r"\b(?:approvals?|sign-?offs?|signatures?|attestation|adoption|authori[sz]ation)\b",
                               re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;|]|\.\s|,\s+(?:and|but|which|while|then)\b|\s+and\s+(?:then\s+)?(?:is|are|was|were)\b")


@dataclass
class Relation:
    passage: int
    action: str  # approve, receive
    object_kinds: tuple[str, ...]  # DocumentKinds: work_plan, qmp_description, annual_evaluation, ...
    object_text: str
    agent_role: str | None  # governing_body, qm_committee, foreign (another organisation's board), other
    agent_text: str
    date: str | None
    status: str  # approved, received, pending, or a statement kind (plan, negated, placeholder, ...)

    def describe(self) -> str:
        what = self.object_text or (" and ".join(self.object_kinds) or "a document").replace("_", " ")
        who = self.agent_text or "an unnamed body"
        return {"approved": f"{what} approved by {who}", "received": f"{what} only received by {who}",
                "pending": f"{what} put to {who} for approval, not approved"}.get(
                    self.status, f"{what}: approval by {who} said only as {self.status}")


@functools.lru_cache(maxsize=4096)
def _object_kinds(text: str) -> tuple[str, ...]:
    # Kept for the last few thousand pieces of text: each approval weighs several, and a long document repeats its
    # approval lines.
    from extractors.kind import document_kinds_in

    return tuple(document_kinds_in(text))


def _answer_text(p: Passage) -> str:
    """The passage's text with a crosswalk's question cells blanked: the rule's "approved by the governing body" is
    the question, not an approval."""
    text = p.text
    for a, z in p.questions:
        text = text[:a] + " " * (z - a) + text[z:]
    return text


def extract(passages: list[Passage], documents: list[Document], agent_of) -> list[Relation]:
    """Every approval (and receipt) the passages state. `agent_of(text, last=False)` names the role a piece of text
    says first (or last): governing_body, qm_committee, foreign, ... or None."""
    out: list[Relation] = []
    first_of_doc: dict[int, int] = {}
    for i, p in enumerate(passages):
        first_of_doc.setdefault(p.doc, i)
    stem_agent: dict[tuple, tuple[str, str] | None] = {}  # a list's lead-in: whose duties its items are
    # "... have been reviewed and approved by:" over a list of bodies: each item names an approver
    open_by: dict[tuple, list[Relation]] = {}
    # a text's approving verbs, and whether it says anything was received: scanned once per text, as a long document
    # repeats many (running text, signature blocks)
    scanned: dict[str, tuple[list[re.Match], bool]] = {}
    for i, p in enumerate(passages):
        if p.block_kind == "list_item" and open_by.get((p.doc, p.section)):
            agent = _agent_from(re.sub(r"^\s*(?:the|our|its)\s+", "", p.text.strip(" -•*;.,")), agent_of)
            if agent and agent[0] not in (None, "other"):
                out.extend(replace(r, agent_role=agent[0], agent_text=agent[1]) for r in open_by[(p.doc, p.section)])
            continue
        open_by.pop((p.doc, p.section), None)
        if p.kind == "sentence" and p.text.rstrip().endswith(":"):
            role = agent_of(p.text)
            stem_agent[(p.doc, p.section)] = (role, p.text) if role else None
        elif p.kind == "sentence" and p.block_kind != "list_item":
            stem_agent.pop((p.doc, p.section), None)
        p_context = _context_agent(passages, i, stem_agent, agent_of)
        text = p.text
        if text not in scanned:
            scanned[text] = (list(_APPROVE.finditer(text)), bool(_RECEIVE.search(text)))
        verbs, received = scanned[text]
        if not verbs and not received:
            continue
        doc = documents[p.doc]
        near_top = i - first_of_doc[p.doc] < 12 or bool(p.section and _APPROVAL_SECTION.search(p.section[-1]))
        for verb in verbs:
            if re.match(r"\s*(?:criteria|process|procedures?|authority|rights?)\b", text[verb.end():]):
                continue  # "approval process", "approval authority": about approving, not an approval
            found = _approval(i, p, doc, verb, near_top, agent_of, p_context)
            if _BY_LIST.match(text[verb.end():]):
                open_by[(p.doc, p.section)] = found[:1]  # the stem stays, as an approval by a body unnamed yet
            out.extend(found)
        for receive in _RECEIVE.finditer(text):
            if any(abs(v.start() - receive.start()) < 3 for v in verbs):
                continue
            sent = _SENT_TO.search(text, receive.start(), receive.end() + 1) or (
                _SENT_TO.search(text[:receive.start()]) if re.match(r"for\b", receive.group(0), re.I) else None)
            if sent:
                agent = _agent_after(text[sent.end():], agent_of)
            else:
                agent = _agent_before(text[:receive.start()], agent_of) or _agent_after(text[receive.end():], agent_of)
            obj = _object_near(text, receive, doc, near_top)
            out.append(Relation(i, "receive", obj[0], obj[1], agent[0] if agent else None, agent[1] if agent else "",
                                _date(text), "received"))
    return out


def _context_agent(passages: list[Passage], i: int, stem_agent: dict, agent_of):
    """Whose act a passage with no agent of its own states: a list item's lead-in ("The Board: - approves the
    plan"), the subject of the sentence before for "It ..." / "They ...", or the nearest heading naming a role
    ("QM Committee > Duties")."""
    p = passages[i]

    def lazy():
        if p.block_kind == "list_item" and stem_agent.get((p.doc, p.section)):
            return stem_agent[(p.doc, p.section)]
        if _PRONOUN.match(p.text) and i > 0 and passages[i - 1].doc == p.doc:
            role = agent_of(passages[i - 1].text)
            if role:
                return role, passages[i - 1].text[:60]
        for heading in reversed(p.section[1:] if len(p.section) > 1 else ()):  # the title names no actor
            role = agent_of(heading)
            if role:
                return role, heading
        return None

    return lazy


def _approval(i: int, p: Passage, doc: Document, verb: re.Match, near_top: bool, agent_of,
              context) -> list[Relation]:
    text = _answer_text(p)
    before, after = text[:verb.start()], text[verb.end():]
    agent = None
    also: list[tuple[str | None, str]] = []  # "approved by the QIC and the Executive Board": each approves
    label = _LABEL.match(text[verb.start():]) if not before.strip(" -–|:*") else None
    if label is None and re.search(r"[|:]\s*$", before) and p.kind == "row":
        label = _LABEL.match(text[verb.start():])
    if label:
        agent = _agent_from(re.split(r"\s+on\s+|,\s*\d|\d{1,2}/\d", label.group("agent"))[0], agent_of)
    if agent is None:
        by = _BY.match(after) or re.match(r"^\s*(?:and\s+\w+\s+)?by\s+(?:the\s+)?(?P<agent>[^,;.|()]{2,120})", after)
        if by:
            agent = _agent_from(by.group("agent"), agent_of)
            if agent:
                also = _coordinated(after[by.end("agent"):], agent_of)
    if agent is None and not _PRONOUN.match(before.split("|")[-1].split(";")[-1]):
        agent = _agent_before(before, agent_of)
    if agent is None and p.kind == "row":
        agent = _agent_from(text.split(" | ")[0], agent_of) if agent_of(text.split(" | ")[0]) else None
    if agent is None:
        agent = context()
    if agent is None and doc.kind == "committee_minutes":
        # the body whose minutes these are, from the whole title: "SEBASTICOOK HEALTH PLAN, INC. - BOARD OF
        # DIRECTORS" is the plan's Board, though the title opens with the plan's name
        role = agent_of(doc.title or "")
        agent = (role, doc.title or "") if role else _agent_from(doc.title or "", agent_of)
    # A label or a passive with no object of its own ("Approved by the Board on 3/6/2025", "Board approval:
    # 1/28/2025") at the head of a document, or in its approval section, approves the document itself; "The Board
    # approves the budget" there does not.
    objectless = bool(label) or not re.sub(r"^\s*(?:and\s+\w+\s+)?(?:by\b.*|on\b.*|[:|\-–].*|\W*)$", "",
                                            after[:_clause_end(after)], flags=re.IGNORECASE).strip()
    # A table's row is its own document's approval only as a label and its value ("Approved by | Board, 1/28/2025"):
    # a work plan's row "2025 QI Program Description | Board approval | Q1" is an activity planned, not this
    # document approved.
    if p.kind == "row" and text.count(" | ") > 1 and not label:
        objectless = False
    kind, obj_text = _object_near(text, verb, doc, (near_top and objectless) or bool(label))
    if p.kind == "row" and doc.kind == "work_plan" and text.count(" | ") > 1 and not label:
        status = "planned"  # an approval a work plan schedules
        return [Relation(i, "approve", kind, obj_text, agent[0] if agent else None, agent[1] if agent else "",
                         _date(text), status)]
    status = "approved"
    kinds = p.kinds_at(verb.start(), verb.end()) - {"pointer"}
    clause = after[:_clause_end(after)]
    if _PREPARED.search(before[-40:]) or _PREPARED.search(clause[:20]):
        status = "prepared"
    elif (_PENDING.search(text[max(0, verb.start() - 70):verb.end() + 15]) or "plan" in kinds or "placeholder" in kinds
          or label and p.kind == "row" and _PENDING.search(text)):  # "Approval | Board | Scheduled for 2025-07-23"
        status = "pending"
    elif kinds & {"negated", "permission", "purpose", "restates_rule"}:
        status = sorted(kinds & {"negated", "permission", "purpose", "restates_rule"})[0]
    elif p.statement:
        status = p.statement
    return [Relation(i, "approve", kind, obj_text, who[0] if who else None, who[1] if who else "", _date(text), status)
            for who in [agent, *also]]


_BY_LIST = re.compile(r"^\s*(?:and\s+\w+\s+)?by\s*:\s*$", re.IGNORECASE)
_COORDINATED = re.compile(r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)(?:by\s+)?"
                          r"(?:the\s+|its\s+|our\s+)?(?P<agent>[^,;.|()·•]{2,120})", re.IGNORECASE)


def _coordinated(rest: str, agent_of) -> list[tuple[str | None, str]]:
    """The other bodies of a coordinated agent: "by the QIC (QUIC) and the Executive Board", "by the QIC, the MAC
    and the Board". Only names of bodies count: "by the Board and filed with the State" adds nobody."""
    out: list[tuple[str | None, str]] = []
    while len(out) < 4:
        m = _COORDINATED.match(rest)
        if not m:
            break
        name = re.split(r"\s+and\s+", m.group("agent"))[0]
        agent = _agent_from(name, agent_of)
        if not agent or agent[0] is None:
            break
        if agent[0] != "other":  # another named body is passed over, not taken for an approver we know
            out.append(agent)
        rest = rest[m.start("agent") + len(name):]
    return out


def _clause_end(text: str) -> int:
    m = _CLAUSE_END.search(text)
    return m.start() if m else len(text)


def _agent_from(text: str, agent_of) -> tuple[str | None, str] | None:
    end = _AGENT_END.search(text)
    text = (text[:end.start()] if end and end.start() > 2 else text).strip(" :-–|*")
    if not text:
        return None
    role = agent_of(text)
    return (role, text) if role else ("other", text) if re.match(r"[A-Z]", text) else None


_TRAILING = re.compile(r"(?:\s+(?:has|have|had|is|are|was|were|will|shall|must|not|yet|also|then|formally|"
                       r"annually|reviews|reviewed|and|which|who|that|to|\d[\w.]*))+\s*$", re.IGNORECASE)


def _agent_before(before: str, agent_of) -> tuple[str | None, str] | None:
    """The body nearest before the verb in its clause: "The QIC reviews the plan and the Board approves" -> the
    Board; "recommends it to the Board, which approves" -> the Board."""
    chunk = re.split(r"[;:|.·•]\s", before)[-1]
    role = agent_of(chunk, last=True)
    return (role, _TRAILING.sub("", chunk.strip())[-80:]) if role else None


def _agent_after(after: str, agent_of) -> tuple[str | None, str] | None:
    m = re.match(r"\s*(?:the\s+|its\s+|our\s+)?([^,;.|()]{2,80})", after)
    if not m:
        return None
    role = agent_of(m.group(1))
    return (role, m.group(1).strip()) if role else None


def _object_near(text: str, verb: re.Match, doc: Document, own_document: bool) -> tuple[tuple[str, ...], str]:
    """The document approved: named in the clause after the verb (active), or before it (passive); "this ..." or a
    label at the document's head is the document itself."""
    after = text[verb.end():]
    after = after[:_clause_end(after)]
    before = re.split(r"[;:|.]\s|\bwhich\b", text[:verb.start()])[-1]
    relative = list(re.finditer(r"\b(?:that|whom)\s+(?:[\w'’&-]+\s+){1,6}$", before))
    # "RESOLVED, that the 2025 Work Plan is approved": a passive after "that" says what is approved in the clause
    if relative and not re.search(r"\b(?:is|are|was|were|be|been|being)\s+$", before, re.IGNORECASE):
        # "our quality program and our 2024 Evaluation, the yearly report that our Board approved": what the Board
        # approved is the noun the relative clause follows (or the one its appositive renames), not all before it
        pre = before[:relative[-1].start()]
        last = re.split(r"\band\b|,", pre)
        before = last[-1] if _object_kinds(last[-1]) or len(last) < 2 else last[-2]
    if re.match(r"\s*(?:it|them|these|both|each)\b", after, re.IGNORECASE):
        # "recommends the work plan to the Board, which approves it": "it" is the document named before
        kinds = _object_kinds(text[:verb.start()])
        if kinds:
            return kinds, text[:verb.start()].strip()[-100:]
    # "..., and adopts Program policies": a verb in the present ("adopts", "approves") is active, and what it takes is
    # after it; what comes before it is another verb's ("receives the Year-End Quality Review, approves the work plan")
    active = bool(re.fullmatch(r"\w+(?<!s)s", verb.group(0).split()[-1], re.IGNORECASE))
    for piece in (after,) if active and after.strip() else (after, before):
        kinds = _object_kinds(piece)
        if kinds:
            return kinds, piece.strip(" ,")[:100]
        if _THIS.search(piece):
            return _own(doc), doc.title or ""
    if own_document:
        return _own(doc), doc.title or ""
    return (), ""


def _own(doc: Document) -> tuple[str, ...]:
    """The kinds of the document a passage is in: its kind, and what its title names."""
    return tuple(dict.fromkeys([doc.kind, *_object_kinds(doc.title or "")]))


def _date(text: str) -> str | None:
    found = find_dates(text)
    return found[0][0] if found else None
