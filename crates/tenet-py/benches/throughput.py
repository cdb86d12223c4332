"""Documents per second for the CLI, the Python binding and Spark local[2] on one NDJSON file
of generated documents (run by scripts/bench-python, which builds everything in release).

Each figure is the best of a few runs (wall time); the parts of a Python run are timed
separately to say where the time goes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import tenet
from tenet import _native
from tenet._schema import rows_table

TODAY = "2026-11-28"
RUNS = 3


def best(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(label, n, seconds, note=""):
    print(f"| {label} | {seconds:.2f} | {n / seconds:,.0f} | {note} |", flush=True)


def main(path: str, cli: str) -> None:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    n = len(lines)
    print(f"{n:,} documents, {os.path.getsize(path) / 1e6:.1f} MB of NDJSON, {os.cpu_count()} cores")
    print("| what | seconds | documents/s | note |")
    print("|---|---|---|---|")

    for jobs in (1, 2):
        cmd = [cli, "eval", "--today", TODAY, "--fail-on", "none", "--quiet", "--format", "ndjson", "--jobs", str(jobs), path]
        row(f"CLI `--jobs {jobs}`, NDJSON out", n, best(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)))

    engine = tenet.Engine.standard_library()
    names = [_native.DEFAULT_NAME] * n
    native = engine._native
    for jobs in (1, 2):
        t = best(lambda: native.evaluate_json(lines, names, TODAY, None, None, "failing", jobs))
        row(f"Python `evaluate_json`, {jobs} thread(s)", n, t, "Rust only: load, evaluate, JSON text per report")
    t_rows = best(lambda: native.evaluate_rows(lines, names, TODAY, None, None, "failing", 1))
    rows = native.evaluate_rows(lines, names, TODAY, None, None, "failing", 1)
    t_arrow = best(lambda: rows_table(rows))
    row("Python `evaluate_arrow`, 1 thread", n, t_rows + t_arrow,
        f"Rust rows {t_rows:.2f} s + pyarrow JSON reader {t_arrow:.2f} s")
    texts = native.evaluate_json(lines, names, TODAY, None, None, "failing", 1)
    t_json = best(lambda: native.evaluate_json(lines, names, TODAY, None, None, "failing", 1), runs=1)
    t_loads = best(lambda: [tenet.Report.from_json(t) for t in texts], runs=1)
    row("Python `evaluate_many` (Report objects), 1 thread", n, best(lambda: engine.evaluate_many(lines, today=TODAY), runs=1),
        f"Rust {t_json:.2f} s + `json.loads` into Reports {t_loads:.2f} s")
    row("Python `evaluate_json`, 1 thread, `explain=\"none\"`", n,
        best(lambda: native.evaluate_json(lines, names, TODAY, None, None, "none", 1)), "outcomes and messages only")

    spark_rows(path, n, engine)


def spark_rows(path: str, n: int, engine) -> None:
    from pyspark.sql import SparkSession

    import tenet.spark

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    docs = spark.read.text(path)
    parts = docs.rdd.getNumPartitions()

    def run_tenet():
        tenet.spark.evaluate(docs, engine, today=TODAY).write.format("noop").mode("overwrite").save()

    def passthrough(batches):
        import pyarrow as pa

        for b in batches:
            yield pa.RecordBatch.from_arrays([pa.array([len(b)], pa.int64())], names=["rows"])

    def run_empty():
        docs.mapInArrow(passthrough, "rows long").write.format("noop").mode("overwrite").save()

    start = time.perf_counter()
    run_tenet()
    first = time.perf_counter() - start
    row(f"Spark `local[2]`, first job ({parts} partitions)", n, first, "includes starting Python workers")
    row("Spark `local[2]`, `tenet.spark.evaluate` to a noop sink", n, best(run_tenet))
    row("Spark `local[2]`, the same read and `mapInArrow`, no evaluation", n, best(run_empty),
        "Spark's own cost: read the text, ship it to Python workers as Arrow")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
