"""The result table: one row per document, its findings and problems nested.

The columns are the report's fields (``source``, ``id``, ``kind``, ``evaluated``,
``findings``, ``problems``; a report's ``index`` is always 0 here, as every input is one
document). Two values become JSON text so that a column has one type: an evidence ``value``
(any JSON value) and a finding's ``explanation`` (its list of conditions). ``row_to_report``
turns a row back into the report's dict.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json

_s = pa.string()
_i = pa.int32()
_b = pa.bool_()

EVIDENCE = pa.struct([("path", _s), ("value", _s), ("absent", _b), ("line", _i), ("column", _i)])
WAIVER = pa.struct(
    [("reason", _s), ("approved_by", _s), ("until", _s), ("expired", _b), ("original_status", _s)]
)
FINDING = pa.struct(
    [
        ("obligation", _s),
        ("modality", _s),
        ("area", _s),
        ("severity", _s),
        ("status", _s),
        ("message", _s),
        ("cite", pa.list_(_s)),
        ("evidence", pa.list_(EVIDENCE)),
        ("explanation", _s),
        ("waiver", WAIVER),
        ("displaced_by", _s),
        ("defined_at", _s),
    ]
)
PROBLEM = pa.struct(
    [("code", _s), ("severity", _s), ("message", _s), ("help", _s), ("line", _i), ("column", _i)]
)

RESULT_ARROW_SCHEMA = pa.schema(
    [
        ("source", _s),
        ("id", _s),
        ("kind", _s),
        ("evaluated", _b),
        ("findings", pa.list_(FINDING)),
        ("problems", pa.list_(PROBLEM)),
    ]
)
"""The result columns as an Arrow schema (Spark's ``tenet.spark.RESULT_SCHEMA`` is made from it)."""

RESULT_COLUMNS = tuple(RESULT_ARROW_SCHEMA.names)


def rows_table(rows: bytes) -> pa.Table:
    """The rows ``NativeEngine.evaluate_rows`` wrote (JSON lines) as a table, in one chunk."""
    if not rows:
        return RESULT_ARROW_SCHEMA.empty_table()
    table = pa_json.read_json(
        pa.BufferReader(rows),
        # One block: a row must not straddle blocks, and a report can be large.
        read_options=pa_json.ReadOptions(use_threads=False, block_size=len(rows) + 1),
        parse_options=pa_json.ParseOptions(explicit_schema=RESULT_ARROW_SCHEMA, unexpected_field_behavior="error"),
    )
    return table.combine_chunks()


def replace_rows(rows: bytes, reports: dict[int, dict[str, Any]]) -> bytes:
    """``rows`` with the lines at the given positions replaced by these reports' rows (reports
    made in Python, with no findings)."""
    lines = rows.split(b"\n")
    for i, report in reports.items():
        row = {k: v for k, v in report.items() if k != "index"}
        lines[i] = json.dumps(row, ensure_ascii=False).encode()
    return b"\n".join(lines)


def _drop_none(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    for k in keys:
        if d.get(k) is None:
            d.pop(k, None)
    return d


def row_to_report(row: dict[str, Any]) -> dict[str, Any]:
    """A result row (as ``pyarrow``'s ``to_pylist`` or Spark's ``Row.asDict(True)`` gives it)
    as the report's dict: what ``tenet eval --format ndjson`` writes for the document, but
    its run record ``run``.
    Columns kept from the input are left out."""
    findings = []
    for f in row["findings"] or []:
        f = dict(f)
        f["cite"] = list(f["cite"] or [])
        f["evidence"] = [{**e, "value": json.loads(e["value"])} for e in f["evidence"] or []]
        f["explanation"] = json.loads(f["explanation"])
        if f.get("waiver") is not None:
            f["waiver"] = dict(f["waiver"])
        findings.append(_drop_none(f, "waiver", "displaced_by"))
    problems = [_drop_none(dict(p), "help") for p in row["problems"] or []]
    return {
        "source": row["source"],
        "index": 0,
        "id": row["id"],
        "kind": row["kind"],
        "findings": findings,
        "problems": problems,
        "evaluated": row["evaluated"],
    }
