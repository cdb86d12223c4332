"""Tenet inside Apache Spark: evaluate a DataFrame column of documents with ``mapInArrow``.

Needs ``pyspark`` and ``pyarrow`` (``pip install 'tenet[spark]'``). Uses only DataFrame calls
that Spark Connect also has; classic Spark is what the tests run. The result has one row per
input row: the columns named in ``keep``, then ``RESULT_SCHEMA`` (the report's fields,
findings and problems nested; explode ``findings`` for one row per finding).

The engine travels to the workers as its policy sources and is compiled once per Python
worker process, however many partitions and tasks that worker runs; ``today`` is resolved
on the driver, so executors' clocks never matter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import StructType

from ._arrow import evaluate_batch
from ._engine import Engine, Today, resolve_today
from ._schema import RESULT_ARROW_SCHEMA, RESULT_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

RESULT_SCHEMA: StructType = from_arrow_schema(RESULT_ARROW_SCHEMA)
"""The result columns as a Spark schema (see ``tenet.RESULT_ARROW_SCHEMA``)."""

__all__ = ["RESULT_SCHEMA", "evaluate"]

ROWS_PER_SLICE = 2000
"""Rows evaluated (and returned to Spark) at a time."""


def evaluate(
    df: DataFrame,
    engine: Engine,
    *,
    column: str = "value",
    keep: Sequence[str] = (),
    today: Today = None,
    source: str | None = None,
    format: str | None = None,
    kind: str | None = None,
    explain: str = "failing",
) -> DataFrame:
    """Evaluates the documents in ``column`` (text or binary) of ``df``.

    ``keep`` names input columns to carry into the result (say a file path or a key).
    ``source`` names a column whose value is each report's ``source`` (its extension picks
    the format, as a file name does for ``tenet eval``). ``today`` is resolved here, on the
    driver. ``format``, ``kind`` and ``explain`` are as for ``Engine.evaluate``.
    """
    keep = list(keep)
    clash = sorted(set(keep) & set(RESULT_COLUMNS))
    if clash:
        raise ValueError(f"kept columns {clash} have the names of result columns; rename them first")
    for name in [column, *keep] + ([source] if source else []):
        if name not in df.columns:
            raise ValueError(f"`{name}` is not a column of the DataFrame (it has {df.columns})")
    day = resolve_today(today)
    wanted = list(dict.fromkeys([*keep, column] + ([source] if source else [])))
    schema = StructType([df.schema[k] for k in keep] + list(RESULT_SCHEMA.fields))
    run = _Evaluate(engine, column, keep, source, day, format, kind, explain)
    return df.select(*wanted).mapInArrow(run, schema)


class _Evaluate:
    """The function each Spark task runs over its partition's Arrow batches. It pickles with
    the engine, whose unpickling compiles the policies only the first time in a process."""

    def __init__(self, engine, column, keep, source, day, format, kind, explain) -> None:
        self.engine = engine
        self.column = column
        self.keep = keep
        self.source = source
        self.day = day
        self.format = format
        self.kind = kind
        self.explain = explain

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for whole in batches:
            # A report row is ~10 kB: slices keep a task's memory small whatever Spark's
            # batch size (spark.sql.execution.arrow.maxRecordsPerBatch, 10,000 by default).
            for start in range(0, whole.num_rows, ROWS_PER_SLICE):
                yield evaluate_batch(
                    self.engine,
                    whole.slice(start, ROWS_PER_SLICE),
                    column=self.column,
                    keep=self.keep,
                    source=self.source,
                    today=self.day,
                    format=self.format,
                    kind=self.kind,
                    explain=self.explain,
                )
