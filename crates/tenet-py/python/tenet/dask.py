"""Tenet inside Dask: evaluate a Dask DataFrame column (or a Bag) of documents.

Needs ``dask[dataframe]`` and ``pyarrow`` (``pip install 'tenet[dask]'``). The result has the
same columns as ``tenet.spark.evaluate``'s: the ``keep`` columns, then the result columns of
``tenet.RESULT_ARROW_SCHEMA``, held in pandas as ``pd.ArrowDtype`` columns (nested values stay
Arrow values). With the threaded scheduler the workers share one engine, and evaluation
releases the GIL; with processes or a distributed cluster the engine is compiled once per
worker process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ._engine import Engine, Today, resolve_today
from ._schema import RESULT_ARROW_SCHEMA, RESULT_COLUMNS, row_to_report

__all__ = ["evaluate", "result_meta"]


def result_meta(keep_meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """An empty frame with the result's columns and dtypes (Dask's ``meta``)."""
    result = RESULT_ARROW_SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    if keep_meta is None or keep_meta.columns.empty:
        return result
    return pd.concat([keep_meta.iloc[:0].reset_index(drop=True), result], axis=1)


def _partition(
    part: pd.DataFrame, engine: Engine, column: str, keep: list[str], source: str | None, day: str, options: dict
) -> pd.DataFrame:
    texts = [t if isinstance(t, (str, bytes, Mapping)) else "" for t in part[column].tolist()]
    names = None if source is None else [n if isinstance(n, str) else "" for n in part[source].tolist()]
    out = engine.evaluate_arrow(texts, names=names, today=day, **options).to_pandas(types_mapper=pd.ArrowDtype)
    out.index = part.index
    if keep:
        out = pd.concat([part[keep], out], axis=1)
    return out


def evaluate(
    collection: Any,
    engine: Engine,
    *,
    column: str = "value",
    keep: Sequence[str] = (),
    today: Today = None,
    source: str | None = None,
    format: str | None = None,
    kind: str | None = None,
    explain: str = "failing",
) -> Any:
    """Evaluates the documents of a Dask DataFrame's ``column``, or of a Bag.

    A DataFrame gives a DataFrame: the ``keep`` columns and the result columns, the input's
    index kept. A Bag (of texts, bytes or mappings) gives a Bag of report dicts, as
    ``Engine.evaluate(...).to_dict()`` and ``tenet.row_to_report`` give them. ``today`` is
    resolved once, here. The other arguments are as for ``tenet.spark.evaluate``.
    """
    day = resolve_today(today)
    options = {"format": format, "kind": kind, "explain": explain}
    import dask.bag as db

    if isinstance(collection, db.Bag):
        if keep or source:
            raise ValueError("`keep` and `source` name DataFrame columns; a Bag has none")

        def reports(part):
            table = engine.evaluate_arrow(list(part), today=day, **options)
            return [row_to_report(row) for row in table.to_pylist()]

        return collection.map_partitions(reports)
    keep = list(keep)
    clash = sorted(set(keep) & set(RESULT_COLUMNS))
    if clash:
        raise ValueError(f"kept columns {clash} have the names of result columns; rename them first")
    for name in [column, *keep] + ([source] if source else []):
        if name not in collection.columns:
            raise ValueError(f"`{name}` is not a column of the DataFrame (it has {list(collection.columns)})")
    meta = result_meta(collection._meta[keep] if keep else None)
    return collection.map_partitions(_partition, engine, column, keep, source, day, options, meta=meta)
