"""Traversal and analytics over the in-memory compressed co-author graph (CSR arrays)."""

from graphsvc.graph.csr import CoauthorGraph, Memberships

__all__ = ["CoauthorGraph", "Memberships"]
