"""Guess what sort of quality-program document a file is from its title, first headings and name."""

from __future__ import annotations

import re
from pathlib import PurePath

from auditor.document import DocumentKind

# Kinds in order of precedence *within one piece of text*: "Minutes of the Credentialing Committee" is
# minutes, "Annual Evaluation of the QI Program" is an evaluation, "Delegated Credentialing Agreement"
# is a contract. A program description is what is left once nothing more specific matched, as the
# phrase "QI program" turns up in the titles of nearly every other kind.
_PATTERNS: list[tuple[str, list[str]]] = [
    # A plan's answer to an examination's findings is a response, not a work plan ("Corrective Action Plan").
    ("other", [r"\bcorrective action plan\b", r"\bplan of correction\b", r"\bresponse to (?:the )?(?:\w+\s+){0,3}"
               r"(?:examination|exam|findings|survey|document request)\b",
               # what the plan tells its members: a handbook's pages on quality are not the program's description
               r"\bmember handbook\b", r"\bevidence of coverage\b", r"\bnewsletter\b"]),
    ("committee_minutes", [r"\bminutes\b", r"\bmeeting of the\b.{0,80}\bcommittee\b",
                           # a committee's record of its sessions in other words: "Council Session Notes"
                           r"\b(?:session|meeting)s?\s+(?:notes|record|summary|summaries)\b"]),
    ("work_plan", [r"\bwork\s*-?\s*plans?\b", r"\bannual\s+(?:[\w-]+\s+){0,2}plan\b",
                   r"\b(?:improvement|quality|qi|qm)\s+roadmap\b"]),
    (
        "annual_evaluation",
        [
            # the year's look back at the program in plain words: "2024 Year in Review"
            r"\byear[- ]in[- ]review\b",
            # "Year-End Quality Review 2024", "QI Year-End Report", "Annual Quality Review"
            r"\byear[- ]end\b.{0,30}\b(?:review|report|evaluation|summary)\b",
            r"\bannual\s+(?:quality|qi|qm)\s+(?:program\s+)?review\b",
            r"\bannual (?:program )?evaluation\b",
            r"\bprogram evaluation\b",
            r"\bevaluation of the\b.{0,60}\bprogram\b",
            r"\b(?:qi|qm|qa|quality)\b.{0,40}\bannual report\b",
            r"\bannual\b.{0,40}\b(?:qi|qm|qa|quality)\b.{0,40}\breport\b",
        ],
    ),
    ("guideline_policy", [r"\bclinical practice guidelines?\b", r"\bguidelines\b",
                          # the plan's list of the guidelines it has adopted: "Clinical Guideline Register"
                          r"\bguideline (?:register|list|inventory|index|library|catalog(?:ue)?)\b"]),
    # A "QM Plan" is the program's written description, even when it is laid out as a policy manual.
    ("qmp_description", [r"\bq(?:m|i|a|api) plan\b", r"\bquality (?:management|improvement|assurance) plan\b",
                         r"\bprogram description\b",
                         # the program's own manual is its written description, unlike a provider or claims manual
                         r"\b(?:q[mia]|quality(?: (?:management|improvement|assurance))?) program (?:manual|booklet"
                         r"|handbook|document)\b",
                         # and so is its manual of procedures: "Quality Management SOP Manual"
                         r"\b(?:q[mia]|quality (?:management|improvement|assurance))(?: program)? (?:sop|standard "
                         r"operating procedures?|policies and procedures|procedures?) manual\b"]),
    # A provider manual binds the plan's providers (contracts incorporate it), unlike a claims or staff manual.
    ("provider_manual", [r"\b(?:provider|practitioner|physician|participating provider)s?['’]?\s+(?:manual|handbook|"
                         r"guide|administrative guide|reference guide)\b"]),
    # Not one of the document kinds: phrases that say the file is something else (a manual, a form,
    # an audit report) and must not fall through to "contract" or "program description".
    ("other", [r"\baudit(?:s|ed|ing)?\b", r"\bmanual\b", r"\bapplication\b", r"\bchecklist\b", r"\bguidance\b",
               r"\breport on\b",
               # a chart of who does what, or a form the plan fills in about itself, is not the description
               r"\bresponsibility (?:matrix|chart|assignment)\b", r"\braci\b", r"\bself-?attestation\b",
               r"\bself-?assessment\b"]),
    (
        "contract_template",
        [
            r"\bagreements?\b",
            # "Contract Processes" or "Contract Oversight" names a subject, not a contract.
            r"\bcontracts?\b(?!\s+(?:process|management|oversight|monitoring|compliance|administration))",
            r"\bparticipating (?:physician|provider|practitioner)s? (?:agreement|contract)\b",
        ],
    ),
    ("credentialing_policy", [r"\b(?:re-?)?credentialing\b"]),
    (
        "qmp_description",
        [
            r"\bprogram description\b",
            r"\bquality (?:management|improvement|assurance) program\b",
            r"\bq[ima] program\b",
            r"\bqmp\b",
            r"\bquality program\b",
        ],
    ),
]
# One alternation per kind: it finds a match exactly where one of the kind's patterns would, in one scan of the text
# rather than one per pattern (passages and their pieces are tested against every kind, thousands of times).
_COMPILED = [(kind, re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)) for kind, pats in _PATTERNS]

# The title says most; the first headings less, each less than the one before; the file name least.
_TITLE_WEIGHT = 5.0
_HEADING_WEIGHTS = (3.0, 2.0, 1.5, 1.0, 1.0, 0.5, 0.5, 0.5)
_FILENAME_WEIGHT = 1.5


def _kind_of(text: str) -> str | None:
    """The highest-precedence kind mentioned in one piece of text."""
    text = re.sub(r"\s+", " ", text)
    for kind, pattern in _COMPILED:
        if pattern.search(text):
            return kind
    return None


def _filename_text(filename: str) -> str:
    stem = PurePath(filename).stem
    # "qi-program_description" -> "qi program description"; "QIWorkPlan" -> "QI Work Plan".
    stem = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stem)
    return re.sub(r"[_\-.]+", " ", stem)


def guess_kind(title: str | None, headings: list[str], filename: str) -> DocumentKind:
    scores: dict[str, float] = {}
    texts: list[tuple[str, float]] = []
    if title:
        texts.append((title, _TITLE_WEIGHT))
    # The title is usually also the first heading; do not count it twice.
    rest = [h for h in headings if h != title] if title else list(headings)
    texts.extend(zip(rest, _HEADING_WEIGHTS, strict=False))
    texts.append((_filename_text(filename), _FILENAME_WEIGHT))
    for text, weight in texts:
        kind = _kind_of(text)
        if kind is not None:
            scores[kind] = scores.get(kind, 0.0) + weight
    if not scores:
        return "other"
    order = [kind for kind, _ in _PATTERNS]
    # Ties go to the more specific kind.
    best = max(scores, key=lambda k: (scores[k], -order.index(k)))
    return best  # type: ignore[return-value]


def kind_named(text: str) -> str | None:
    """The kind of quality-program document a title names ("Attachment B-2 - Clinical Guideline Register" ->
    guideline_policy); None where it names none, or only something else (a manual, an audit)."""
    kind = _kind_of(text)
    return None if kind == "other" else kind


def document_kinds_in(text: str) -> list[str]:
    """The kinds of document a phrase names, one per conjunct ("the QI Program Description and the 2025 Work Plan"
    -> qmp_description, work_plan; "the Annual QI Program Evaluation" -> annual_evaluation alone, its head noun
    deciding). "other" (a manual, an audit) is not a kind of quality-program document."""
    kinds: list[str] = []
    for part in re.split(r",|;|\band\b|\bor\b|&", text):
        kind = _kind_of(part)
        if kind is not None and kind != "other" and kind not in kinds:
            kinds.append(kind)
    return kinds
