"""The `nq72` command line: exit codes, JSON contract, readable reports, templates."""
import json
import os

import pandas as pd
import pytest
from click.testing import CliRunner

from pipelines import accounts, store
from pipelines.accounts import operator
from pipelines.cli import main
from tests.conftest import HEADER, csv_bytes


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "97.2"],
                                ["life_expectancy", "01", "2024", "76.1"]]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["immunization_coverage", "01", "2025-11", "97.0"],
                               ["immunization_coverage", "01", "2025-10", "120"]]))
    return good, bad


def test_ingest_json_contract(run, files, db_path):
    good, bad = files
    r = run("ingest", good, "--db", db_path, "--json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["files"][0]["status"] == "accepted" and doc["files"][0]["rows"] == 2
    r = run("ingest", good, "--db", db_path, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["files"][0]["status"] == "unchanged"
    r = run("ingest", bad, "--db", db_path, "--json")
    f = json.loads(r.stdout)["files"][0]
    assert r.exit_code == 1 and f["status"] == "rejected"
    assert {"row": 3, "column": "value", "value": "120"}.items() <= f["errors"][0].items()
    assert f["errors"][0]["message"]


def test_mixed_files_exit_1_and_load_the_good_one(run, files, db_path):
    good, bad = files
    r = run("ingest", bad, good, "--db", db_path, "--json")
    statuses = [f["status"] for f in json.loads(r.stdout)["files"]]
    assert r.exit_code == 1 and statuses == ["rejected", "accepted"]


def test_readable_report_in_both_languages(run, files, db_path):
    _, bad = files
    vi = run("ingest", bad, "--db", db_path)
    assert "bị từ chối" in vi.stdout and "dòng 3, cột value" in vi.stdout and "ngoài khoảng hợp lý" in vi.stdout
    en = run("ingest", bad, "--db", db_path, "--lang", "en")
    assert "rejected" in en.stdout and "row 3, column value" in en.stdout


def test_dry_run_and_scope(run, files, db_path):
    good, _ = files
    r = run("ingest", good, "--db", db_path, "--dry-run", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["files"][0]["dry_run"] is True
    assert not db_path.exists()
    r = run("ingest", good, "--db", db_path, "--as-province", "66", "--json")
    assert r.exit_code == 1 and "outside Đắk Lắk" in r.stdout


def test_user_and_env_db(run, files, tmp_path, monkeypatch):
    good, _ = files
    path = tmp_path / "env.duckdb"
    monkeypatch.setenv("NQ72_DB", str(path))
    unknown = run("ingest", good, "--user", "Nguyễn Văn A")    # a typed name is not an actor
    assert unknown.exit_code == 1 and "no account 'Nguyễn Văn A'" in unknown.output and not path.exists()
    assert run("ingest", good).exit_code == 0                  # the operator at the shell
    accounts.add_user(path, "Nguyễn Văn A", "mat-khau-dai-1", "uploader", "01")
    assert run("ingest", good, "--user", "Nguyễn Văn A", "--as-province", "01").exit_code == 0
    with store.opened(path, read_only=True) as conn:
        assert [r[0] for r in conn.execute("select user_name from submissions").fetchall()] == [operator().name]


@pytest.mark.parametrize("args", [["ingest", "--no-such-flag"], ["ingest"], ["ingest", "/no/such/file.csv"],
                                  ["ingest", "x", "--as-province", "99"], ["template", "--province", "66"],
                                  ["template", "--province", "66", "--period", "soon"]])
def test_usage_errors_exit_2(run, args, tmp_path):
    if "x" in args:
        (tmp_path / "x").write_text("a")
        args = [str(tmp_path / "x") if a == "x" else a for a in args]
    assert CliRunner().invoke(main, args).exit_code == 2


def test_every_command_has_help(run):
    for name, command in main.commands.items():
        assert command.help, name
        assert run(name, "--help").exit_code == 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_roundtrip(run, tmp_path, db_path, suffix):
    out = tmp_path / f"t.{suffix}"
    r = run("template", "--province", "66", "--period", "2025-Q4", "--out", out)
    assert r.exit_code == 0
    frame = pd.read_csv(out, dtype=str) if suffix == "csv" else pd.read_excel(out, dtype=str)
    communes = frame[frame["indicator"] == "doctors_per_station"]
    assert len(communes) == 1 + 102                    # the province and its 102 communes
    assert set(frame["indicator"]) == {"doctors_per_station", "annual_checkup_coverage", "online_health_services"}
    assert frame["area_code"].iloc[0] == "66" and frame["area_name"].iloc[0] == "Đắk Lắk"
    frame["value"] = "3"
    filled = tmp_path / f"filled.{suffix}"
    if suffix == "csv":
        frame.to_csv(filled, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(filled, index=False)
    r = run("ingest", filled, "--db", db_path, "--as-province", "66", "--json")
    assert r.exit_code == 0, r.stdout


def test_monthly_template_has_monthly_indicators(run, tmp_path):
    out = tmp_path / "m.csv"
    run("template", "--province", "01", "--period", "2026-10", "--out", out)
    frame = pd.read_csv(out, dtype=str)
    assert "insurance_coverage" in set(frame["indicator"]) and "life_expectancy" not in set(frame["indicator"])


def test_a_200_mb_file_is_refused_without_reading_it(run, tmp_path, db_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.write(b"indicator,area_code,period,value\n")
        f.truncate(200 * 1024 * 1024)           # sparse: costs no disk and no time
    r = run("ingest", big, "--db", db_path, "--json")
    f0 = json.loads(r.stdout)["files"][0]
    assert r.exit_code == 1 and f0["status"] == "rejected" and "too large" in f0["errors"][0]["message_en"]


def test_an_endless_stream_is_refused_after_the_limit(run, db_path, monkeypatch):
    """/dev/zero (or a pipe) has no size beforehand: it is read one byte past the limit, no further."""
    monkeypatch.setenv("NQ72_MAX_UPLOAD_MB", "1")
    r = run("ingest", "/dev/zero", "--db", db_path, "--json", "--dry-run")
    f0 = json.loads(r.stdout)["files"][0]
    assert r.exit_code == 1 and f0["status"] == "rejected"
    assert f0["errors"][0]["message_en"] == "File larger than the 1 MB limit. Split the file."


def test_demo_refuses_to_overwrite(run, db_path):
    store.connect(db_path).close()
    r = CliRunner().invoke(main, ["demo", "--db", str(db_path)])
    assert r.exit_code == 1 and "--force" in r.output


def test_cli_imports_only_click_until_a_command_runs():
    """`nq72 --help` must not pay for pandas, DuckDB or the catalogue (issue: speed as users feel it)."""
    import subprocess
    import sys as _sys

    code = ("import sys; import pipelines.cli as c; "
            "heavy = [m for m in ('pandas', 'duckdb', 'pyarrow', 'pandera', 'streamlit', 'yaml', 'pydantic') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([_sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_one_row_ingest_imports_only_what_it_needs(tmp_path, dry_run):
    """`nq72 ingest` of one row, checked or loaded, loads neither the quality suite, the charts, the
    dashboard nor pandera (the task gate's), nor the parsers the read worker runs (issue 15)."""
    import subprocess
    import sys as _sys

    one = tmp_path / "one.csv"
    one.write_bytes(csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "97.2"]]))
    args = ["ingest", str(one), "--db", str(tmp_path / "one.duckdb"), "--json", *(["--dry-run"] if dry_run else [])]
    code = ("import sys\nfrom pipelines.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = ('pandera', 'plotly', 'great_expectations', 'streamlit', 'scipy', 'matplotlib', "
            "'charset_normalizer', 'python_calamine', 'pipelines.xlsx', 'pydantic')\n"
            "print('LOADED=' + ','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([_sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         env={**os.environ, "NQ72_QUALITY_AFTER_INGEST": "0"}).stdout
    assert '"status": "accepted"' in out
    assert out.strip().splitlines()[-1] == "LOADED="


def test_cli_roles_are_the_accounts_roles():
    from pipelines import accounts, cli

    assert cli.ROLES == accounts.ROLES


def test_serve_and_export_bring_an_older_database_up_to_date(tmp_path):
    """A database made before the newest migration (an upgrade of nq72) is migrated once by the
    commands that start readers, instead of every page refusing it."""
    from pipelines.cli import _up_to_date
    from pipelines.store import MIGRATIONS, StoreError, connect, schema_version
    from pipelines.store.connection import connect_file

    old = tmp_path / "old.duckdb"
    connect_file(old, MIGRATIONS[:-1]).close()
    with pytest.raises(StoreError, match="older schema"):
        connect(old, read_only=True)
    _up_to_date(old)
    with connect(old, read_only=True) as conn:
        assert schema_version(conn) == len(MIGRATIONS)


def test_the_nq72_process_exits_with_its_code_and_its_whole_answer(tmp_path):
    """The console script's fast exit (pipelines.cli.run) keeps the exit code and flushes every line:
    a rejected file exits 1 with the whole JSON document, a good one 0, a usage error 2."""
    import subprocess
    import sys as _sys

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "97.2"]]))
    bad.write_bytes(csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "abc"]]))
    env = {**os.environ, "NQ72_QUALITY_AFTER_INGEST": "0"}

    def nq72(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([_sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, env=env)

    db = str(tmp_path / "run.duckdb")
    rejected = nq72("ingest", str(bad), "--db", db, "--json")
    assert rejected.returncode == 1 and json.loads(rejected.stdout)["files"][0]["errors"][0]["column"] == "value"
    loaded = nq72("ingest", str(good), "--db", db)
    assert loaded.returncode == 0 and loaded.stdout.startswith("✓ good.csv") and loaded.stdout.endswith("\n")
    assert nq72("ingest", "--bogus").returncode == 2
