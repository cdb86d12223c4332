"""Tenet inside Dask with threads: every generated document's findings equal the command
line's; a Bag gives report dicts."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
import tenet
from conftest import TODAY

dask = pytest.importorskip("dask")


def test_dask_frame_findings_equal_the_command_line(generated):
    import dask.dataframe as dd

    import tenet.dask

    engine = tenet.Engine.standard_library()
    count = len(generated.texts)
    frame = pd.DataFrame({"n": range(count), "path": generated.paths, "doc": generated.texts})
    ddf = dd.from_pandas(frame, npartitions=8)
    result = tenet.dask.evaluate(ddf, engine, column="doc", keep=["n"], source="path", today=TODAY)
    assert list(result.columns) == ["n", *tenet.RESULT_ARROW_SCHEMA.names]
    with dask.config.set(scheduler="threads", num_workers=2):
        out = result.compute()
    assert len(out) == count
    table = pa.Table.from_pandas(out, preserve_index=False).sort_by("n")
    assert table.schema.remove(0) == tenet.RESULT_ARROW_SCHEMA
    for start in range(0, count, 1000):
        for row in table.slice(start, 1000).to_pylist():
            n = row.pop("n")
            assert tenet.row_to_report(row) == generated.expected(n), f"document {n}"


def test_dask_bag_gives_reports(generated):
    import dask.bag as db

    import tenet.dask

    engine = tenet.Engine.standard_library()
    bag = db.from_sequence(generated.texts[:300] + ["kind: ["], npartitions=4)
    with dask.config.set(scheduler="threads", num_workers=2):
        reports = tenet.dask.evaluate(bag, engine, today=TODAY).compute()
    assert len(reports) == 301
    expected = [dict(generated.expected(n), source="<document>") for n in range(300)]
    assert reports[:300] == expected
    assert reports[300]["problems"][0]["code"] == "tenet::input::syntax"
