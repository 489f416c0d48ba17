"""Candidate words for a concept's vocabulary, from a thesaurus, for a person to keep or drop (authoring time only).

    PYTHONPATH=. python bench/vocabulary_candidates.py evaluate_word results_word      # terms of the Maine checklist
    PYTHONPATH=. python bench/vocabulary_candidates.py --word oversee --word trend     # any words

Reads Debian's WordNet (`apt-get install wordnet-base`: /usr/share/wordnet) or, failing that, LibreOffice's
thesaurus (`mythes-en-us`: /usr/share/mythes/th_en_US_v2.dat). For each single word of a term, prints the thesaurus's
synonyms that the term does not have yet. Nothing consults a thesaurus when the auditor runs: the words a person
keeps go into checklists/concepts/ by hand, with the real plans' words they were checked against.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
MYTHES = Path("/usr/share/mythes/th_en_US_v2.dat")


def wordnet_synonyms(word: str) -> set[str]:
    out: set[str] = set()
    for pos in ("verb", "noun", "adj"):
        index, data = WORDNET / f"index.{pos}", WORDNET / f"data.{pos}"
        if not index.is_file():
            continue
        with index.open(encoding="utf-8", errors="replace") as handle:
            line = next((ln for ln in handle if ln.startswith(word.lower() + " ")), None)
        if line is None:
            continue
        parts = line.split()
        offsets = [p for p in parts if re.fullmatch(r"\d{8}", p)]
        with data.open("rb") as handle:
            for offset in offsets:
                handle.seek(int(offset))
                fields = handle.readline().decode("utf-8", "replace").split()
                count = int(fields[3], 16)
                out.update(fields[4 + 2 * i].replace("_", " ").lower() for i in range(count))
    out.discard(word.lower())
    return out


def mythes_synonyms(word: str) -> set[str]:
    if not MYTHES.is_file():
        return set()
    out: set[str] = set()
    lines = MYTHES.read_text(encoding="latin-1").splitlines()
    for i, line in enumerate(lines):
        if line.lower().startswith(word.lower() + "|"):
            senses = int(line.split("|")[1])
            for sense in lines[i + 1:i + 1 + senses]:
                out.update(w.split(" (")[0].lower() for w in sense.split("|")[1:])
            break
    out.discard(word.lower())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("terms", nargs="*", help="term names of the checklist")
    parser.add_argument("--word", action="append", default=[], help="a word to look up")
    parser.add_argument("--checklist", default="maine-ch109")
    args = parser.parse_args()
    synonyms = wordnet_synonyms if WORDNET.is_dir() else mythes_synonyms
    words: dict[str, set[str]] = {w: set() for w in args.word}
    if args.terms:
        from auditor.checklists import load_checklist

        checklist = load_checklist(args.checklist)
        for term in args.terms:
            phrases = set(checklist.terms[term])
            for phrase in phrases:
                if " " not in phrase and phrase.isalpha():
                    words.setdefault(phrase, set()).update(p.lower() for p in phrases)
    for word, known in sorted(words.items()):
        candidates = sorted(synonyms(word) - known)
        if candidates:
            print(f"{word}: {', '.join(candidates)}")


if __name__ == "__main__":
    main()
