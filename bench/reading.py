"""How a submission was read: the plan's own names for things and the approvals found, with their passages.

    PYTHONPATH=. python bench/reading.py fixtures/paraphrase-8/birchwood-health [--relations-only]
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--relations-only", action="store_true")
    args = parser.parse_args()
    from auditor.api import load_facts, read_documents
    from auditor.checklists import load_checklist, term_key, vocabulary_terms
    from auditor.engine import _echo, _vocabulary
    from auditor.passages import build_corpus

    checklist = load_checklist("maine-ch109")
    facts = load_facts([args.path])
    documents = read_documents([args.path])
    vocabulary = _vocabulary(tuple((n, tuple(p)) for n, p in sorted(vocabulary_terms([checklist]).items())))
    role_terms = {role: [term_key(t, checklist)] for role, t in checklist.roles.items()}
    corpus = build_corpus(documents, vocabulary, _echo([checklist]), role_terms, facts.names_given(), facts.hmo_name)
    if not args.relations_only:
        print("names:")
        for n in corpus.names:
            print(f"  {n.role or '-':<16} {n.name!r:<40} {n.how[:100]}")
    print("relations:")
    for r in corpus.relations:
        p = corpus.passages[r.passage]
        print(f"  {r.action:<8} {r.status:<9} of={','.join(r.object_kinds) or '-':<28} by={r.agent_role or '-':<15}"
              f" [{r.agent_text[:40]}] {Path(documents[p.doc].path).name}: {p.text[:110]}")


if __name__ == "__main__":
    main()
