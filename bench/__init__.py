"""Benchmarks: scripts that print a table and a final JSON line (see bench/README.md)."""
