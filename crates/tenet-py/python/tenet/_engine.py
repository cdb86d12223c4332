"""``Engine`` and ``Report``: the Python face of ``tenet::Engine``."""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from . import _native

if TYPE_CHECKING:
    import pyarrow

    from ._types import Finding, Problem

Document = Union[str, bytes, Mapping[str, Any]]
"""A document: YAML, JSON or TOML text, UTF-8 bytes, or a mapping (converted to JSON)."""

Today = Union[_dt.date, str, None]
"""The evaluation date: a ``date`` (a ``datetime`` counts by its date), ``"YYYY-MM-DD"``, or
``None`` for the local date when the call is made."""


def resolve_today(today: Today) -> str:
    """``today`` as ``YYYY-MM-DD``; ``None`` is the local date now."""
    if today is None:
        return _dt.date.today().isoformat()
    if isinstance(today, _dt.datetime):
        return today.date().isoformat()
    if isinstance(today, _dt.date):
        return today.isoformat()
    if isinstance(today, str):
        return today
    raise TypeError(f"`today` is a date or a YYYY-MM-DD string, not {type(today).__name__}")


@dataclass(frozen=True, slots=True)
class Report:
    """Everything about one document: the fields of a document of ``tenet eval --format json``.

    ``findings`` and ``problems`` are plain dicts with the JSON report's fields (see
    ``tenet._types``). A document that could not be loaded or validated has
    ``evaluated=False`` and its problems; no document ever raises.
    """

    source: str
    index: int
    id: str | None
    kind: str | None
    findings: list[Finding]
    problems: list[Problem]
    evaluated: bool

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        """The report of one line of ``tenet eval --format ndjson`` (its run record, ``run``,
        is left out)."""
        fields = json.loads(text)
        fields.pop("run", None)
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON report has it (``json.dumps`` gives the NDJSON line's content)."""
        return asdict(self)

    def with_status(self, *statuses: str) -> list[Finding]:
        """The findings whose status is one of ``statuses``."""
        return [f for f in self.findings if f["status"] in statuses]

    @property
    def violated(self) -> list[Finding]:
        """The violated findings."""
        return self.with_status("violated")


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _failed(name: str, message: str) -> Report:
    problem = {
        "code": "tenet::input::python",
        "severity": "error",
        "message": message,
        "help": "pass text, UTF-8 bytes, or a mapping of JSON values (dates as date objects)",
        "line": None,
        "column": None,
    }
    return Report(source=name, index=0, id=None, kind=None, findings=[], problems=[problem], evaluated=False)


def _texts(documents: Sequence[Document], names: Sequence[str]) -> tuple[list[str | bytes], dict[int, Report]]:
    """The documents as text, and the reports of those that cannot be text (by position)."""
    texts: list[str | bytes] = []
    failed: dict[int, Report] = {}
    for i, doc in enumerate(documents):
        if isinstance(doc, (str, bytes)):
            texts.append(doc)
        elif isinstance(doc, (bytearray, memoryview)):
            texts.append(bytes(doc))
        elif isinstance(doc, Mapping):
            try:
                texts.append(json.dumps(doc, default=_json_default, ensure_ascii=False))
            except (TypeError, ValueError) as e:
                failed[i] = _failed(names[i], f"the mapping is not a JSON document: {e}")
                texts.append("")
        else:
            failed[i] = _failed(names[i], f"a document is text, bytes or a mapping, not {type(doc).__name__}")
            texts.append("")
    return texts, failed


class Engine:
    """Checked, compiled policies, ready to evaluate documents from any number of threads.

    Build one with ``Engine.from_paths``, ``Engine.from_project`` or
    ``Engine.standard_library``. Policy errors raise ``tenet.PolicyError`` with every
    diagnostic. An engine pickles as its policy sources (not file paths), and a process that
    unpickles the same sources again reuses the engine it compiled the first time.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeEngine) -> None:
        self._native = native

    @classmethod
    def from_paths(cls, paths: Iterable[str | os.PathLike[str]], *, std: bool = True) -> Engine:
        """The ``.tenet`` files under ``paths`` (files and directories, searched recursively),
        with the embedded standard library unless ``std=False``."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return _remember(cls(_native.NativeEngine.from_paths([os.fspath(p) for p in paths], std)))

    @classmethod
    def from_project(cls, path: str | os.PathLike[str]) -> Engine:
        """The project of a ``tenet.toml`` (the file or its directory): its policy files, its
        locked dependencies (from the package cache, never the network) and its ``[params]``,
        with the embedded standard library."""
        p = Path(path)
        if p.name == "tenet.toml" and not p.is_dir():
            p = p.parent
        return _remember(cls(_native.NativeEngine.from_project(os.fspath(p))))

    @classmethod
    def standard_library(cls) -> Engine:
        """The embedded standard library alone."""
        return cls.from_paths([])

    @property
    def obligations(self) -> list[str]:
        """The qualified names of the obligations, in policy order."""
        return self._native.obligations()

    @property
    def files(self) -> list[str]:
        """The policy files compiled (the standard library's paths start with ``<std>``)."""
        return self._native.files()

    @property
    def digest(self) -> str:
        """SHA-256 of the policy sources: engines with equal digests decide alike."""
        return self._native.digest

    def evaluate(
        self,
        document: Document,
        *,
        today: Today = None,
        name: str | None = None,
        format: str | None = None,
        kind: str | None = None,
        explain: str = "failing",
    ) -> Report:
        """Evaluates one document as of ``today`` and returns its report.

        ``name`` is the report's ``source`` (its extension picks the format unless ``format``
        is ``"yaml"``, ``"json"`` or ``"toml"``; else the text is sniffed). ``kind`` overrides
        the document's ``kind:``. ``explain`` is ``"failing"`` (explain violated, undetermined
        and waived findings, as ``tenet eval`` does), ``"all"`` or ``"none"``.
        """
        return self.evaluate_many(
            [document], today=today, names=None if name is None else [name], format=format, kind=kind, explain=explain
        )[0]

    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        today: Today = None,
        names: Sequence[str] | None = None,
        format: str | None = None,
        kind: str | None = None,
        explain: str = "failing",
        jobs: int = 1,
    ) -> list[Report]:
        """Evaluates each document as of one date; one report per document, in order.

        The GIL is released while Rust works, on ``jobs`` threads. A document that does not
        load gives a report with ``evaluated=False`` and its problems, never an exception.
        """
        reports = self._evaluate(documents, today, names, format, kind, explain, jobs, rows=False)
        # Thousands of nested dicts at once set off the cyclic garbage collector again and
        # again over objects that hold no cycles; it more than doubled the time of a batch.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return [r if isinstance(r, Report) else Report.from_json(r) for r in reports]
        finally:
            if collecting:
                gc.enable()

    def evaluate_json(
        self,
        documents: Iterable[Document],
        *,
        today: Today = None,
        names: Sequence[str] | None = None,
        format: str | None = None,
        kind: str | None = None,
        explain: str = "failing",
        jobs: int = 1,
    ) -> list[str]:
        """As ``evaluate_many``, each report as the JSON text ``tenet eval --format ndjson``
        writes for it (without the line break and the run record ``run``)."""
        return [
            json.dumps(r.to_dict(), ensure_ascii=False, separators=(",", ":")) if isinstance(r, Report) else r
            for r in self._evaluate(documents, today, names, format, kind, explain, jobs, rows=False)
        ]

    def evaluate_arrow(
        self,
        documents: Iterable[Document],
        *,
        today: Today = None,
        names: Sequence[str] | None = None,
        format: str | None = None,
        kind: str | None = None,
        explain: str = "failing",
        jobs: int = 1,
    ) -> pyarrow.Table:
        """As ``evaluate_many``, the reports as a ``pyarrow.Table`` of ``tenet.RESULT_ARROW_SCHEMA``
        (one row per document; what the Spark and Dask helpers return)."""
        from ._schema import rows_table

        return rows_table(self._evaluate(documents, today, names, format, kind, explain, jobs, rows=True))

    def _evaluate(self, documents, today, names, format, kind, explain, jobs, *, rows: bool):
        documents = list(documents)
        if names is None:
            names = [_native.DEFAULT_NAME] * len(documents)
        else:
            names = list(names)
            if len(names) != len(documents):
                raise ValueError(f"{len(names)} names for {len(documents)} documents")
        texts, failed = _texts(documents, names)
        day = resolve_today(today)
        if rows:
            out = self._native.evaluate_rows(texts, names, day, format, kind, explain, jobs)
            if failed:
                from ._schema import replace_rows

                out = replace_rows(out, {i: r.to_dict() for i, r in failed.items()})
            return out
        reports: list[Any] = self._native.evaluate_json(texts, names, day, format, kind, explain, jobs)
        for i, report in failed.items():
            reports[i] = report
        return reports

    def __reduce__(self):
        return (_restore, (self._native.digest, self._native.state()))

    def __repr__(self) -> str:
        return f"<tenet.Engine {len(self.obligations)} obligations, {len(self.files)} files, {self.digest[:12]}>"


# Engines compiled in this process, by digest: unpickling the same policies again (a Spark
# task after another on the same Python worker) reuses the compiled engine.
_ENGINES: dict[str, _native.NativeEngine] = {}
_ENGINES_LOCK = threading.Lock()
_ENGINES_KEPT = 8


def _remember(engine: Engine) -> Engine:
    with _ENGINES_LOCK:
        _ENGINES.setdefault(engine._native.digest, engine._native)
        while len(_ENGINES) > _ENGINES_KEPT:
            _ENGINES.pop(next(iter(_ENGINES)))
    return engine


def _restore(digest: str, state: Any) -> Engine:
    """Unpickles an engine: the one this process already compiled from these sources, or a
    new one. With ``TENET_ENGINE_LOG`` set to a file, each compilation appends a line
    ``<pid> <digest>`` to it (the Spark test counts engines per worker this way)."""
    with _ENGINES_LOCK:
        native = _ENGINES.get(digest)
        if native is None:
            native = _native.NativeEngine.from_state(state)
            if native.digest != digest:
                raise ValueError("the pickled engine's sources do not match its digest")
            log = os.environ.get("TENET_ENGINE_LOG")
            if log:
                with open(log, "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()} {digest}\n")
            _ENGINES[digest] = native
            while len(_ENGINES) > _ENGINES_KEPT:
                _ENGINES.pop(next(iter(_ENGINES)))
    return Engine(native)
