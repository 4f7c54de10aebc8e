"""Benchmarks: Cordeau's DARP, Li & Lim's PDPTW and a synthetic district, via ``solver.solve``."""
