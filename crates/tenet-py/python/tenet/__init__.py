"""Tenet on Python: check contracts and AI-system configurations against policies written in
Tenet, with the same results as the ``tenet`` command line.

>>> import tenet
>>> engine = tenet.Engine.standard_library()
>>> report = engine.evaluate({"kind": "Contract", "id": "acme"}, today="2026-11-28")
>>> [f["obligation"] for f in report.violated]  # doctest: +SKIP

``tenet.spark`` (extra ``tenet[spark]``) and ``tenet.dask`` (extra ``tenet[dask]``) evaluate
data frames; importing ``tenet`` imports neither, nor ``pyarrow``.
"""

from __future__ import annotations

from typing import Any

from ._engine import Document, Engine, Report, Today
from ._errors import Diagnostic, PolicyError
from ._native import __version__, engines_compiled

__all__ = [
    "Diagnostic",
    "Document",
    "Engine",
    "PolicyError",
    "RESULT_ARROW_SCHEMA",
    "Report",
    "Today",
    "__version__",
    "engines_compiled",
    "row_to_report",
]


def __getattr__(name: str) -> Any:
    # The result schema needs pyarrow, which only the data-frame helpers require.
    if name in ("RESULT_ARROW_SCHEMA", "row_to_report"):
        from . import _schema

        return getattr(_schema, name)
    raise AttributeError(f"module 'tenet' has no attribute {name!r}")
