"""Benchmarks: a generator of large synthetic partnerships and a harness that times mspsite
against Hugo and MkDocs + Material on the same Markdown bodies (issue 10, docs/performance.md).

Standard library only. Hugo, MkDocs + Material and psutil are used when present, never required."""
