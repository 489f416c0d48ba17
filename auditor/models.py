"""Pydantic models at the boundaries: checklists (input), findings and the report (output).

The report is the one canonical run object: JSON is its dump, Markdown and HTML render it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from auditor.document import Coverage, DocumentKind

Status = Literal["met", "partial", "not_met", "not_applicable", "needs_review"]
STATUSES: tuple[Status, ...] = ("met", "partial", "not_met", "not_applicable", "needs_review")

# A reference to vocabulary: a term name defined in the checklist (it contains an underscore or is listed
# in `terms`), a literal phrase, or an inline list of alternative phrases.
TermRef = str | list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# What a label may not hold: the rule language's own syntax (a regex, an alternation, a term name). A label is read
# by the plan and the examiner; the term lists stay in `explain`.
LABEL_MAX = 100
_RULE_SYNTAX = re.compile(r"\bre:|[|^$\\{}<>]|\b[a-z0-9]+_[a-z0-9_]+\b|(?<![\w'])=\w")


def _plain_label(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value:
        raise ValueError("a label cannot be empty")
    if len(value) > LABEL_MAX:
        raise ValueError(f"a label is a short phrase for people: {len(value)} characters, at most {LABEL_MAX}")
    if _RULE_SYNTAX.search(value):
        raise ValueError(f"a label is written for people, without rule syntax (regex, '|', term names): {value!r}")
    return value



class _CheckBase(_Strict):
    # What the check looks for, in the examiner's words ("a timetable for each activity"): rationales are written
    # from labels. Required on every element of an `all_of` / `any_of`.
    label: str | None = None

    @field_validator("label")
    @classmethod
    def _label_is_plain(cls, value: str | None) -> str | None:
        return _plain_label(value)


# --- evidence checks (one model per check type; the evaluator of each lives in auditor/checks/) ---------


class PhraseCheck(_CheckBase):
    """Every term in `all` (and one of `any`) occurs within one scope of the text.

    `context` terms may also be satisfied by the enclosing headings or a table's header row, which is how
    a bullet under "QI Committee > Responsibilities" is known to be the committee's.
    """

    type: Literal["phrase"]
    all: list[TermRef] = Field(default_factory=list)
    any: list[TermRef] = Field(default_factory=list)
    context: list[TermRef] = Field(default_factory=list)
    exclude: list[TermRef] = Field(default_factory=list)
    scope: Literal["sentence", "window", "paragraph", "section"] = "sentence"
    window: int = Field(default=2, ge=1, le=10)  # sentences, for scope "window"
    documents: list[DocumentKind] = Field(default_factory=list)  # where evidence must be; elsewhere -> review
    prefer: list[DocumentKind] = Field(default_factory=list)  # where to look first; elsewhere still counts
    passages: list[Literal["sentence", "heading", "row"]] = Field(default_factory=list)  # empty: every kind
    # Statement kinds that count as well as practice (auditor.statements): `[negated]` where the rule itself is a
    # prohibition ("no disclosure without the member's authorization"), `[permission]` for a right it grants.
    accept: list[Literal["permission", "purpose", "plan", "placeholder", "pointer", "negated"]] = Field(
        default_factory=list)

    @model_validator(mode="after")
    def _has_terms(self) -> PhraseCheck:
        if not (self.all or self.any):
            raise ValueError("a phrase check needs terms in `all` or `any`")
        return self


class SectionCheck(_CheckBase):
    """A heading naming the subject exists, with some body text under it."""

    type: Literal["section"]
    heading: list[TermRef]
    min_words: int = Field(default=5, ge=0)
    documents: list[DocumentKind] = Field(default_factory=list)
    # Count the words of its subsections too: a newsletter headed "Spring 2025 Newsletter" whose text is all
    # under article headings of its own.
    nested: bool = False


class DocumentCheck(_CheckBase):
    """The submission holds (at least `min`) readable documents of one of these kinds, whose title or file
    name says one of `title` terms when given ("Hospital Services Agreement" among the contracts)."""

    type: Literal["document"]
    kinds: list[DocumentKind] = Field(default_factory=list)  # empty: any kind
    title: list[TermRef] = Field(default_factory=list)
    min: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _says_what(self) -> DocumentCheck:
        if not (self.kinds or self.title):
            raise ValueError("a document check needs `kinds` or `title`")
        return self


class ReviewerCheck(_CheckBase):
    """What documents cannot show (a date of correspondence, "other information the Department requires"):
    always `needs_review`, with what the reviewer should confirm."""

    type: Literal["reviewer"]
    confirm: str


class Age(_Strict):
    years: int = 0
    months: int = 0
    days: int = 0

    def describe(self) -> str:
        return ", ".join(f"{v} {k}" for k, v in self.model_dump().items() if v)


class CountCheck(_CheckBase):
    """Enough items of a list or table: list items and table rows whose context names `within`
    (the title, headings or the table's header) and whose own text says one of `of`."""

    type: Literal["count"]
    within: list[TermRef]
    of: list[TermRef] = Field(default_factory=list)  # empty: every item counts
    min: int = Field(ge=1)
    documents: list[DocumentKind] = Field(default_factory=list)
    # Only items dated within this age before the audit date count ("three studies over three years").
    max_age: Age | None = None
    # Labels of the fields of one record ("Measure: ...", "Population | ..."): such items are parts of one item.
    fields: list[TermRef] = Field(default_factory=list)
    # Topic names: a row whose first cell (an item whose label) names one is classified by that name alone.
    names: list[TermRef] = Field(default_factory=list)
    # An item that says one of these does not count ("Open - baseline only", "Planned").
    exclude: list[TermRef] = Field(default_factory=list)
    # An item written up under a heading of its own name counts only if that write-up says one of these.
    shows: list[TermRef] = Field(default_factory=list)
    # With `max_age`: dates in a table column whose header says one of these do not date the item (a
    # guideline's "Last reviewed" date is not when performance against it was measured).
    undated_columns: list[TermRef] = Field(default_factory=list)


class RecencyCheck(_CheckBase):
    """Each item (list item or table row under `within`, saying one of `of`) carries a date no older than
    `max_age` before the audit date; an item's latest date counts."""

    type: Literal["recency"]
    within: list[TermRef]
    of: list[TermRef] = Field(default_factory=list)
    max_age: Age
    documents: list[DocumentKind] = Field(default_factory=list)


Number = float | int


class ParamRef(_Strict):
    param: str  # a checklist parameter, overridable in submission.yaml


class RowCondition(_Strict):
    """A test on one row of an input table: `column OP value` or `column OP other-column`."""

    column: str
    op: Literal["lt", "le", "gt", "ge", "eq", "ne"]
    value: Number | str | bool | ParamRef | None = None
    other: str | None = None

    @model_validator(mode="after")
    def _one_side(self) -> RowCondition:
        if (self.value is None) == (self.other is None):
            raise ValueError("a row condition needs exactly one of `value` and `other`")
        return self


class Lowest(_Strict):
    n: int = Field(ge=1)
    by: str


class AddressedIn(_Strict):
    documents: list[DocumentKind] = Field(default_factory=list)
    near: list[TermRef] = Field(default_factory=list)


class RowsCheck(_CheckBase):
    """One finding per selected row of an input ("each hospital above 23.9%"), addressed in the documents
    by name when `addressed_in` is given."""

    type: Literal["rows"]
    input: str
    name: str  # the column that names a row
    where: list[RowCondition] = Field(default_factory=list)
    any_where: list[RowCondition] = Field(default_factory=list)
    lowest: Lowest | None = None
    addressed_in: AddressedIn | None = None
    none_selected: Literal["met", "not_applicable"] = "met"


class Threshold(_Strict):
    op: Literal["lt", "le", "gt", "ge", "eq", "ne"]
    value: Number | ParamRef


class GroupBy(_Strict):
    column: str
    by: Literal["year"] = "year"


class AllowAfter(_Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    days: int = Field(ge=0)


class MetricCheck(_CheckBase):
    """One number computed from an input, against a threshold (see auditor/checks/metric.py)."""

    type: Literal["metric"]
    input: str
    compute: Literal["share", "count", "pct_change", "longest_gap", "score", "has_values"]
    where: list[RowCondition] = Field(default_factory=list)
    per: GroupBy | None = None  # count: the threshold applies to each calendar year
    column: str | None = None  # pct_change: the summed column; longest_gap: the date column; has_values
    period: str | None = None  # pct_change: the period column (a year)
    group: str | None = None  # longest_gap: one gap per group (project)
    exclude_input: str | None = None  # longest_gap: rows with start/end dates that do not count (leave)
    allow_after: AllowAfter | None = None  # longest_gap: gaps starting at an enrollment period's start
    values: list[str] = Field(default_factory=list)  # has_values
    filled: str | None = None  # has_values: the column that must not be empty
    points: str = "points"  # score columns
    target: str = "target"
    actual: str = "actual"
    lower_is_better: bool = False
    bonus_pool: Number | ParamRef | None = None  # score: the base the bonus percentage applies to
    bonus_percent: Number | ParamRef | None = None
    scale_bonus_by_score: bool = False  # false: the whole percentage once the score qualifies
    threshold: Threshold | None = None


class WordLimitField(_Strict):
    heading: list[TermRef]
    max: int = Field(ge=1)
    each_item: bool = False


class WordLimitCheck(_CheckBase):
    """Document fields within their word limits: the section under each heading, or each of its items."""

    type: Literal["word_limit"]
    fields: list[WordLimitField]


class EachCheck(_CheckBase):
    """A check run on each unit of a kind ("each study shows the nine steps"): each section (with its
    sub-sections) whose heading names one of `where`, or each document whose title does. Reports, per unit,
    what it lacks."""

    type: Literal["each"]
    unit: Literal["section", "document"] = "section"
    where: list[TermRef]
    check: Check
    min: int = Field(default=1, ge=1)  # units needed
    # When no unit is found: a requirement about "each study" is not failed by a plan that names none this way.
    when_none: Literal["met", "not_met", "needs_review"] = "not_met"
    # False: met when at least `min` units pass, the others listed as incomplete ("a study is complete when ...":
    # the plan's complete studies show it, and an open one elsewhere does not undo them).
    every: bool = True


class AbsentCheck(_CheckBase):
    """A red flag that must not be there: met when `check` finds nothing. Where it finds something (a study's
    "Benchmark: TBD", an intervention timed "Ongoing"), the finding is `status` and the passages found are shown
    for review. Used beside the positive evidence in an `all_of`: stating a benchmark somewhere does not cover
    the study whose benchmark is "to be determined"."""

    type: Literal["absent"]
    check: Check
    # A flag is cleared when the section it is in also meets this check ("Benchmark: n/a" beside "Goal: 72%").
    unless: Check | None = None
    status: Literal["not_met", "partial", "needs_review"] = "not_met"
    flag: str = "a red flag"  # what the passages found are, for the rationale ("benchmark left undetermined")


class ApprovalCheck(_CheckBase):
    """A document of one of `of` kinds approved by one of `by` roles (auditor/relations.py): the relation, not the
    words near each other. Approval by another body, a receipt "for information", a submission "for approval" or an
    approval only planned is `partial`, with what was found."""

    type: Literal["approval"]
    of: list[DocumentKind]
    by: list[Literal["governing_body", "qm_committee", "physician_leader", "quality_unit"]] = Field(
        default_factory=lambda: ["governing_body"])


class AllOfCheck(_CheckBase):
    """Named elements that must all be evidenced; some found is `partial`, and the rest are `missing`."""

    type: Literal["all_of"]
    elements: dict[str, Check]
    partial: bool = True  # false: some elements without the rest is a gap, not a partial finding

    @model_validator(mode="after")
    def _labelled(self) -> AllOfCheck:
        return _elements_labelled(self)


class AnyOfCheck(_CheckBase):
    """Alternative ways of evidencing the same thing; the first that is met wins."""

    type: Literal["any_of"]
    elements: dict[str, Check]

    @model_validator(mode="after")
    def _labelled(self) -> AnyOfCheck:
        return _elements_labelled(self)


def _elements_labelled(check):
    unlabelled = [name for name, element in check.elements.items() if not element.label]
    if unlabelled:
        raise ValueError(f"element(s) {', '.join(unlabelled)} need a `label:`, what each looks for in words"
                         " (\"a timetable for each activity\"): reports are written from labels")
    return check


Check = Annotated[
    PhraseCheck | SectionCheck | DocumentCheck | CountCheck | RecencyCheck | ReviewerCheck | RowsCheck | MetricCheck
    | WordLimitCheck | EachCheck | AbsentCheck | ApprovalCheck | AllOfCheck | AnyOfCheck,
    Field(discriminator="type"),
]
EachCheck.model_rebuild()
AbsentCheck.model_rebuild()
AllOfCheck.model_rebuild()
AnyOfCheck.model_rebuild()


class Condition(_Strict):
    """A test on one fact of the submission (submission.yaml)."""

    fact: str  # a field of SubmissionFacts, or a derived fact such as months_licensed_on_march_1
    eq: bool | int | str | None = None
    lt: float | None = None
    ge: float | None = None
    known: bool | None = None  # true: the fact is given (say, an accreditation); false: it is not
    if_unknown: Literal["holds", "fails"] = "fails"  # when the fact is not given
    reason: str  # what the condition means, shown when it does not hold


class Offset(_Strict):
    """How long after the starting date something is due; working/business days skip weekends and the
    calendar's legal holidays."""

    days: int = 0
    weeks: int = 0
    months: int = 0
    years: int = 0
    business_days: int = 0


class StartPoint(_Strict):
    fact: str
    after: Offset = Field(default_factory=Offset)


class MonthDay(_Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class DeadlineRule(_Strict):
    """When a requirement falls due. The clock starts from a fact of the submission (the first of `start`
    that is given), from the later of several (`start_later_of`), from a date written in the evidence
    (`start: evidence.latest` / `evidence.earliest`), or falls on a fixed date each year (`each_year`)."""

    rule: str  # the clock in words, as the regulation states it
    clock: Literal["annual", "biennial", "triennial", "working_days", "business_days", "calendar_days", "weeks",
                   "months", "once"]
    start: str | list[str] | None = None  # "dates.cquic_request", "evidence.latest", or alternatives in order
    start_later_of: list[StartPoint] = Field(default_factory=list)
    after: Offset | None = None
    each_year: MonthDay | None = None  # a fixed date every year (the annual statement, March 1)
    calendar: str | None = None  # holidays calendar for business days: "US-IL", "US-ME"
    convention: str | None = None  # how weekends and holidays are treated, for the record


class Example(_Strict):
    text: str = ""  # Markdown; headings make sections
    kind: DocumentKind = "other"
    inputs: dict[str, list[dict]] = Field(default_factory=dict)  # raw rows, as a CSV would give them
    parameters: dict[str, Number | str] = Field(default_factory=dict)


class Examples(_Strict):
    passing: list[Example] = Field(alias="pass")
    failing: list[Example] = Field(alias="fail")

    @field_validator("passing", "failing", mode="before")
    @classmethod
    def _strings_are_examples(cls, value: list) -> list:
        return [{"text": v} if isinstance(v, str) else v for v in value]


class Requirement(_Strict):
    id: str
    citation: str
    title: str
    text: str  # the rule's own words
    evidence: Check
    applies_if: list[Condition] = Field(default_factory=list)
    # Kinds of document that cannot evidence this requirement (a contract cannot show the HMO's staffing).
    ignore_documents: list[DocumentKind] = Field(default_factory=list)
    # What an absence of evidence means: a gap, or (for obligations shown by correspondence with the regulator
    # rather than by program documents) a question for the reviewer.
    when_not_found: Literal["not_met", "needs_review"] = "not_met"
    deadline: DeadlineRule | None = None
    examples: Examples
    section: str = ""  # filled from the enclosing section on load


class ChecklistSection(_Strict):
    id: str
    title: str
    requirements: list[Requirement]
    # Statement kinds that count as practice in every phrase check of the section: an applicant's description of
    # the QMP it will run says what it *will* do, so `[plan]` there (1.04). Red flags (`absent`) are left as written.
    accept: list[Literal["plan"]] = Field(default_factory=list)


class Profile(_Strict):
    """A kind of review: the sections it covers (a section id also covers its sub-sections, "1.03" -> "1.03-4")."""

    title: str
    short: str | None = None  # the review's short name, for a letter's title and running header
    sections: list[str] | Literal["all"]

    def covers(self, section: str) -> bool:
        return self.sections == "all" or any(section == s or section.startswith(s + "-") for s in self.sections)


class ColumnSpec(_Strict):
    type: Literal["text", "number", "percent", "integer", "date", "bool"] = "text"
    required: bool = True


class InputSpec(_Strict):
    """A structured input that sits next to the documents (CSV or YAML)."""

    title: str
    files: list[str]  # glob patterns on the file name; the first matching file is read
    columns: dict[str, ColumnSpec]
    required: bool = True


class Checklist(_Strict):
    id: str
    title: str
    version: str
    source: str
    profiles: dict[str, Profile] = Field(default_factory=dict)
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    parameters: dict[str, Number | str] = Field(default_factory=dict)
    terms: dict[str, list[str]] = Field(default_factory=dict)
    # The roles of auditor/roles.yaml the rules speak of, each the term that names it: the plan's own names for a
    # role (learned from the submission) then say that term.
    roles: dict[str, str] = Field(default_factory=dict)
    # The lines of business the rules govern (Maine's chapter 109: commercial HMOs). A section of a submission that
    # says it applies only to another line ("This subsection applies to MaineCare enrollees") is no evidence here.
    # Empty: every line.
    lines: list[Literal["commercial", "medicaid", "medicare", "exchange"]] = Field(default_factory=list)
    sections: list[ChecklistSection]

    @field_validator("terms", mode="before")
    @classmethod
    def _flatten(cls, terms: dict) -> dict:
        # One term includes another's phrases by "@name" (across vocabulary files), or by a YAML alias within one
        # file (`[*qmp, scope]`): flatten both.
        terms = terms or {}

        def flat(items: list, seen: tuple[str, ...]) -> list[str]:
            out: list[str] = []
            for item in items:
                if isinstance(item, list):
                    out += flat(item, seen)
                elif isinstance(item, str) and item.startswith("@") and len(item) > 1:
                    name = item[1:]
                    if name not in terms:
                        raise ValueError(f"term {seen[-1]!r} includes the unknown term {name!r}")
                    if name in seen:
                        raise ValueError(f"terms include each other in a circle: {' -> '.join((*seen, name))}")
                    out += flat(terms[name], (*seen, name))
                else:
                    out.append(item)
            return list(dict.fromkeys(out))

        return {name: flat(phrases, (name,)) for name, phrases in terms.items()}

    @model_validator(mode="after")
    def _link(self) -> Checklist:
        from auditor.roles import spec

        for role, term in self.roles.items():
            if role not in spec()["roles"]:
                raise ValueError(f"roles: unknown role {role!r}; known: {', '.join(sorted(spec()['roles']))}")
            if term not in self.terms:
                raise ValueError(f"roles: {role} names the unknown term {term!r}")
        seen: set[str] = set()
        for section in self.sections:
            for req in section.requirements:
                if req.id in seen:
                    raise ValueError(f"duplicate requirement id {req.id}")
                seen.add(req.id)
                req.section = section.id
                if section.accept:
                    _accept_in(req.evidence, section.accept)
        return self

    @property
    def requirements(self) -> list[Requirement]:
        return [r for s in self.sections for r in s.requirements]

    def requirement(self, req_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == req_id), None)


def _accept_in(check: BaseModel, kinds: list[str]) -> None:
    """Add statement kinds to every phrase check under `check`, except inside red flags."""
    if isinstance(check, AbsentCheck):
        return
    if isinstance(check, PhraseCheck):
        check.accept = list(dict.fromkeys([*check.accept, *kinds]))
    for value in check.__dict__.values():
        for item in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                _accept_in(item, kinds)


# --- facts about the submission ------------------------------------------------------------------------


class Accreditation(_Strict):
    body: str | None = None  # e.g. NCQA
    onsite_survey_start: dt.date | None = None
    onsite_survey_end: dt.date | None = None
    survey_report_received: dt.date | None = None


class Examination(_Strict):
    last_examination_date: dt.date | None = None  # the last periodic examination's onsite review
    notice_date: dt.date | None = None  # the Department's notice of an onsite review
    onsite_review_date: dt.date | None = None
    preliminary_findings_date: dt.date | None = None


class SubmissionFacts(_Strict):
    hmo_name: str | None = None
    members: int | None = Field(default=None, ge=0)
    waiver_requested: bool | None = None
    license_date: dt.date | None = None
    accreditation: Accreditation | None = None
    examination: Examination | None = None
    parameters: dict[str, float | int | str] = Field(default_factory=dict)  # overrides of checklist parameters
    dates: dict[str, dt.date] = Field(default_factory=dict)  # dates that start clocks: cquic_request, outreach
    # The plan's own names for roles, where the reading of the documents needs setting or correcting:
    # `roles: {qm_committee: Clinical Excellence Group}` (a name or a list of names per role).
    roles: dict[str, str | list[str]] = Field(default_factory=dict)

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: dict) -> dict:
        from auditor.roles import spec

        unknown = sorted(set(roles) - set(spec()["roles"]))
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(spec()['roles']))}")
        return roles

    def names_given(self) -> dict[str, list[str]]:
        return {role: [names] if isinstance(names, str) else list(names) for role, names in self.roles.items()}


# --- the report -----------------------------------------------------------------------------------------


class Evidence(BaseModel):
    document: str
    page: int | None
    quote: str
    section: str | None = None  # heading path, for formats without pages
    lacks: list[str] | None = None  # for a near miss: what it does not say


class Review(BaseModel):
    """A reviewer's decision on a finding, from an overrides file. The finding's `status` is the final one."""

    status: Status  # the reviewer's status
    tool_status: Status  # what the tool found
    reason: str
    reviewer: str
    date: dt.date
    expires: dt.date | None = None
    expired: bool = False  # an expired decision is shown but ignored: `status` stays the tool's


class Finding(BaseModel):
    checklist: str
    requirement_id: str
    section: str
    citation: str
    title: str
    status: Status
    missing: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    candidates: list[Evidence] = Field(default_factory=list)  # passages a reviewer should look at
    nearest: list[Evidence] = Field(default_factory=list)  # for a gap: the closest partial matches
    due: dt.date | None = None
    overdue: bool | None = None  # due is before the audit date
    due_rule: str | None = None  # how `due` was reached, or which fact it needs
    corrective_action_due: dt.date | None = None  # for a gap: the audit date plus the cure period
    rationale: str
    review: Review | None = None  # the reviewer's override, when one was recorded


class DocumentEntry(BaseModel):
    path: str
    sha256: str | None
    kind: DocumentKind
    format: str | None
    title: str | None
    pages: int | None
    coverage: Coverage
    error: str | None


class InputEntry(BaseModel):
    """A structured input a checklist read (or could not): the data side of the document list."""

    checklist: str
    name: str
    path: str | None
    rows: int
    error: str | None


class NameEntry(BaseModel):
    """How the plan names a role (or a thing it defines), and the passage that shows it."""

    role: str | None  # a role of auditor/roles.yaml; None for another defined name
    label: str | None  # the role in words: "the QM committee"
    name: str  # as the submission writes it
    means: str  # what it stands for
    how: str  # how it was learned
    document: str | None = None
    page: int | None = None
    quote: str | None = None
    foreign: bool = False  # another organisation's body, not the HMO's


class ChecklistRef(BaseModel):
    id: str
    title: str
    version: str


class ToolInfo(BaseModel):
    name: str = "hmo-audit"
    version: str


class SectionScore(BaseModel):
    checklist: str
    section: str
    title: str
    counts: dict[Status, int]
    score: float | None  # met / applicable; None when nothing applies


class DeadlineEntry(BaseModel):
    """One due date in the report's Deadlines list (derived from the findings, sorted by date)."""

    due: dt.date | None  # None: the clock needs a fact that was not given (see `rule`)
    # past: due before the audit date and not overdue (the requirement is met); needs_review: no date (see rule)
    when: Literal["overdue", "within_30_days", "later", "past", "needs_review"]
    checklist: str
    requirement_id: str
    citation: str
    title: str
    status: Status
    rule: str  # how the date was reached


class Summary(BaseModel):
    met: int = 0
    partial: int = 0
    not_met: int = 0
    not_applicable: int = 0
    needs_review: int = 0
    score: float | None = None
    sections: list[SectionScore] = Field(default_factory=list)


class SignOff(BaseModel):
    reviewer: str
    title: str | None = None  # e.g. Examiner, Bureau of Insurance
    date: dt.date


class OverridesInfo(BaseModel):
    """Which overrides file the report applied, and what came of it."""

    path: str | None = None
    applied: int = 0
    expired: int = 0
    sign_off: SignOff | None = None


class SkippedFile(BaseModel):
    """A file or folder of the submission that was not read, and why (a link out of the folder, a hidden file)."""

    path: str
    reason: str


class AuditReport(BaseModel):
    schema_version: Literal["1"] = "1"
    tool: ToolInfo
    as_of: dt.date
    profile: str | None = None
    generated_at: dt.datetime | None = None  # only when asked: it breaks byte-identical output
    submission: SubmissionFacts = Field(default_factory=SubmissionFacts)
    checklists: list[ChecklistRef]
    documents: list[DocumentEntry]
    inputs: list[InputEntry] = Field(default_factory=list)
    names: list[NameEntry] = Field(default_factory=list)  # how the plan names things
    findings: list[Finding]
    deadlines: list[DeadlineEntry] = Field(default_factory=list)
    cure_period_days: int = 30  # corrective actions for gaps are due this many days after the audit date
    overrides: OverridesInfo | None = None  # only when an overrides file was applied
    summary: Summary
    skipped: list[SkippedFile] = Field(default_factory=list)  # left out of the JSON when empty (auditor.render)
