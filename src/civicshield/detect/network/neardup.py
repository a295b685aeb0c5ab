"""Near-duplicate text groups with MinHash LSH (datasketch).

Templated posts of an operation differ in a word or two, in word order, in
emoji or in diacritics (``ș``/``ş``/``s``).  Texts arrive already folded by
``civicshield.text.content_text``; here each distinct text becomes the set
of its words, LSH finds pairs whose estimated Jaccard similarity passes the
threshold, and union-find turns pairs into groups.  Word *sets* rather than
shingles on purpose: word-order tweaks must not break a match.

Only groups of two or more distinct texts get a label: a text with no
near-duplicate is already covered by its exact ``text`` key.
"""

from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash, MinHashLSH


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression keeps later finds cheap
        parent[i], i = root, parent[i]
    return root


def near_duplicate_groups(texts: list[str], threshold: float = 0.6, num_perm: int = 64) -> list[str | None]:
    """One label per text (``nd-<hash>``), ``None`` for texts with no near-duplicate."""
    n = len(texts)
    if n < 2:
        return [None] * n
    token_sets = [sorted(set(t.split())) for t in texts]
    hashes = MinHash.bulk(([w.encode() for w in ws] for ws in token_sets), num_perm=num_perm, seed=1)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m, check_duplication=False)
    parent = np.arange(n)
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            # LSH banding also returns some pairs below the threshold; checking
            # the estimate keeps chains of weak matches from merging templates.
            if j != i and m.jaccard(hashes[j]) >= threshold:
                a, b = _find(parent, i), _find(parent, j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = np.array([_find(parent, i) for i in range(n)])
    sizes = np.bincount(roots, minlength=n)
    labels: dict[int, str] = {}
    out: list[str | None] = []
    for r in roots:
        if sizes[r] < 2:
            out.append(None)
            continue
        if r not in labels:  # the root is the group's lowest index: stable for a given input order
            labels[r] = "nd-" + hashlib.blake2b(texts[r].encode(), digest_size=8).hexdigest()
        out.append(labels[r])
    return out
