"""The spaCy side: a blank English pipeline with rule components, and matchers compiled from checklists.

Imported only by commands that match text: importing spaCy costs most of a second.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable

import numpy
import spacy
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

# Abbreviations plans write that the sentencizer would otherwise end a sentence on.
_ABBREVIATIONS = ["Dr.", "Mr.", "Ms.", "Mrs.", "Dept.", "No.", "Inc.", "Co.", "Corp.", "St.", "vs.", "e.g.", "i.e.",
                  "etc.", "approx.", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.", "Oct.", "Nov.", "Dec.",
                  "M.D.", "D.O.", "R.N.", "U.S.", "Sec.", "Art."]


@Language.component("lower_lookup_lemmas")
def _lower_lookup_lemmas(doc: Doc) -> Doc:
    # spaCy's lookup lemmatizer keys on the token's exact text, so "Approves" would stay unlemmatised;
    # lemmatising the lower-cased form makes every match case-insensitive.
    # Done on arrays of string hashes, with each word's lemma looked up once per process: setting `token.lemma_`
    # one Token object at a time was a large share of annotating a long document.
    if not len(doc):
        return doc
    lemma_of = _lemma_hashes(doc.vocab.strings)
    lowers = doc.to_array(LOWER)
    lemmas = numpy.empty_like(lowers)
    for i, lower in enumerate(lowers.tolist()):
        lemma = lemma_of.get(lower)
        if lemma is None:
            text = doc.vocab.strings[lower]
            text = _ocr_repair(text) if _OCR_SUSPECT.search(text) else text
            lemma = lemma_of[lower] = doc.vocab.strings.add(_LEMMA_FIXES.get(text) or _lemma_table().get(text, text))
        lemmas[i] = lemma
    doc.from_array([LEMMA], lemmas.reshape(-1, 1))
    return doc


# Where spacy-lookups-data's table is wrong for words the plans use: "developed" -> "develope" (while "develops" ->
# "develop"), so "develop" in a rule never matched "guidelines are developed".
_LEMMA_FIXES = {"developed": "develop", "developing": "develop", "redeveloped": "redevelop"}


# A word as a scan's text layer misreads it: a digit among letters ("qua1ity", "sha11", "0bjectives"), "rn" for "m"
# ("cornmittee", "rnembers"), "vv" for "w" ("shovvn"), "l" for a capital I ("lnsurance").
_OCR_SUSPECT = re.compile(r"(?<=[a-z])[01]|[01](?=[a-z]{2})|rn|vv|^l[^aeiouyl]")
_OCR_SWAPS = (("1", "l"), ("0", "o"), ("rn", "m"), ("vv", "w"), ("1", "i"))


def _ocr_repair(text: str) -> str:
    """The word a scan misread, when the text is no English word and one reading of its confusable letters is
    (spacy-lookups-data's word lists); otherwise the text itself. "return" and "internal" are words, and stay."""
    if len(text) < 4 or sum(c.isdigit() for c in text) * 2 >= len(text) or _known(text):
        return text
    readings = [text, "i" + text[1:]] if re.match(r"l[^aeiouyl]", text) else [text]  # "lnsurance": an I read as l
    for old, new in _OCR_SWAPS:
        readings += [r.replace(old, new) for r in readings if old in r]
    return next((r for r in readings[1:] if _known(r)), text)


@functools.cache
def _lexicon() -> frozenset[str]:
    """English base forms from spacy-lookups-data's lemma index; inflected forms are the lookup table's keys."""
    index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos) or ()) | _FUNCTION_WORDS


def _known(word: str) -> bool:
    return word in _lexicon() or word in _lemma_table()


# Words no table lists, having no lemma of their own to look up: spaCy's stop words, and the rules' "shall".
_FUNCTION_WORDS = frozenset(STOP_WORDS) | {"shall"}


@functools.cache
def _lemma_hashes(strings) -> dict[int, int]:
    """Lower-case form -> lemma, as string hashes (one table per StringStore, which holds both strings)."""
    return {}


@functools.cache
def _lemma_table():
    # spacy-lookups-data's English lookup table (a spaCy Table: string keys are hashed on access).
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@functools.cache
def pipeline() -> Language:
    nlp = spacy.blank("en")
    for abbr in _ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
        nlp.tokenizer.add_special_case(abbr.lower(), [{"ORTH": abbr.lower()}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lower_lookup_lemmas")
    nlp.add_pipe("fold_acronym_definitions")
    return nlp


_ACRONYM = re.compile(r"^[A-Z][A-Za-z&/-]{0,7}$")


@Language.component("fold_acronym_definitions")
def _fold_acronym_definitions(doc: Doc) -> Doc:
    # "Quality Improvement (QI) Program": the acronym's definition sits inside the phrase a term names.
    # Merging "(QI)" into the word before it lets "quality improvement program" match, while the
    # passage's text stays verbatim.
    # Only the "(" tokens are looked at (found in the array of string hashes): making a Token object of every
    # token to test its text was a large share of annotating a long document.
    opening = numpy.flatnonzero(doc.to_array(ORTH) == doc.vocab.strings["("]).tolist()
    spans = [doc[i - 1:i + 3] for i in opening if 1 <= i < len(doc) - 2
             and doc[i + 2].text == ")" and _ACRONYM.match(doc[i + 1].text) and doc[i - 1].is_alpha]
    with doc.retokenize() as retokenizer:
        last_end = -1
        for span in spans:
            if span.start >= last_end:
                retokenizer.merge(span, attrs={"LEMMA": span[0].lemma_})
                last_end = span.end
    return doc


_ALT = re.compile(r"[|?]|(^|\s)(re:|=)\S")

_REGEX = "REGEX"  # the anchor attribute of a required regex token: the regex itself stands for the words
# A required token of a token pattern: (LEMMA or LOWER, the hashes of its words) or (_REGEX, {the regex}).
_Anchor = tuple[int | str, frozenset[int | str]]
_REGEX_CACHE_SIZE = 100_000  # distinct token texts whose regex results a Vocabulary keeps
_NO_HITS: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # shared by every text that matches no regex


class Vocabulary:
    """Terms compiled into one PhraseMatcher (literal phrases) and one Matcher (phrases with alternatives).

    A phrase is matched on lemmas, so "approve" also finds "approved" and "approves". Inside a phrase,
    `a|b` offers alternatives for one word, a trailing `?` makes a word optional, `=word` matches the word
    itself rather than its lemma ("=contracting" but not "contracts") and `re:regex` matches a word's text;
    such phrases become one token pattern each, with the alternatives folded into `{"LEMMA": {"IN": [...]}}`.
    """

    def __init__(self, terms: dict[str, list[str]]) -> None:
        nlp = pipeline()
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.exact_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")  # "=word" phrases: the words themselves
        # Token patterns, one Matcher per term, each run only on a doc that holds a word of every required
        # token of one of its patterns: the Matcher tests its set predicates at every token, which made it the
        # largest cost of a long document, while most sentences cannot match most terms at all.
        self.token_matchers: list[tuple[Matcher, list[list[_Anchor]]]] = []
        # One-word regexes ("re:^\\d{4}$") are tested once per distinct token text (`_token_regexes`): as Matcher
        # predicates they would be re-evaluated for every token and pattern, which dominated the cost of large
        # documents.
        self.word_regexes: list[tuple[str, re.Pattern]] = []
        for name, phrases in sorted(terms.items()):
            literal = [p for p in phrases if not _ALT.search(p)]
            exact, patterned = [], []
            for phrase in (p for p in phrases if _ALT.search(p)):
                words = phrase.split()
                if len(words) == 1 and words[0].startswith("re:"):
                    self.word_regexes.append((name, re.compile(words[0][3:])))
                    continue
                if all(w.startswith("=") and not w.endswith("?") for w in words):
                    found = _expand(" ".join(w[1:] for w in words))
                    if found is not None:
                        exact += found
                        continue
                expanded = _expand(phrase)
                if expanded is None:
                    patterned.append(phrase)
                else:
                    literal += expanded
            if literal:
                self.phrase_matcher.add(name, [_phrase_doc(p) for p in dict.fromkeys(literal)])
            if exact:
                self.exact_matcher.add(name, [pipeline().make_doc(p) for p in dict.fromkeys(exact)])
            if patterned:
                patterns = [self._token_pattern(p) for p in patterned]
                matcher = Matcher(nlp.vocab)
                matcher.add(name, patterns)
                self.token_matchers.append((matcher, [_anchors(p, nlp.vocab.strings) for p in patterns]))
        # The regexes of token patterns ("each re:^[A-Za-z][\\w-]*$ must"), tested per token text as the word
        # regexes are: a pattern's required regex token is an anchor like its required words.
        self._pattern_regexes = sorted({w for _m, anchors in self.token_matchers for pattern in anchors
                                        for attr, words in pattern if attr == _REGEX for w in words})
        self._compiled = [re.compile(r) for r in self._pattern_regexes]
        # Token text (hash) -> the word regexes' terms and the pattern regexes it matches. A cache only: what a
        # text matches depends on the text alone. Emptied when full, so a long run (a batch worker, a large
        # submission) does not grow it without bound.
        self._regex_hits: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # Which token matchers a doc may need, found from its words: each pattern is indexed under the words of
        # its first anchor (testing every matcher's anchors against every doc cost as much as running them).
        self._always: set[int] = set()  # matchers with a pattern that has no anchor
        self._by_word: dict[tuple[int | str, int | str], list[tuple[int, int]]] = {}
        for k, (_matcher, anchors) in enumerate(self.token_matchers):
            for j, pattern in enumerate(anchors):
                if not pattern:
                    self._always.add(k)
                    continue
                attr, words = pattern[0]
                for word in words:
                    self._by_word.setdefault((attr, word), []).append((k, j))

    def _token_regexes(self, doc: Doc) -> tuple[list[tuple[str, int, int]], set[str]]:
        """The word regexes' hits (term, start, end) in token order, and the token patterns' regexes some token
        matches. Each distinct token text is tested once (`_regex_hits`): a document repeats its numbers and
        words, and testing every token of it was a large share of matching."""
        hits: list[tuple[str, int, int]] = []
        matched: set[str] = set()
        if not self.word_regexes and not self._compiled:
            return hits, matched
        cache = self._regex_hits
        strings = doc.vocab.strings
        named: dict[int, tuple[str, ...]] = {}  # token text (hash) -> the word regexes' terms, when it has some
        for orth in doc.count_by(ORTH):  # each distinct token text once
            known = cache.get(orth)
            if known is None:
                if len(cache) >= _REGEX_CACHE_SIZE:
                    cache.clear()
                text = strings[orth]
                names = tuple(name for name, regex in self.word_regexes if regex.search(text))
                regexes = tuple(r for r, c in zip(self._pattern_regexes, self._compiled, strict=True)
                                if c.search(text))
                known = cache[orth] = (names, regexes) if names or regexes else _NO_HITS
            if known[0]:
                named[orth] = known[0]
            if known[1]:
                matched.update(known[1])
        if named:  # in token order, each token's terms in the order of `word_regexes`
            for i, orth in enumerate(doc.to_array(ORTH).tolist()):
                if orth in named:
                    hits += [(name, i, i + 1) for name in named[orth]]
        return hits, matched

    @staticmethod
    def _token_pattern(phrase: str) -> list[dict]:
        pattern: list[dict] = []
        for word in phrase.split():
            optional = word.endswith("?") and len(word) > 1
            word = word[:-1] if optional else word
            if word.startswith("re:") or (word.startswith("=") and len(word) > 1):
                spec: dict = ({"TEXT": {"REGEX": word[3:]}} if word.startswith("re:")
                              else {"LOWER": {"IN": [w.lower() for w in word[1:].split("|")]}})
                pattern.append({**spec, "OP": "?"} if optional else spec)
                continue
            alternatives = sorted({_lemma_of(w) for w in word.split("|") if w})
            tokens: list[list[str]] = [alt.split(" ") for alt in alternatives]
            if any(len(t) > 1 for t in tokens):
                raise ValueError(f"alternative {word!r} in {phrase!r} splits into several tokens")
            spec = {"LEMMA": {"IN": [t[0] for t in tokens]}}
            if optional:
                spec["OP"] = "?"
            pattern.append(spec)
        return pattern

    def match(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(term name, start token, end token) for every term occurrence in the doc."""
        strings = doc.vocab.strings
        found = [(strings[m], s, e) for m, s, e in self.phrase_matcher(doc)]
        if len(self.exact_matcher):
            found += [(strings[m], s, e) for m, s, e in self.exact_matcher(doc)]
        hits, regexes = self._token_regexes(doc)
        found += hits
        if self.token_matchers:
            present: dict[int | str, set] = {LEMMA: set(doc.count_by(LEMMA)), LOWER: set(doc.count_by(LOWER)),
                                             _REGEX: regexes}
            run = set(self._always)
            by_word = self._by_word
            for attr in (LEMMA, LOWER, _REGEX):
                for word in present[attr]:
                    for k, j in by_word.get((attr, word), ()):
                        if k not in run and all(not present[a].isdisjoint(words)
                                                for a, words in self.token_matchers[k][1][j]):
                            run.add(k)
            for k in sorted(run):
                found += [(strings[m], s, e) for m, s, e in self.token_matchers[k][0](doc)]
        return found


def _anchors(pattern: list[dict], strings) -> list[_Anchor]:
    """The required tokens of a pattern a doc must hold one word of each, as (attribute, word hashes); a required
    regex token as (_REGEX, {the regex}), which a doc holds when one of its tokens matches it."""
    anchors: list[_Anchor] = []
    for spec in pattern:
        if spec.get("OP") == "?":
            continue
        for key, attr in (("LEMMA", LEMMA), ("LOWER", LOWER)):
            if isinstance(spec.get(key), dict) and "IN" in spec[key]:
                anchors.append((attr, frozenset(strings.add(w) for w in spec[key]["IN"])))
        if isinstance(spec.get("TEXT"), dict) and "REGEX" in spec["TEXT"]:
            anchors.append((_REGEX, frozenset([spec["TEXT"]["REGEX"]])))
    return anchors


_MAX_EXPANSION = 64


def _expand(phrase: str) -> list[str] | None:
    """The literal phrases a pattern stands for, when it only has alternatives and optional words and there
    are few of them: the PhraseMatcher finds those far faster than the Matcher runs a token pattern (its
    cost grows with every pattern). Exact-word and regex patterns stay token patterns."""
    if "re:" in phrase or any(w.startswith("=") for w in phrase.split()):
        return None
    options: list[list[str]] = []
    for word in phrase.split():
        optional = word.endswith("?") and len(word) > 1
        choices = [w for w in (word[:-1] if optional else word).split("|") if w]
        options.append(choices + [""] if optional else choices)
    total = 1
    for choices in options:
        total *= len(choices)
    if total > _MAX_EXPANSION:
        return None
    return [" ".join(w for w in combo if w) for combo in itertools.product(*options) if any(combo)]


def _phrase_doc(phrase: str) -> Doc:
    # Only what matching on lemmas needs: tokens and their lemmas (no sentences, no acronym folding).
    return _lower_lookup_lemmas(pipeline().make_doc(phrase))


@functools.cache
def _lemma_of(word: str) -> str:
    doc = pipeline()(word)
    return " ".join(t.lemma_ for t in doc)


def process(texts: Iterable[str]) -> Iterable[Doc]:
    return pipeline().pipe(texts, batch_size=256)
