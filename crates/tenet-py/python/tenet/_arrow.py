"""Evaluating one Arrow batch: the work a Spark task does per batch."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ._engine import Engine, Today
from ._schema import RESULT_ARROW_SCHEMA


def evaluate_batch(
    engine: Engine,
    batch: pa.RecordBatch,
    *,
    column: str,
    keep: Sequence[str] = (),
    source: str | None = None,
    today: Today = None,
    format: str | None = None,
    kind: str | None = None,
    explain: str = "failing",
) -> pa.RecordBatch:
    """One Arrow batch's result: its ``keep`` columns, then the result columns."""
    texts = ["" if t is None else t for t in batch.column(column).to_pylist()]
    names = None
    if source is not None:
        names = ["" if n is None else str(n) for n in batch.column(source).to_pylist()]
    result = engine.evaluate_arrow(texts, names=names, today=today, format=format, kind=kind, explain=explain)
    fields = [batch.schema.field(k) for k in keep] + list(RESULT_ARROW_SCHEMA)
    arrays = [batch.column(k) for k in keep] + [result.column(i).combine_chunks() for i in range(result.num_columns)]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
