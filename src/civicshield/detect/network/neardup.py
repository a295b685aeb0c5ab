"""Near-duplicate text groups: MinHash signatures, LSH banding, union by components.

Templated posts of an operation differ in a word or two, in word order, in
emoji or in diacritics (``ș``/``ş``/``s``).  Texts arrive already folded by
``civicshield.text.content_text``; each distinct text becomes the *set* of
its words (sets, not shingles, so word-order tweaks still match).

Why signatures are computed here in one compiled batch rather than with
``datasketch.MinHash``: datasketch builds one Python object per document
(~100 µs each, 5 minutes for 3M distinct texts), and rensa's fast digest
matrix can only be read back as Python lists.  The estimator is the one
datasketch 2 uses by default (its "affine64" permutations over 64-bit token
hashes, one minimum per permutation); the band layout for a threshold comes
from ``datasketch.MinHashLSH``.  Documents sharing a band are linked, each link
is checked against the threshold on the full signature (banding also
yields pairs below it), and connected components (scipy, vectorised) are
the groups.

Only groups of two or more distinct texts get a label: a text with no
near-duplicate is already covered by its exact ``text`` key.
"""

from __future__ import annotations

import hashlib

import numba
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasketch import MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_VERIFY_CHUNK = 500_000  # candidate pairs checked at once: 500k x num_perm x 4 bytes x 2


def _token_hashes(tokens: pa.Array) -> np.ndarray:
    """64-bit hash per token, computed once per distinct token."""
    enc = pc.dictionary_encode(tokens)
    vocab = enc.dictionary.to_pylist()
    h = np.fromiter(
        (int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little") for t in vocab),
        dtype=np.uint64,
        count=len(vocab),
    )
    return h[enc.indices.to_numpy(zero_copy_only=False)]


@numba.njit(cache=True, nogil=True)
def _min_hash(starts: np.ndarray, hashes: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    for d in range(starts.size - 1):
        for t in range(starts[d], starts[d + 1]):
            h = hashes[t]
            for k in range(a.size):
                # uint64 arithmetic wraps: the affine map mod 2^64.  Only the top
                # 32 bits are kept (half the memory); the minimum of the top bits
                # is the top bits of the minimum.
                v = np.uint32((a[k] * h + b[k]) >> np.uint64(32))
                if v < out[d, k]:
                    out[d, k] = v


def signatures(texts: pa.Array, num_perm: int = 64, seed: int = 1) -> np.ndarray:
    """MinHash signature (``len(texts)`` x ``num_perm``, uint32) of each text's word set.

    Permutation ``k`` is ``a_k * h + b_k mod 2^64`` with ``a_k`` odd (a
    bijection, so it adds no collisions) over 64-bit blake2b token hashes,
    the "affine64" scheme of datasketch 2.
    """
    n = len(texts)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, np.iinfo(np.uint64).max, num_perm, dtype=np.uint64, endpoint=True) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.uint64).max, num_perm, dtype=np.uint64, endpoint=True)
    sig = np.full((n, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    lists = pc.utf8_split_whitespace(pc.fill_null(texts, ""))
    flat = pc.list_flatten(lists)
    if len(flat) == 0:
        return sig
    starts = np.asarray(lists.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    _min_hash(starts, _token_hashes(flat), a, b, sig)
    return sig


def near_duplicate_groups(texts: list[str], threshold: float = 0.6, num_perm: int = 64) -> list[str | None]:
    """One label per text (``nd-<hash>``), ``None`` for texts with no near-duplicate."""
    n = len(texts)
    if n < 2:
        return [None] * n
    sig = signatures(pa.array(texts, pa.string()), num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    mix = np.random.default_rng(2).integers(1, 1 << 63, lsh.r, dtype=np.uint64) | np.uint64(1)
    src, dst = [], []
    for band in range(lsh.b):
        key = (sig[:, band * lsh.r : (band + 1) * lsh.r] * mix).sum(axis=1)  # wraps: a hash of the band
        order = np.argsort(key, kind="stable")
        same = key[order][1:] == key[order][:-1]
        src.append(order[:-1][same])
        dst.append(order[1:][same])
    pairs = np.unique(np.concatenate(src).astype(np.int64) * n + np.concatenate(dst))  # a pair found by several bands once
    i, j = pairs // n, pairs % n
    ok = np.zeros(len(pairs), dtype=bool)
    for lo in range(0, len(pairs), _VERIFY_CHUNK):  # sig[i] copies rows: bound it
        sl = slice(lo, lo + _VERIFY_CHUNK)
        ok[sl] = (sig[i[sl]] == sig[j[sl]]).mean(axis=1) >= threshold
    links = coo_matrix((np.ones(int(ok.sum()), dtype=np.int8), (i[ok], j[ok])), shape=(n, n))
    _, membership = connected_components(links, directed=False)
    sizes = np.bincount(membership)
    # the group's first text names it: stable for a given input order
    _, first_of = np.unique(membership, return_index=True)
    name = {int(m): "nd-" + hashlib.blake2b(texts[int(first_of[m])].encode(), digest_size=8).hexdigest()
            for m in np.flatnonzero(sizes >= 2)}  # one hash per group, not per text
    return [name.get(m) for m in membership.tolist()]
