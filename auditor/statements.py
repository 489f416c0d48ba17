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
import re
from importlib import resources

import yaml

KINDS = ("permission", "purpose", "plan", "placeholder", "pointer", "negated", "restates_rule")
# What each kind means, for rationales: "only <label>".
LABELS = {
    "permission": "an option, not a practice",
    "purpose": "a statement of a document's purpose",
    "plan": "a plan for later",
    "placeholder": "a placeholder",
    "pointer": "a pointer to another document",
    "negated": "a negative statement",
    "restates_rule": "the rule's own words",
}
_GROUP = "hmo_audit_targets"


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


@functools.cache
def _context():
    """One ConText component per process, bound to the project's pipeline (its vocabulary and tokenizer)."""
    from medspacy.context import ConText

    from auditor.nlp import pipeline

    nlp = pipeline()
    component = ConText(nlp, name="hmo_audit_statements", rules=None, input_span_type="group",
                        span_group_name=_GROUP, span_attrs=None, prune_on_target_overlap=False)
    component.add(_rules())
    return component


def kinds_of(doc, spans: list[tuple[int, int]]) -> list[frozenset[str]]:
    """For each (start, end) token span of the doc, the statement kinds of the cues whose scope covers it
    (empty: a statement of practice)."""
    if not spans or not len(doc):
        return [frozenset()] * len(spans)
    from spacy.tokens import Span

    unique = sorted(set(spans))
    doc.spans[_GROUP] = [Span(doc, s, e) for s, e in unique]
    _context()(doc)
    found: dict[tuple[int, int], set[str]] = {}
    for target, modifier in doc._.context_graph.edges:
        category = modifier.category.lower()
        if category in KINDS:
            found.setdefault((target.start, target.end), set()).add(category)
    del doc.spans[_GROUP]
    doc._.context_graph = None
    return [frozenset(found.get(span, ())) for span in spans]


_WORD = re.compile(r"[a-z][a-z-]{2,}")
_STOP = frozenset([
    "the", "and", "for", "with", "that", "this", "shall", "must", "will", "are", "its", "their", "all", "any",
    "each", "such", "from", "into", "which", "who", "has", "have", "been", "was", "were", "not", "but", "than",
    "when", "where", "also", "other", "including", "include", "includes", "there", "these", "those", "them",
    "they", "his", "her", "our", "your", "can", "may", "should", "would", "could", "upon", "under", "within",
    "without", "between", "about", "after", "before", "during", "every", "more", "most", "only", "own", "same",
    "some", "very", "being", "both", "either", "through"
])
# The rule's generic actor, and the marks of a quotation: a sentence that says "the HMO shall" speaks for no plan.
_GENERIC_ACTOR = re.compile(r"\b(HMOs?|health maintenance organi[sz]ations?|carriers?)\b", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*[\"“'‘]|[\"”'’]\s*$")
_MODAL = re.compile(r"\b(shall|must)\b", re.IGNORECASE)
_GENERIC_CITATION = r"§|\bC\.?M\.?R\.?\b|\bC\.?F\.?R\.?\b|\bU\.?S\.?C\.?\b"


def _content(text: str) -> set[str]:
    words = (w.rstrip("s") if len(w) > 4 and not w.endswith("ss") else w for w in _WORD.findall(text.lower()))
    return {w for w in words if w not in _STOP}


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

    def _best(self, text: str) -> tuple[float, float, int]:
        words = _content(text)
        if len(words) < 4:
            return 0.0, 0.0, 0
        shared: dict[int, int] = {}
        for w in words:
            for i in self.index.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        best = (0.0, 0.0, 0)
        for i, overlap in shared.items():
            if overlap >= 4:
                score = (overlap / len(words), overlap / len(self.sentences[i]), overlap)
                if score[0] + score[1] > best[0] + best[1]:
                    best = score
        return best

    def cites(self, text: str) -> bool:
        return bool(self.citation.search(text))

    def restates(self, text: str) -> bool:
        """Most of the passage is one rule sentence's words, and it speaks as the rule does."""
        of_passage, of_rule, overlap = self._best(text)
        if overlap < 5 or of_passage < 0.75 or of_rule < 0.5:
            return False
        return bool(_GENERIC_ACTOR.search(text) or _QUOTED.search(text)
                    or (_MODAL.search(text) and (self.cites(text) or of_passage >= 0.85)))

    def cites_or_echoes(self, text: str) -> bool:
        """A cell that cites the rule or quotes most of a rule sentence: a crosswalk's question."""
        if self.cites(text):
            return True
        of_passage, of_rule, overlap = self._best(text)
        return overlap >= 4 and of_passage >= 0.6 and of_rule >= 0.4
