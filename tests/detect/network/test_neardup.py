"""Near-duplicate text: the MinHash estimate tracks true Jaccard, and groups
form only above the threshold."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from civicshield.detect.network.neardup import near_duplicate_groups, signatures


def test_signatures_estimate_jaccard():
    rng = np.random.default_rng(0)
    errors = []
    for _ in range(150):
        a = set(rng.choice(1000, 20, replace=False).tolist())
        b = set(list(a)[: int(rng.integers(0, 20))]) | set(rng.choice(range(1000, 2000), int(rng.integers(1, 20)), replace=False).tolist())
        sig = signatures(pa.array([" ".join(f"w{x}" for x in a), " ".join(f"w{x}" for x in b)]), num_perm=128)
        errors.append((sig[0] == sig[1]).mean() - len(a & b) / len(a | b))
    assert abs(np.mean(errors)) < 0.01 and np.mean(np.abs(errors)) < 0.05


def test_word_order_and_one_word_changes_group_unrelated_texts_do_not():
    texts = [
        "singurul candidat care apara tara votati pe 24 noiembrie",
        "votati pe 24 noiembrie singurul candidat care apara tara",  # reordered
        "singurul candidat care apara romania votati pe 24 noiembrie",  # one word changed
        "azi am fost la piata si am cumparat rosii si castraveti",
        "meciul de aseara a fost foarte bun pentru echipa noastra",
    ]
    g = near_duplicate_groups(texts, threshold=0.6)
    assert g[0] is not None and g[0] == g[1] == g[2]
    assert g[3] is None and g[4] is None


def test_labels_are_stable_for_the_same_input():
    texts = [f"a b c d e f {i % 3}" for i in range(30)]
    assert near_duplicate_groups(texts) == near_duplicate_groups(list(texts))
