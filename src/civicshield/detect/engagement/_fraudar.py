"""FRAUDAR greedy peeling (Hooi et al., KDD 2016), written from the paper
and compiled with numba.

Bipartite graph rows (accounts) x columns (targets); edge weight
1 / log(column degree + c) so that edges into popular columns (camouflage on
viral posts) count little.  Density g(S) = f(S) / |S|, f = sum of the
weights of edges inside S.  Peeling repeatedly removes the node whose
removal lowers f the least (smallest weighted degree in what is left) and
remembers the prefix with the best g.  An indexed binary min-heap with
decrease-key keeps each step O(log |V|): O(|E| log |V|) in all.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _sift_up(heap, pos, key, i):
    node = heap[i]
    while i > 0:
        parent = (i - 1) >> 1
        if key[heap[parent]] <= key[node]:
            break
        heap[i] = heap[parent]
        pos[heap[i]] = i
        i = parent
    heap[i] = node
    pos[node] = i


@numba.njit(cache=True)
def _sift_down(heap, pos, key, i, size):
    node = heap[i]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and key[heap[child + 1]] < key[heap[child]]:
            child += 1
        if key[heap[child]] >= key[node]:
            break
        heap[i] = heap[child]
        pos[heap[i]] = i
        i = child
    heap[i] = node
    pos[node] = i


@numba.njit(cache=True)
def _peel(n_rows, n_cols, rows, cols, w, alive_edge):
    n = n_rows + n_cols
    # adjacency (CSR over all nodes; columns are numbered after rows)
    deg = np.zeros(n, np.int64)
    for e in range(rows.shape[0]):
        if alive_edge[e]:
            deg[rows[e]] += 1
            deg[n_rows + cols[e]] += 1
    start = np.zeros(n + 1, np.int64)
    for v in range(n):
        start[v + 1] = start[v] + deg[v]
    fill = start[:-1].copy()
    nbr = np.empty(start[n], np.int64)
    nbw = np.empty(start[n], np.float64)
    key = np.zeros(n, np.float64)
    f = 0.0
    for e in range(rows.shape[0]):
        if alive_edge[e]:
            r = rows[e]
            c = n_rows + cols[e]
            nbr[fill[r]] = c
            nbw[fill[r]] = w[e]
            fill[r] += 1
            nbr[fill[c]] = r
            nbw[fill[c]] = w[e]
            fill[c] += 1
            key[r] += w[e]
            key[c] += w[e]
            f += w[e]
    # only nodes that have an edge take part
    heap = np.empty(n, np.int64)
    pos = np.full(n, -1, np.int64)
    size = 0
    for v in range(n):
        if deg[v] > 0:
            heap[size] = v
            pos[v] = size
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(heap, pos, key, i, size)
    total = size
    removed = np.zeros(n, np.bool_)
    order = np.empty(total, np.int64)
    best = f / total if total > 0 else 0.0
    best_k = 0
    left = total
    for k in range(total):
        v = heap[0]
        size -= 1
        if size > 0:
            heap[0] = heap[size]
            pos[heap[0]] = 0
            _sift_down(heap, pos, key, 0, size)
        pos[v] = -1
        removed[v] = True
        order[k] = v
        f -= key[v]
        left -= 1
        for j in range(start[v], start[v + 1]):
            u = nbr[j]
            if not removed[u]:
                key[u] -= nbw[j]
                _sift_up(heap, pos, key, pos[u])
        if left > 0 and f / left > best:
            best = f / left
            best_k = k + 1
    in_block = np.zeros(n, np.bool_)
    for v in range(n):
        if deg[v] > 0:
            in_block[v] = True
    for k in range(best_k):
        in_block[order[k]] = False
    return in_block, best


def column_weights(cols: np.ndarray, n_cols: int, c: float = 5.0) -> np.ndarray:
    """The paper's camouflage-resistant weights, 1 / log(column degree + c)."""
    deg = np.bincount(cols, minlength=n_cols)
    return (1.0 / np.log(deg + c))[cols]


def peel(n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
         alive: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Densest block among the alive edges: (row mask, column mask, density)."""
    rows = np.ascontiguousarray(rows, np.int64)
    cols = np.ascontiguousarray(cols, np.int64)
    weights = np.ascontiguousarray(weights, np.float64)
    alive = np.ones(rows.shape[0], np.bool_) if alive is None else np.ascontiguousarray(alive, np.bool_)
    in_block, density = _peel(n_rows, n_cols, rows, cols, weights, alive)
    return in_block[:n_rows], in_block[n_rows:], float(density)
