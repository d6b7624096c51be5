"""Simulated portal families, one module each (see shared/research/vn-portals.md)."""

from simulator.families._base import Family, Reply

__all__ = ["Family", "Reply"]
