"""The Python API: engines, reports equal to the command line's, errors, pickling."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tenet
from conftest import ROOT, TODAY, binary

CONTRACT = {
    "kind": "Contract",
    "id": "acme",
    "vendor": {"name": "Acme", "role": "processor"},
    "dpa": {"breach_notice_hours": "72h"},
}


@pytest.fixture(scope="module")
def engine() -> tenet.Engine:
    return tenet.Engine.standard_library()


def cli_reports(*args: str) -> list[dict]:
    run = subprocess.run(
        [binary("tenet"), "eval", "--today", TODAY, "--fail-on", "none", "--format", "ndjson", *args],
        capture_output=True,
        text=True,
    )
    assert run.returncode in (0, 2), run.stderr
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    # Every line carries the run record; the engine's reports are the documents' fields.
    for report in reports:
        assert report.pop("run")["today"] == TODAY
    return reports


def test_the_standard_library_is_embedded(engine):
    assert len(engine.obligations) > 30
    assert "std.privacy.breach_notice_deadline" in engine.obligations
    assert all(f.startswith("<std>") for f in engine.files)


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "documents").rglob("*") if p.is_file())
)
def test_reports_equal_the_command_line(engine, path, monkeypatch):
    monkeypatch.chdir(ROOT)
    [expected] = cli_reports(path)
    text = Path(path).read_text(encoding="utf-8")
    assert engine.evaluate(text, today=TODAY, name=path).to_dict() == expected
    assert engine.evaluate(text.encode(), today=TODAY, name=path).to_dict() == expected
    assert json.loads(engine.evaluate_json([text], today=TODAY, names=[path])[0]) == expected


def test_a_mapping_a_text_and_bytes_give_the_same_report(engine):
    as_text = json.dumps(CONTRACT)
    reports = engine.evaluate_many([CONTRACT, as_text, as_text.encode()], today=TODAY)
    assert reports[0] == reports[1] == reports[2]
    report = reports[0]
    assert (report.id, report.kind, report.evaluated, report.index) == ("acme", "Contract", True, 0)
    violated = report.violated
    assert [f["obligation"] for f in violated] == ["std.privacy.breach_notice_deadline"]
    finding = violated[0]
    assert set(finding) >= {"obligation", "modality", "area", "severity", "status", "message", "cite", "evidence",
                            "explanation", "defined_at"}
    assert {"path": "dpa.breach_notice_hours", "value": "72h", "absent": False}.items() <= finding["evidence"][1].items()


def test_yaml_and_a_kind_override(engine):
    yaml = "id: y\nvendor:\n  name: Acme\n  role: processor\ndpa:\n  breach_notice_hours: 72h\n"
    report = engine.evaluate(yaml, today=TODAY, kind="Contract", format="yaml")
    assert report.kind == "Contract"
    assert [f["obligation"] for f in report.violated] == ["std.privacy.breach_notice_deadline"]
    evidence = report.violated[0]["evidence"][1]
    assert (evidence["line"], evidence["column"]) == (6, 24)


def test_documents_that_do_not_load_give_reports_not_exceptions(engine):
    bad = ["kind: [", b"\xff\xfe", {"kind": "Contract", "when": object()}, "", "a: 1\n---\nb: 2\n", 42]
    reports = engine.evaluate_many([CONTRACT, *bad, CONTRACT], today=TODAY)
    assert len(reports) == 8
    assert reports[0] == reports[-1] and reports[0].evaluated
    codes = [[p["code"] for p in r.problems] for r in reports[1:-1]]
    assert codes == [
        ["tenet::input::syntax"],
        ["tenet::input::utf8"],
        ["tenet::input::python"],
        ["tenet::E0711"],
        ["tenet::input::several_documents"],
        ["tenet::input::python"],
    ]
    assert not any(r.evaluated or r.findings for r in reports[1:-1])
    assert reports[1].problems[0]["line"] == 1 and reports[1].problems[0]["column"] == 8


def test_an_unknown_kind_is_a_problem_of_the_document(engine):
    report = engine.evaluate({"kind": "Invoice", "id": "i"}, today=TODAY)
    assert not report.evaluated
    assert report.problems and report.problems[0]["severity"] == "error"


def test_today_is_an_input(engine):
    audit = {"kind": "AiSystem", "id": "s", "purposes": ["candidate_screening"],
             "bias_audit": {"date": "2026-01-10", "independent_auditor": True}}
    def status(today):
        [f] = [f for f in engine.evaluate(audit, today=today).findings if f["obligation"].endswith("annual_bias_audit")]
        return f["status"]
    assert status("2026-11-28") == status(dt.date(2026, 11, 28)) == status(dt.datetime(2026, 11, 28, 23, 59))
    assert status("2026-11-28") != status("2027-11-28")
    with pytest.raises(ValueError, match="today"):
        engine.evaluate(audit, today="28/11/2026")
    with pytest.raises(TypeError):
        engine.evaluate(audit, today=20261128)


def test_threads_give_the_same_reports(engine, generated):
    texts = generated.texts[:400]
    one = engine.evaluate_json(texts, today=TODAY, names=generated.paths[:400])
    two = engine.evaluate_json(texts, today=TODAY, names=generated.paths[:400], jobs=2)
    assert one == two
    assert [json.loads(r) for r in one] == [generated.expected(n) for n in range(400)]


def test_explain_none_keeps_outcomes(engine):
    full = engine.evaluate(CONTRACT, today=TODAY)
    bare = engine.evaluate(CONTRACT, today=TODAY, explain="none")
    assert [f["status"] for f in bare.findings] == [f["status"] for f in full.findings]
    assert all(f["explanation"] == [] for f in bare.findings)
    with pytest.raises(ValueError, match="explain"):
        engine.evaluate(CONTRACT, today=TODAY, explain="some")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_policy_errors_carry_every_diagnostic(tmp_path):
    bad = write(tmp_path / "bad.tenet", """
        package bad

        rule r = missing_name > 1

        rule s = other_missing and true
        """)
    with pytest.raises(tenet.PolicyError) as raised:
        tenet.Engine.from_paths([bad], std=False)
    diagnostics = raised.value.diagnostics
    assert len(diagnostics) == 2, diagnostics
    for d, line in zip(diagnostics, (3, 5)):
        assert d.code.startswith("tenet::E") and d.severity == "error"
        assert d.file == str(bad) and d.line == line and d.column >= 1
        assert d.message
    assert "missing_name" in diagnostics[0].message
    assert f"{bad}:3:" in str(raised.value)
    # The exception survives pickling (it crosses process boundaries in Spark and Dask).
    again = pickle.loads(pickle.dumps(raised.value))
    assert again.diagnostics == diagnostics


def test_unreadable_policies_are_policy_errors(tmp_path):
    with pytest.raises(tenet.PolicyError) as raised:
        tenet.Engine.from_paths([tmp_path / "nowhere"])
    [d] = raised.value.diagnostics
    assert d.code == "tenet::policy::io" and d.file.endswith("nowhere") and d.line is None
    with pytest.raises(tenet.PolicyError) as raised:
        tenet.Engine.from_project(tmp_path)
    assert raised.value.diagnostics[0].code == "tenet::project::missing"


PROJECT_POLICY = """
    package acme.extra

    use std.model

    obligation named_vendor on Contract {
      area: accountability
      severity: low
      cite: "Acme procurement rule 4"
      must vendor.name is present
    }
    """


def project(tmp_path: Path) -> Path:
    write(tmp_path / "proj" / "tenet.toml", """
        [package]
        name = "acme"
        version = "0.1.0"

        [params]
        "std.privacy.max_breach_notice" = "96h"
        """)
    write(tmp_path / "proj" / "policies" / "extra.tenet", PROJECT_POLICY)
    return tmp_path / "proj"


def test_a_project_brings_its_policies_and_params(engine, tmp_path):
    proj = project(tmp_path)
    eng = tenet.Engine.from_project(proj / "tenet.toml")
    assert "acme.extra.named_vendor" in eng.obligations
    report = eng.evaluate(CONTRACT, today=TODAY)
    statuses = {f["obligation"]: f["status"] for f in report.findings}
    # 72h is within the project's 96h, not within the standard library's 48h.
    assert statuses["std.privacy.breach_notice_deadline"] == "satisfied"
    assert engine.evaluate(CONTRACT, today=TODAY).violated[0]["obligation"] == "std.privacy.breach_notice_deadline"
    assert statuses["acme.extra.named_vendor"] == "satisfied"


def run_python(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_pickled_engine_carries_its_sources_not_paths(tmp_path):
    proj = project(tmp_path)
    eng = tenet.Engine.from_project(proj)
    expected = eng.evaluate(CONTRACT, today=TODAY).to_dict()
    pickled = tmp_path / "engine.pickle"
    pickled.write_bytes(pickle.dumps(eng))
    for f in sorted(proj.rglob("*"), reverse=True):
        f.unlink() if f.is_file() else f.rmdir()
    proj.rmdir()
    out = run_python(f"""
        import json, pickle, tenet
        data = open({str(pickled)!r}, "rb").read()
        first, second = pickle.loads(data), pickle.loads(data)
        report = second.evaluate({CONTRACT!r}, today={TODAY!r})
        print(json.dumps([tenet.engines_compiled(), first.digest == second.digest, report.to_dict()]))
        """)
    compiled, same, report = json.loads(out)
    # Unpickling the same engine twice in a process compiles it once.
    assert compiled == 1 and same
    assert report == expected


def test_importing_tenet_imports_neither_spark_nor_arrow():
    out = run_python("""
        import sys, tenet
        tenet.Engine.standard_library().evaluate({"kind": "Contract"}, today="2026-11-28")
        print(sorted(m for m in ("pyspark", "pyarrow", "pandas", "dask") if m in sys.modules))
        """)
    assert out.strip() == "[]"


def test_the_result_table_round_trips_to_reports(engine, generated):
    table = engine.evaluate_arrow(generated.texts[:200] + ["kind: ["], today=TODAY, names=generated.paths[:200] + ["x.yaml"])
    assert table.schema == tenet.RESULT_ARROW_SCHEMA
    rows = table.to_pylist()
    assert [tenet.row_to_report(r) for r in rows[:200]] == [generated.expected(n) for n in range(200)]
    assert rows[200]["evaluated"] is False and rows[200]["problems"][0]["code"] == "tenet::input::syntax"


def test_stubs_and_docstrings_ship():
    package = Path(tenet.__file__).parent
    assert (package / "_native.pyi").is_file() and (package / "py.typed").is_file()
    for obj in (tenet.Engine, tenet.Engine.evaluate, tenet.Engine.evaluate_many, tenet.Report, tenet.PolicyError):
        assert obj.__doc__
