"""Side-by-side benchmarks of the mock: every figure is a ratio against a baseline measured in the same run.

Run from the repository root: `python -m benchmarks` (or `python benchmarks/run.py`).
"""
from __future__ import annotations

__all__: list[str] = []
