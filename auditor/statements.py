"""What a statement does: statement kinds of term occurrences, by medspaCy's ConText.

A requirement is shown only by a statement of practice or commitment ("the committee reviews", "shall"). The same
words in an option ("may be invited"), a document's purpose ("The purpose of this policy is to ..."), a plan for
later ("will develop"), a placeholder ("TBD"), a pointer elsewhere ("described in Appendix B") or a negation do not
show it. ConText (the clinical-NLP assertion algorithm: cue phrases that modify the concepts within their scope in
a sentence, cut short by terminators) gives each term occurrence the kinds of the cues whose scope covers it; the
cues are data (statement_cues.yaml).

Why ConText rather than more regular expressions: a cue governs part of a sentence, not the sentence. In "The QIC
reviews the results and may invite practitioners", only the inviting is optional; a sentence-wide test would also
discount the reviewing. ConText's scopes, terminators and pseudo-cues ("not limited to") are that logic, maintained
and tested elsewhere.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from importlib import resources

import yaml

KINDS = ("permission", "purpose", "plan", "placeholder", "pointer", "negated", "received", "restates_rule", "foreign",
         "label", "verdict", "boilerplate", "comment", "superseded", "draft",
         "change_log")
# What each kind means, for rationales: "only <label>".
LABELS = {
    "permission": "an option, not a practice",
    "purpose": "a statement of a document's purpose",
    "plan": "a plan for later",
    "placeholder": "a placeholder",
    "pointer": "a pointer to another document",
    "negated": "a negative statement",
    "restates_rule": "the rule's own words",
    "foreign": "another organisation's own practice, not the HMO's",
    "received": "what the body only receives reports of",
    "label": "a heading or label that names the subject without saying anything of it",
    "verdict": "a conclusion with nothing to ground it",
    "boilerplate": "the same words in every row of a table, said of none in particular",
    "comment": "a reviewer's comment left in the draft, not the plan's statement",
    "superseded": "a superseded version, no longer in force",
    "draft": "a draft version, not in force",
    "change_log": "a change log's entry, a record of the document rather than a statement of practice",
}


@functools.cache
def _cues() -> dict:
    text = resources.files("auditor").joinpath("statement_cues.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _rules():
    from medspacy.context import ConTextRule

    data = _cues()
    # Breaks get a scope of one token each side: medspaCy tests whether two scopes overlap without counting one
    # inside the other, so a break whose scope is its whole sentence never cuts a cue scope shortened by
    # `max_scope`; a break's own narrow scope always overlaps the cue scope it falls in.
    rules = [ConTextRule(word, "CLAUSE", direction="PSEUDO", max_scope=1) for word in data["clause"]]
    rules += [ConTextRule(word, "COMMA", direction="PSEUDO", max_scope=1) for word in data["comma"]]
    rules += [ConTextRule(word, "TERMINATE", direction="TERMINATE", max_scope=1) for word in data["terminate"]]
    for cue in data["cues"]:
        direction = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL",
                     "pseudo": "PSEUDO"}[cue["direction"]]
        options = {"direction": direction, "max_scope": cue.get("max_scope")}
        if cue.get("terminated_by"):
            options["terminated_by"] = {k.upper() for k in cue["terminated_by"]}
        if "pattern" in cue:
            name = " ".join(str(next(iter(t.get("LOWER", {"": ""}).values()), "")) if isinstance(t.get("LOWER"), dict)
                            else str(t.get("LOWER", "")) for t in cue["pattern"])
            rules.append(ConTextRule(f"{cue['kind']}: {name}", cue["kind"].upper(), pattern=cue["pattern"], **options))
        for literal in cue.get("literal", []):
            rules.append(ConTextRule(str(literal), cue["kind"].upper(), **options))
    return rules


# How often: a sentence that says it describes a recurring practice, whatever its tense.
# "each"/"every" only of a time ("each year", "every other quarter"): "once a year of claims is in for each practice"
# recurs nothing.
_RECURRING = re.compile(r"\b(?:annual(?:ly)?|(?:each|every)(?:\s+\w+)?\s+(?:year|quarter|month|week|day|meeting|cycle|"
                        r"period|session|review)s?|yearly|quarterly|monthly|weekly|biennial(?:ly)?|periodically|"
                        r"at least once|ongoing basis|routinely|regularly)\b", re.IGNORECASE)
# A year after the audit's year, where a sentence says something begins then or is planned for then.
_FUTURE_LEAD = ("beginning", "starting", "commencing", "effective", "from", "planned", "scheduled", "slated",
                "deferred", "postponed", "expected", "targeted", "until")

# Words too common to tell whether a passage may hold a cue.
_COMMON = frozenset(["is", "are", "has", "have", "will", "shall", "the", "this", "to", "be", "a", "an", "of", "in",
                     "on", "they", "it", "for", "as", "at", "by", "or", "and"])


@functools.cache
def _machine():
    """ConText's matcher with the cues, and the words a doc must hold one of for any cue to match (most passages
    hold none, and skip the matching)."""
    from medspacy.common.medspacy_matcher import MedspacyMatcher

    from auditor.nlp import pipeline

    nlp = pipeline()
    matcher = MedspacyMatcher(nlp, name="hmo_audit_statements", phrase_matcher_attr="LOWER", prune=True)
    rules = _rules()
    matcher.add(rules)
    triggers: set[str] = set()
    for rule in rules:
        if rule.direction in ("PSEUDO", "TERMINATE"):
            continue
        if rule.pattern is None:  # the longest uncommon word of the phrase: the one least likely to be everywhere
            words = rule.literal.lower().split()
            triggers.add(max(words, key=lambda w: (w not in _COMMON, len(w))))
        else:  # the required token whose words are the least common ("purpose", "describes")
            sets = [t["LOWER"]["IN"] if isinstance(t["LOWER"], dict) else [t["LOWER"]]
                    for t in rule.pattern if t.get("OP") != "?" and "LOWER" in t]
            triggers.update(min(sets, key=lambda words: (sum(w in _COMMON for w in words), len(words))))
    strings = nlp.vocab.strings
    return matcher, frozenset(strings.add(w) for w in triggers)


def _future_years(doc, after_year: int) -> dict[int, set[str]]:
    """Tokens in the scope of "beginning in 2026", "planned for FY2027": a year after the audit's, led by a word that
    says something starts or is planned then (a goal's "by 2026" is not: goals are about the future)."""
    marks: dict[int, set[str]] = {}
    for i, token in enumerate(doc):
        m = _YEAR.match(token.text)
        if not m or int(m.group(1)) <= after_year:
            continue
        lead = [t.lower_ for t in doc[max(0, i - 4):i]]
        if not any(w in _FUTURE_LEAD for w in lead) or _RECURRING.search(token.sent.text):
            continue
        sent = token.sent
        for j in range(max(sent.start, i - 12), min(sent.end, i + 12)):
            marks.setdefault(j, set()).add("plan")
    return marks


_YEAR = re.compile(r"^(?:MY|FY|CY|PY)?((?:19|20)\d\d)$")
# Text shown as deleted: a transcription's "[struck: ...]" or "[deleted: ...]", a markup print's "~~...~~".
_STRUCK = re.compile(r"\[\s*(?:struck(?:\s+through)?|strikethrough|struck-through|crossed[\s-]out|deleted|deletion)\s*:"
                     r"[^\]]*\]|~~[^~]+~~", re.IGNORECASE)


# A reviewer's note left in a draft, as a transcription or a markup print shows it: "[Comment JB: confirm with the
# Board]", "[Reviewer note: ...]", "[Note to draft: ...]".
_COMMENT = re.compile(r"\[\s*(?:comments?|reviewer(?:'s)?(?:\s+(?:comments?|notes?))?|"
                      r"note\s+to\s+(?:draft|drafter|reviewers?|file)|editor'?s?\s+notes?|drafting\s+notes?|"
                      r"internal\s+notes?|to\s*do)\b[^\]:]{0,30}:[^\]]*\]?", re.IGNORECASE)


def _spans_of(doc, pattern: re.Pattern) -> list[int]:
    spans = (doc.char_span(*m.span(), alignment_mode="expand") for m in pattern.finditer(doc.text))
    return [i for span in spans if span is not None for i in range(span.start, span.end)]


def _struck(doc) -> list[int]:
    """Tokens of text struck out: a clause the plan deleted says nothing the plan does."""
    if "[" not in doc.text and "~~" not in doc.text:
        return []
    return _spans_of(doc, _STRUCK)


def _commented(doc) -> list[int]:
    """Tokens of a reviewer's comment: a question or reminder about the draft, not what the plan does."""
    return _spans_of(doc, _COMMENT) if "[" in doc.text else []


def prepare() -> None:
    """Build the cues' matcher (importing medspaCy) before any text: `token_kinds` would otherwise pay for it on the
    first passage, and a caller may prepare while the documents are read (auditor.engine.prepare)."""
    from medspacy.context.context_graph import ConTextGraph  # noqa: F401 - imported for token_kinds, ahead of it

    _machine()


def token_kinds(doc, after_year: int | None = None) -> dict[int, frozenset[str]]:
    """The statement kinds of each token of the doc that some cue's scope covers (tokens not listed: practice).

    ConText proper links cue modifiers to given target spans; here every token is a potential target (terms, and
    the plan's own names found later, are spans of tokens), so the cue scopes that ConText computes are read off
    per token instead: the same scopes, without a targets-by-modifiers loop over every token."""
    from medspacy.context.context_graph import ConTextGraph
    from medspacy.context.context_modifier import ConTextModifier
    from spacy.attrs import LOWER

    matcher, triggers = _machine()
    future = _future_years(doc, after_year) if after_year is not None and len(doc) else {}
    for i in _struck(doc):
        future.setdefault(i, set()).add("negated")
    for i in _commented(doc):
        future.setdefault(i, set()).add("comment")
    if not len(doc) or triggers.isdisjoint(doc.count_by(LOWER)):
        return {i: frozenset(k) for i, k in future.items()}
    matches = matcher(doc)
    if not matches:
        return {i: frozenset(k) for i, k in future.items()}
    strings = doc.vocab.strings
    graph = ConTextGraph(prune_on_modifier_overlap=False)
    graph.modifiers = [ConTextModifier(matcher.rule_map[strings[m]], s, e, doc) for m, s, e in matches]
    if all(m.direction in ("PSEUDO", "TERMINATE") for m in graph.modifiers):
        return {i: frozenset(k) for i, k in future.items()}
    graph.update_scopes()
    marks: dict[int, set[str]] = future
    for modifier in graph.modifiers:
        kind = modifier.category.lower()
        if modifier.direction in ("PSEUDO", "TERMINATE") or kind not in KINDS:
            continue
        if kind == "plan" and _RECURRING.search(doc[modifier.modifier_span[0]].sent.text):
            continue  # "will develop a work plan each year": a standing commitment
        if kind == "permission" and _granted_right(doc, modifier.modifier_span[0]):
            continue  # "Members may obtain copies of their records": a right the text grants, not an option
        first, last = modifier.scope_span
        cue_start, cue_end = modifier.modifier_span
        # A plan's own words are content words too ("will begin", "to be implemented"), and so is the name of the
        # document a pointer sends the reader to ("in the Delegation Oversight Report"): they state nothing done.
        # Other cues' words keep their sense ("receives reports" still names reports).
        own = kind in ("plan", "pointer")
        for i in range(max(first, 0), min(last, len(doc))):
            if own or not cue_start <= i < cue_end:
                marks.setdefault(i, set()).add(kind)
        if own:
            for i in range(cue_start, cue_end):
                marks.setdefault(i, set()).add(kind)
    _chained(doc, graph.modifiers, marks)
    _copular_negation(doc, marks)
    _reach_subject(doc, graph.modifiers, marks)
    return {i: frozenset(k) for i, k in marks.items()}


# Who holds a right when a text says they "may" do a thing: a member, or a regulator. (The party a text binds "may"
# only at its option: "Practitioner may permit Members to review their records".)
_RIGHT_HOLDERS = frozenset(["member", "members", "enrollee", "enrollees", "subscriber", "subscribers", "patient",
                            "patients", "beneficiary", "beneficiaries", "superintendent", "department", "state",
                            "bureau", "commissioner"])
_MODALS = frozenset(["may", "can"])


def _granted_right(doc, cue: int) -> bool:
    """A modal whose subject, right before it, holds a right: "Members may inspect", "the Superintendent may
    examine", "a member can ask for"."""
    if doc[cue].lower_ not in _MODALS:
        return False
    before = cue - 1 - (cue > 1 and doc[cue - 1].lower_ in ("also", "always"))
    return before >= 0 and doc[before].lower_ in _RIGHT_HOLDERS


# Words that open a sentence with a clause or phrase before its subject ("When the baseline is in, the QMC will
# ..."): there the comma before the plan's verb ends the clause, and the plan does not reach back past it.
_LEADS = frozenset(["when", "if", "after", "once", "as", "while", "because", "although", "though", "where", "unless",
                    "until", "before", "since", "following", "upon", "in", "for", "during", "by", "with", "to", "at",
                    "on", "from", "through", "under", "within", "given", "based", "beginning", "starting", "effective",
                    "for", "of", "over", "pending"])


def _reach_subject(doc, modifiers, marks: dict[int, set[str]]) -> None:
    """"An evaluation of the overall effectiveness of the program, including barriers, will be completed at the Q3
    meeting", "The results of oversight of delegated functions, including audits of X, Y and Z, are reported in the
    Delegation Oversight Report": a plan's or a pointer's verb says something of its sentence's subject, across the
    commas of an appositive, back to the sentence's start when the sentence opens with its subject (not with a clause
    of its own), and not past a new clause (", and", ";", ":")."""
    for modifier in modifiers:
        kind = modifier.category.lower()
        if kind not in ("plan", "pointer") or modifier.direction not in ("BIDIRECTIONAL", "BACKWARD"):
            continue
        cue_start = modifier.modifier_span[0]
        sent = doc[cue_start].sent
        if cue_start == sent.start or doc[sent.start].lower_ in _LEADS or (kind == "plan"
                                                                           and _RECURRING.search(sent.text)):
            continue
        first = modifier.scope_span[0]
        for j in range(min(first, cue_start) - 1, max(sent.start, cue_start - 40) - 1, -1):
            token = doc[j]
            if token.text in (";", ":", "|") or (token.lower_ in ("and", "but", "or", "while", "which", "who", "that")
                                                and j > sent.start and doc[j - 1].text == ","):
                break
            marks.setdefault(j, set()).add(kind)


def _chained(doc, modifiers, marks: dict[int, set[str]]) -> None:
    """"A workgroup may be convened as needed to look at barriers": ConText ends a cue's scope at the next cue of its
    own kind, which is right when that cue reaches forward in its turn ("no X, no Y"); a backward cue ("as needed")
    does not, and the words after it are left unmarked. A forward cue cut so runs on past the backward one, to its
    own limit, the sentence's end or a terminating cue."""
    for modifier in modifiers:
        if modifier.direction not in ("FORWARD", "BIDIRECTIONAL"):
            continue
        kind = modifier.category.lower()
        end = modifier.scope_span[1]
        cut = next((o for o in modifiers if o is not modifier and o.category == modifier.category
                    and o.direction == "BACKWARD" and o.modifier_span[0] == end), None)
        if cut is None or kind not in KINDS:
            continue
        sent = doc[modifier.modifier_span[0]].sent
        reach = modifier.max_scope
        limit = sent.end if reach is None else min(sent.end, modifier.modifier_span[1] + reach)
        stops = [o.modifier_span[0] for o in modifiers if o.direction == "TERMINATE" and o.modifier_span[0] >= end]
        for j in range(cut.modifier_span[1], min([limit, *stops])):
            marks.setdefault(j, set()).add(kind)


_COPULA = frozenset({"is", "are", "was", "were", "has", "have", "had"})


def _copular_negation(doc, marks: dict[int, set[str]]) -> None:
    """"Contracting and risk management are not within the scope": a copula's negation denies its subject too, back
    to the nearest comma or clause start within the sentence (ConText's negation cues run forward only)."""
    for i, token in enumerate(doc):
        if token.lower_ not in ("not", "n't") or i == 0 or doc[i - 1].lower_ not in _COPULA:
            continue
        if "negated" not in marks.get(i + 1, ()):
            continue  # a pseudo-negation ("is not limited to") or nothing after it
        start = token.sent.start
        for j in range(i - 2, max(start, i - 14) - 1, -1):
            if doc[j].text in (",", ";", ":", "|") or doc[j].lower_ in (
                    "but", "however", "although", "while", "that", "if", "when", "whether", "which", "who", "unless",
                    "because", "where", "once", "until", "after", "before"):
                break  # the clause the copula is in: "If remeasurement shows that [an intervention] has not ..."
            marks.setdefault(j, set()).add("negated")


def kinds_of(doc, spans: list[tuple[int, int]]) -> list[frozenset[str]]:
    """For each (start, end) token span of the doc, the statement kinds of the cues whose scope covers any of
    its tokens (empty: a statement of practice)."""
    marks = token_kinds(doc)
    if not marks:
        return [frozenset()] * len(spans)
    return [frozenset().union(*(marks.get(i, ()) for i in range(s, e))) for s, e in spans]

_WORD = re.compile(r"[a-z][a-z-]{2,}")
_STOP = frozenset([
    "the", "and", "for", "with", "that", "this", "shall", "must", "will", "are", "its", "their", "all", "any",
    "each", "such", "from", "into", "which", "who", "has", "have", "been", "was", "were", "not", "but", "than",
    "when", "where", "also", "other", "including", "include", "includes", "there", "these", "those", "them",
    "they", "his", "her", "our", "your", "can", "may", "should", "would", "could", "upon", "under", "within",
    "without", "between", "about", "after", "before", "during", "every", "more", "most", "only", "own", "same",
    "some", "very", "being", "both", "either", "through"
])
# The rule's measures of adequacy: a plan that repeats them has said it complies, not how.
_YARDSTICK = frozenset({"appropriate", "appropriately", "necessary", "needed", "adequate", "adequately", "timely",
                        "competent", "sufficient", "reasonable"})
# The rule's generic actor, and the marks of a quotation: a sentence that says "the HMO shall" speaks for no plan.
_GENERIC_ACTOR = re.compile(r"\b(HMOs?|health maintenance organi[sz]ations?|carriers?)\b", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*[\"“'‘]|[\"”'’]\s*$")
_MODAL = re.compile(r"\b(shall|must)\b", re.IGNORECASE)
# A citation in any rule's style: "§ 1.03", "10-144 CMR", "42 CFR 438.330(b)", "1.03-1(C)".
_GENERIC_CITATION = (r"§|\bC\.?M\.?R\.?\b|\bC\.?F\.?R\.?\b|\bU\.?S\.?C\.?\b"
                     r"|\b\d{1,3}\.\d{1,4}(?:-\d{1,3})?\s?\((?:[A-Za-z]|\d{1,2})\)")


@functools.lru_cache(maxsize=4096)
def _content(text: str) -> frozenset[str]:
    # Kept for the last few thousand texts: RuleEcho weighs one passage's text up to four ways (restates, covered,
    # echoes_standard, paraphrases), and a long document repeats many texts.
    words = (w.rstrip("s") if len(w) > 4 and not w.endswith("ss") else w for w in _WORD.findall(text.lower()))
    return frozenset(w for w in words if w not in _STOP)


class RuleEcho:
    """The rules' own words, to tell a passage that restates a rule (or cites it) from the plan's own statement.

    A crosswalk's question cell or a policy paragraph that copies "The HMO shall establish goals and objectives for
    its QMP" says what the rule asks, not what the plan does. A plan that writes its own sentence in the rule's
    vocabulary ("The QIC recommends policy decisions to the Board") is not caught: restating needs most of the
    passage's words to be one rule sentence's, and a mark that it speaks as the rule (the rule's generic actor,
    "shall"/"must", a citation, quotation marks).
    """

    def __init__(self, rule_texts: list[str], citations: list[str]) -> None:
        self.sentences: list[set[str]] = []
        for text in rule_texts:
            for sentence in re.split(r"(?<=[.;:])\s+", text):
                words = _content(sentence)
                if len(words) >= 4:
                    self.sentences.append(words)
        self.index: dict[str, list[int]] = {}
        for i, words in enumerate(self.sentences):
            for w in words:
                self.index.setdefault(w, []).append(i)
        numbers = sorted({n for c in citations for n in re.findall(r"\d+\.\d+(?:-\d+)?", c)}, key=len, reverse=True)
        pattern = _GENERIC_CITATION + "".join(f"|(?<![\\d.]){re.escape(n)}(?![\\d])" for n in numbers)
        self.citation = re.compile(pattern)

    def _shared(self, words: frozenset[str]) -> dict[int, int]:
        """Rule sentence -> how many of the words it holds (in order of first occurrence, which breaks ties)."""
        return Counter(itertools.chain.from_iterable(self.index.get(w, ()) for w in words))

    def _best(self, text: str) -> tuple[float, float, int]:
        words = _content(text)
        if len(words) < 4:
            return 0.0, 0.0, 0
        best = (0.0, 0.0, 0)
        for i, overlap in self._shared(words).items():
            if overlap >= 4:
                score = (overlap / len(words), overlap / len(self.sentences[i]), overlap)
                if score[0] + score[1] > best[0] + best[1]:
                    best = score
        return best

    def cites(self, text: str) -> bool:
        return bool(self.citation.search(text))

    def _covered(self, text: str) -> float:
        """The share of the passage's words that up to four rule sentences hold between them: a policy paragraph
        that strings several of the rule's sentences together ("The QM committee shall recommend policy
        decisions, review and evaluate the results of QM activities, institute needed actions ...")."""
        words = _content(text)
        if len(words) < 8:
            return 0.0
        candidates = {i for w in words for i in self.index.get(w, ())}
        left = set(words)
        for _ in range(4):
            best = max(candidates, key=lambda i: len(left & self.sentences[i]), default=None)
            if best is None or len(left & self.sentences[best]) < 3:
                break
            left -= self.sentences[best]
            candidates.discard(best)
        return 1 - len(left) / len(words)

    def restates(self, text: str) -> bool:
        """Most of the passage is one rule sentence's words (or a few rule sentences' together), and it speaks as
        the rule does."""
        of_passage, of_rule, overlap = self._best(text)
        marked = bool(_GENERIC_ACTOR.search(text) or _QUOTED.search(text))
        modal = bool(_MODAL.search(text))
        if overlap >= 8 and of_rule >= 0.85 and of_passage >= 0.75:
            return True  # nearly a whole rule sentence, nearly nothing else: a copy of it, in whatever voice
        if overlap >= 5 and of_passage >= 0.75 and of_rule >= 0.5:
            return marked or (modal and (self.cites(text) or of_passage >= 0.85))
        return (marked or modal) and self._covered(text) >= 0.85

    def paraphrases(self, text: str) -> bool:
        """Most of one rule sentence is in the passage, in whatever voice: with a pointer for the substance ("Topics
        are selected as priority areas on the basis of an appropriate rationale, as described in Policy 3.2") the
        passage says only what the rule asks."""
        of_passage, of_rule, overlap = self._best(text)
        return overlap >= 5 and of_rule >= 0.6 and of_passage >= 0.5

    def echoes_standard(self, text: str) -> bool:
        """Most of one rule sentence, keeping the rule's own yardstick ("on an appropriate rationale", "the necessary
        resources", "in a timely and competent manner") and adding no figure of its own: the passage says the plan
        meets the standard in the standard's words, not what it does to meet it."""
        if re.search(r"\d", text):
            return False
        words = _content(text)
        if len(words) < 4:
            return False
        for i, overlap in self._shared(words).items():
            rule = self.sentences[i]
            if (overlap >= 5 and overlap / len(rule) >= 0.6 and overlap / len(words) >= 0.5
                    and words & rule & _YARDSTICK):
                return True
        return False

    def cites_or_echoes(self, text: str) -> bool:
        """A cell that cites the rule or quotes most of a rule sentence: a crosswalk's question."""
        if self.cites(text):
            return True
        of_passage, of_rule, overlap = self._best(text)
        return overlap >= 4 and of_passage >= 0.6 and of_rule >= 0.4


def echoes(answer: str, question: str) -> bool:
    """An answer whose words are nearly all the question's: a restatement, not an answer."""
    words = _content(answer)
    if len(words) < 3:
        return False
    return len(words & _content(question)) / len(words) >= 0.75


# A verdict with nothing to ground it ("The QI Program was judged effective for 2024.", "The committee concluded that
# the program was effective in 2024."): under "Overall Effectiveness" it gives the conclusion, not the evaluation.
_VERDICT_TAIL = (r"(?:highly\s+|largely\s+|generally\s+)?(?:effective|successful|satisfactory|on track)"
                 r"(?:\s+(?:in|for|during|through)\s+[\w-]+)?\s*\.?$")
_VERDICT = re.compile(
    r"^(?:overall,?\s+)?(?:[\w'’().-]+\s+){0,10}?(?:(?:concluded|found|determined|agreed|judged)\s+that\s+"
    r"(?:[\w'’().-]+\s+){0,8}?(?:was|is|were|are|remained|remains)\s+"
    r"|(?:was|is|were|are|remained|remains|has been)\s+"
    r"(?:(?:judged|found|considered|deemed|determined|rated|assessed)\s+(?:to be\s+)?)?)" + _VERDICT_TAIL,
    re.IGNORECASE)


def bare_verdict(text: str) -> bool:
    # a figure before the verdict grounds it ("met 9 of 12 goals and was effective"); the year it speaks of does not
    body = re.sub(r"\s+(?:in|for|during|through)\s+(?:CY|FY|MY)?\d{4}\s*\.?$", "", text.strip())
    return not re.search(r"\d", body) and bool(_VERDICT.match(text.strip()))
