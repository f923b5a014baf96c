"""The peer of the benchmarks: the tracker's use cases the conventional way.

Current-state tables (plans, plan sections, goals, milestones) in SQLAlchemy 2, versioned by
SQLAlchemy-Continuum (shadow `*_version` tables, a `transaction` row per commit). Only
bench/bench_peer.py uses it; the product (domain/, projections/, tracker/) never imports it,
and its dependencies come with the `bench` extra (`pip install -e ".[bench]"`).
"""
