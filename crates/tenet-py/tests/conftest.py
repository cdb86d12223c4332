"""Shared fixtures: the repository, the `tenet` and `tenet-gen` binaries (built by
scripts/python-test), and generated documents with the command line's report of each."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TODAY = "2026-11-28"


def binary(name: str) -> str:
    path = os.environ.get(f"{name.upper().replace('-', '_')}_BIN") or str(ROOT / "target" / "debug" / name)
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: build it with `cargo build -p tenet-cli -p tenet-gen` (scripts/python-test does)")
    return path


@dataclass
class Generated:
    """Documents from `tenet-gen`, one file each, and `tenet eval --format ndjson`'s line for each."""

    directory: Path
    paths: list[str]
    texts: list[str]
    reference: list[str]

    def expected(self, n: int) -> dict:
        """Line n's report, without the run record the command line adds to every line."""
        report = json.loads(self.reference[n])
        report.pop("run")
        return report


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Generated:
    count = int(os.environ.get("TENET_PY_DOCUMENTS", "20000"))
    lines = subprocess.run(
        [binary("tenet-gen"), "--kind", "mixed", "--count", str(count), "--seed", "15"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert len(lines) == count
    directory = tmp_path_factory.mktemp("generated")
    paths = []
    for i, line in enumerate(lines):
        path = directory / f"{i:06}.json"
        path.write_text(line + "\n", encoding="utf-8")
        paths.append(str(path))
    run = subprocess.run(
        [binary("tenet"), "eval", "--today", TODAY, "--fail-on", "none", "--quiet", "--format", "ndjson", str(directory)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    reference = run.stdout.splitlines()
    assert len(reference) == count
    # The command line reads the directory in name order: line n is document n.
    assert [json.loads(r)["source"] for r in reference[:3]] == paths[:3]
    return Generated(directory, paths, [line + "\n" for line in lines], reference)
