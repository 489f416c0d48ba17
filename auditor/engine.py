"""The evaluate step: requirements against annotated passages, giving findings and the report.

Pure: documents, checklists, facts and the date in; a report out. No file access, no clock.
"""

from __future__ import annotations

import datetime as dt
import functools

from dateutil.relativedelta import relativedelta

from auditor import __version__, checks, statements, wording
from auditor.checklists import ProfileError, check_profile, term_key, vocabulary_terms  # noqa: F401 - ProfileError for callers
from auditor.deadlines import dates_in, due_date
from auditor.document import Document
from auditor.models import (
    AuditReport,
    Checklist,
    ChecklistRef,
    Condition,
    DocumentEntry,
    Evidence,
    Finding,
    InputEntry,
    NameEntry,
    Requirement,
    SubmissionFacts,
    ToolInfo,
)
from auditor.nlp import Vocabulary
from auditor.passages import Corpus, Passage, build_corpus
from auditor.statements import RuleEcho
from auditor.summary import deadline_list, summarise

MAX_QUOTES = 6
NEAREST = 3


def evaluate(documents: list[Document], checklists: list[Checklist], as_of: dt.date,
             facts: SubmissionFacts | None = None, profile: str | None = None,
             tables: dict[str, dict] | None = None, cure_days: int = 30) -> AuditReport:
    """Judge the documents (and, by checklist id, the input tables) against the checklists as of a date."""
    facts = facts or SubmissionFacts()
    check_profile(profile, checklists)
    phrases = vocabulary_terms(checklists)
    vocabulary = _vocabulary(_terms_key(phrases))
    role_terms: dict[str, list[str]] = {}
    for checklist in checklists:
        for role, term in checklist.roles.items():
            role_terms.setdefault(role, []).append(term_key(term, checklist))
    corpus = build_corpus(documents, vocabulary, _echo(checklists), role_terms, facts.names_given(), facts.hmo_name,
                          as_of.year)
    unreadable = [d.path for d in documents if d.error]
    contexts: dict[tuple[str, frozenset[str]], checks.EvalContext] = {}
    findings = []
    for checklist in checklists:
        for requirement in checklist.requirements:
            ignore = frozenset(requirement.ignore_documents)
            if (checklist.id, ignore) not in contexts:
                contexts[(checklist.id, ignore)] = checks.EvalContext(
                    corpus, functools.partial(term_key, checklist=checklist), ignore, as_of,
                    tables=(tables or {}).get(checklist.id, {}),
                    parameters={**checklist.parameters, **facts.parameters}, vocabulary=vocabulary,
                    phrases=phrases, lines=frozenset(checklist.lines))
            chosen = checklist.profiles.get(profile) if profile else None
            if chosen and not chosen.covers(requirement.section):
                findings.append(Finding(**_identity(requirement, checklist), status="not_applicable",
                                        rationale=f"Not part of the {chosen.title} review (profile {profile})."))
                continue
            findings += evaluate_requirement(requirement, checklist, contexts[(checklist.id, ignore)],
                                             facts, unreadable, as_of)
    cure_due = as_of + dt.timedelta(days=cure_days)
    for finding in findings:
        if finding.status in ("not_met", "partial"):
            finding.corrective_action_due = cure_due
    return AuditReport(
        tool=ToolInfo(version=__version__),
        as_of=as_of,
        profile=profile,
        submission=facts,
        checklists=[ChecklistRef(id=c.id, title=c.title, version=c.version) for c in checklists],
        documents=[_entry(d) for d in documents],
        names=_names(corpus),
        inputs=[InputEntry(checklist=cid, name=name, path=t.source or None, rows=len(t.rows), error=t.error)
                for cid, named in sorted((tables or {}).items()) for name, t in sorted(named.items())],
        findings=findings,
        deadlines=deadline_list(findings, as_of),
        cure_period_days=cure_days,
        summary=summarise(findings, [(c.id, s.id, s.title) for c in checklists for s in c.sections]),
    )


def prepare(checklists: list[Checklist]) -> None:
    """Build what evaluating against these checklists needs before any text (spaCy, the matchers, the rules'
    words), once per process: a caller may do it while the documents are read (auditor.overlap)."""
    _vocabulary(_terms_key(vocabulary_terms(checklists)))
    _echo(checklists)
    statements.prepare()  # the statement cues' matcher: ~0.3 s, else paid by the first passage evaluated


def _terms_key(phrases: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(p)) for name, p in sorted(phrases.items()))


@functools.lru_cache(maxsize=8)
def _vocabulary(terms: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    # Matchers are built once per process for a given set of checklists: building them is the costly part.
    return Vocabulary({name: list(phrases) for name, phrases in terms})


_ECHOES: dict[tuple, RuleEcho] = {}


def _echo(checklists: list[Checklist]) -> RuleEcho:
    # The rules' own words, to know a passage or crosswalk cell that restates them (built once per process for a
    # set of rules).
    key = tuple((r.text, r.citation) for c in checklists for r in c.requirements)
    if key not in _ECHOES:
        if len(_ECHOES) > 8:
            _ECHOES.clear()
        _ECHOES[key] = RuleEcho([text for text, _ in key], [citation for _, citation in key])
    return _ECHOES[key]


def _identity(requirement: Requirement, checklist: Checklist) -> dict:
    return {"checklist": checklist.id, "requirement_id": requirement.id, "section": requirement.section,
            "citation": requirement.citation, "title": requirement.title}


def evaluate_requirement(requirement: Requirement, checklist: Checklist, ctx: checks.EvalContext,
                         facts: SubmissionFacts, unreadable: list[str], as_of: dt.date) -> list[Finding]:
    """The finding of a requirement, or one per item when the check judges items ("a finding per measure")."""
    base = _identity(requirement, checklist)
    failed = [c for c in requirement.applies_if if not _holds(c, facts, as_of)]
    if failed:
        return [Finding(**base, status="not_applicable",
                        rationale="Does not apply: " + "; ".join(c.reason for c in failed) + ".")]
    result = checks.run(requirement.evidence, ctx)
    if result.items is None:
        findings = [_finding(base, requirement, checklist, ctx, result, unreadable)]
    else:
        findings = [_finding({**base, "requirement_id": f"{requirement.id}[{name}]",
                              "title": f"{requirement.title}: {name}"}, requirement, checklist, ctx, item, unreadable)
                    for name, item in result.items]
    rule = requirement.deadline
    if rule and (rule.start or rule.start_later_of or rule.each_year):
        for finding in findings:
            quotes = [(e.quote, f"{e.document}" + (f", p. {e.page}" if e.page else ""))
                      for e in finding.evidence + finding.candidates]
            due, how = due_date(rule, lambda name: fact_value(name, facts, as_of), as_of, dates_in(quotes, as_of))
            finding.due, finding.due_rule = due, how
            # Overdue: past due and not shown done. A met finding's clock is informational.
            finding.overdue = (due < as_of and finding.status != "met") if due else None
    return findings


def _finding(base: dict, requirement: Requirement, checklist: Checklist, ctx: checks.EvalContext,
             result: checks.CheckResult, unreadable: list[str]) -> Finding:
    status = result.status
    corpus = ctx.corpus
    passages = corpus.passages
    missing = wording.gap_missing(requirement, result) if status in ("not_met", "partial") else result.missing
    nearest = _nearest(result, corpus) if status != "met" else []
    evidence = [passages[i] for i in result.evidence]
    rationale = wording.rationale(requirement, status, result, len(evidence), len({p.doc for p in evidence}),
                                  missing, nearest)
    if result.computed and result.notes:
        # Numbers speak for themselves: what was computed, against what threshold.
        rationale = ". ".join(n[0].upper() + n[1:] for n in result.notes) + "."
    if status == "not_met" and requirement.when_not_found == "needs_review":
        status = "needs_review"
        rationale += (" This obligation is usually shown by correspondence with the regulator rather than by"
                      " program documents: confirm it with the HMO.")
    if unreadable and status in ("not_met", "partial") and not result.data:
        note = f" {len(unreadable)} file(s) could not be read ({', '.join(unreadable)}); they may hold the evidence."
        if status == "not_met":
            status = "needs_review"
        rationale += note
    data = [Evidence(document=source, page=None, quote=quote, section=where) for source, where, quote in result.data]
    return Finding(**base, status=status, missing=missing,
                   evidence=([_evidence(passages[i], corpus) for i in _with_body(result.evidence, corpus)[:MAX_QUOTES]]
                             + data[:MAX_QUOTES]),
                   candidates=[_evidence(passages[i], corpus) for i in result.candidates[:MAX_QUOTES]],
                   nearest=nearest, rationale=rationale)


def _nearest(result: checks.CheckResult, corpus: Corpus) -> list[Evidence]:
    """Up to three closest partial matches, one quote each, with what each lacks."""
    shown: dict[int, list[str]] = {}
    for _share, i, lacks in result.nearest:
        if i in result.evidence or i in result.candidates:
            continue
        if i in shown or len(shown) < NEAREST:
            shown.setdefault(i, []).extend(lack for lack in lacks if lack not in shown.get(i, []))
    return [_evidence(corpus.passages[i], corpus).model_copy(update={"lacks": lacks}) for i, lacks in shown.items()]


def _with_body(evidence: list[int], corpus: Corpus) -> list[int]:
    """A heading alone is too short to judge by: quote the first sentence under it as well."""
    out: list[int] = []
    for i in evidence:
        out.append(i)
        passage = corpus.passages[i]
        if passage.kind == "heading":
            body = [j for j in corpus.by_section.get(passage.section_key, []) if corpus.passages[j].kind != "heading"]
            if body and body[0] not in evidence:
                out.append(body[0])
    return list(dict.fromkeys(out))


def fact_value(name: str, facts: SubmissionFacts, as_of: dt.date):
    """A fact from submission.yaml (dotted for nested ones), or one derived from them and the audit date."""
    if name == "months_licensed_on_march_1":
        # 1.06: the annual statement is not due from an HMO licensed less than six months as of March 1.
        if facts.license_date is None:
            return None
        march_1 = dt.date(as_of.year, 3, 1)
        delta = relativedelta(march_1, facts.license_date)
        return delta.years * 12 + delta.months
    value = facts
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _holds(condition: Condition, facts: SubmissionFacts, as_of: dt.date) -> bool:
    value = fact_value(condition.fact, facts, as_of)
    if condition.known is not None:
        return (value is not None) == condition.known
    if value is None:
        return condition.if_unknown == "holds"
    if condition.eq is not None and value != condition.eq:
        return False
    if condition.ge is not None and not value >= condition.ge:
        return False
    return not (condition.lt is not None and not value < condition.lt)


def _evidence(passage: Passage, corpus: Corpus) -> Evidence:
    document = corpus.documents[passage.doc]
    return Evidence(document=document.path, page=passage.page, quote=" ".join(passage.text.split()),
                    section=" > ".join(passage.section) or None)


def _names(corpus: Corpus) -> list[NameEntry]:
    """How the plan names things, for the report: one entry per name, with its passage."""
    from auditor.roles import spec

    labels = {role: r["label"] for role, r in spec()["roles"].items()}
    out = []
    for name in corpus.names:
        if name.name.startswith("The ") and any(n.name == "the " + name.name[4:] for n in corpus.names):
            continue  # the capitalised twin of a short form
        entry = NameEntry(role=name.role, label=labels.get(name.role), name=name.name, means=name.means,
                          how=name.how, foreign=name.foreign)
        if name.passage is not None:
            evidence = _evidence(corpus.passages[name.passage], corpus)
            entry = entry.model_copy(update={"document": evidence.document, "page": evidence.page,
                                             "quote": evidence.quote})
        out.append(entry)
    # roles first, in the order roles.yaml gives them; other defined names after, in order of appearance
    rank = {role: r for r, role in enumerate(spec()["roles"])}
    return sorted(out, key=lambda e: rank.get(e.role, len(rank)))


def _entry(document: Document) -> DocumentEntry:
    return DocumentEntry(path=document.path, sha256=document.sha256, kind=document.kind, format=document.format,
                         title=document.title, pages=document.pages, coverage=document.coverage,
                         error=document.error)
