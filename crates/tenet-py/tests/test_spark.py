"""Tenet inside Spark `local[2]`: every generated document's findings equal the command
line's, and each Python worker compiles the engine at most once (counted from the log the
workers write)."""

from __future__ import annotations

import collections
import os
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
import tenet
from conftest import TODAY

pyspark = pytest.importorskip("pyspark")

import tenet.spark  # noqa: E402

PARTITIONS = 8


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    log = tmp_path_factory.mktemp("spark") / "engines.log"
    log.write_text("")
    # Spark's Python workers read the interpreter from the environment only, and inherit
    # the rest of it (TENET_ENGINE_LOG) from the JVM this process starts.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["TENET_ENGINE_LOG"] = str(log)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tenet-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.python.worker.reuse", "true")
        .config("spark.executorEnv.TENET_ENGINE_LOG", str(log))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session, log
    session.stop()
    del os.environ["TENET_ENGINE_LOG"]


def test_spark_findings_equal_the_command_line(spark, generated, tmp_path):
    session, log = spark
    engine = tenet.Engine.standard_library()
    count = len(generated.texts)
    frame = pd.DataFrame({"n": range(count), "path": generated.paths, "doc": generated.texts})
    df = session.createDataFrame(frame).repartition(PARTITIONS)
    result = tenet.spark.evaluate(df, engine, column="doc", keep=["n"], source="path", today=TODAY)
    assert result.schema.fieldNames() == ["n", *tenet.spark.RESULT_SCHEMA.fieldNames()]
    out = tmp_path / "result.parquet"
    result.write.parquet(str(out))

    table = pq.read_table(out).sort_by("n")
    assert table.num_rows == count
    assert table.column("n").to_pylist() == list(range(count))
    for start in range(0, count, 1000):
        rows = table.slice(start, 1000).to_pylist()
        for row in rows:
            n = row.pop("n")
            assert tenet.row_to_report(row) == generated.expected(n), f"document {n}"

    # Every worker that evaluated compiled the engine once: fewer compilations than tasks.
    pids = collections.Counter(line.split()[0] for line in log.read_text().splitlines())
    assert pids, "no worker compiled an engine"
    assert max(pids.values()) == 1, pids
    assert sum(pids.values()) < PARTITIONS, pids
    assert len({line.split()[1] for line in log.read_text().splitlines()}) == 1


def test_today_is_resolved_on_the_driver(spark):
    session, _ = spark
    import datetime as dt

    engine = tenet.Engine.standard_library()
    audit = ('{"kind": "AiSystem", "id": "s", "purposes": ["candidate_screening"], '
             '"bias_audit": {"date": "2026-01-10", "independent_auditor": true}}')
    df = session.createDataFrame([(audit,)], ["value"])
    for today in ("2026-11-28", dt.date(2027, 11, 28)):
        [row] = tenet.spark.evaluate(df, engine, today=today).collect()
        expected = engine.evaluate(audit, today=today)
        assert tenet.row_to_report(row.asDict(recursive=True))["findings"] == expected.findings


def test_bad_rows_and_clashing_columns(spark):
    session, _ = spark
    engine = tenet.Engine.standard_library()
    df = session.createDataFrame([(1, "kind: ["), (2, None), (3, '{"kind": "Contract", "id": "c"}')], ["id_", "value"])
    rows = sorted(tenet.spark.evaluate(df, engine, keep=["id_"], today=TODAY).collect(), key=lambda r: r.id_)
    assert [r.evaluated for r in rows] == [False, False, True]
    assert rows[0].problems[0].code == "tenet::input::syntax"
    assert rows[1].problems[0].code == "tenet::E0711"
    with pytest.raises(ValueError, match="result columns"):
        tenet.spark.evaluate(df.withColumnRenamed("id_", "id"), engine, keep=["id"])
    with pytest.raises(ValueError, match="not a column"):
        tenet.spark.evaluate(df, engine, column="doc")
