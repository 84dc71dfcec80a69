"""The `nq72` command: one verb per job, each delegating to the library."""
from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click
import duckdb

from pipelines import store
from pipelines import accounts
from pipelines.ingest import FileReport, default_user, ingest_bytes, record
from pipelines.read import size_problem

DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="Database file (default: $NQ72_DB or data/nq72.duckdb).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nq72: health targets of Resolution 72-NQ/TW, province by province."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@click.option("--as-province", "province", default=None, help="Uploader's province code: rows elsewhere are rejected.")
@click.option("--user", default=None, help="Who submits (default: the OS user).")
@click.option("--dry-run", is_flag=True, help="Check only; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def ingest(files, db, province, user, dry_run, as_json, lang) -> None:
    """Check CSV/XLSX files and load each one that passes, all or nothing.

    Exit 0 when every file is accepted or unchanged, 1 when any is rejected."""
    if province is not None:
        province = _valid_province(province)
    reports: list[FileReport] = []
    path = store.db_path(db)
    needs_db = not (dry_run and not Path(path).exists())
    # A registered user's role is enforced; any other name is the operator at the shell.
    actor = accounts.find(path, user) if user and needs_db and Path(path).exists() else None
    try:
        with store.opened(db) if needs_db else contextlib.nullcontext() as conn:
            reports = _ingest_files(conn, files, province, user, dry_run, as_json, actor)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except (duckdb.Error, OSError) as exc:  # disk full, file system turned read-only...
        raise click.ClickException(f"the database could not be written ({str(exc).splitlines()[0][:200]}); "
                                   "nothing was loaded from the file being written") from None
    if needs_db:
        for r in reports:
            record(path, r, user or default_user())
    if not dry_run and any(r.status == "accepted" for r in reports):
        from pipelines.quality.run import start_in_background

        start_in_background(store.db_path(db), province)  # never waits for it
    if as_json:
        click.echo(json.dumps({"files": [r.to_json(lang) for r in reports]},
                              ensure_ascii=False))
    else:
        for r in reports:
            click.echo(format_report(r, lang))
    sys.exit(1 if any(r.status == "rejected" for r in reports) else 0)


def _ingest_files(conn, files, province, user, dry_run, as_json, actor=None) -> list[FileReport]:
    reports = []
    for path in _progress(files, "ingest", quiet=as_json):
        name, size = os.path.basename(path), os.path.getsize(path)
        if (too_big := size_problem(size)) is not None:
            reports.append(FileReport(name, "rejected", problems=[too_big], total_problems=1, dry_run=dry_run))
            continue
        with open(path, "rb") as f:
            content = f.read()
        reports.append(ingest_bytes(conn, content, name, user=user, scope_province=province, dry_run=dry_run,
                                    actor=actor))
    return reports


def format_report(r: FileReport, lang: str = "vi") -> str:
    """A readable report of one file."""
    vi = lang == "vi"
    if r.status == "rejected":
        head = (f"✗ {r.file}: bị từ chối, {r.total_problems} lỗi; không có gì được ghi." if vi
                else f"✗ {r.file}: rejected, {r.total_problems} errors; nothing was written.")
        lines = [head]
        for p in r.problems:
            where = (f"dòng {p.row}" if vi else f"row {p.row}") if p.row else ("cả tệp" if vi else "whole file")
            col = f", {'cột' if vi else 'column'} {p.column}" if p.column else ""
            lines.append(f"  {where}{col}: {p.message(lang)}")
        if r.total_problems > len(r.problems):
            rest = r.total_problems - len(r.problems)
            lines.append(f"  … {'và' if vi else 'and'} {rest} {'lỗi khác' if vi else 'more'}")
        return "\n".join(lines)
    if r.status == "unchanged":
        return (f"= {r.file}: không đổi (đã nạp ở lần nộp #{r.submission_id})." if vi
                else f"= {r.file}: unchanged (already loaded as submission #{r.submission_id}).")
    if r.dry_run:
        return (f"✓ {r.file}: hợp lệ, {r.rows} dòng (chạy thử, chưa ghi)." if vi
                else f"✓ {r.file}: valid, {r.rows} rows (dry run, nothing written).")
    return (f"✓ {r.file}: đã nạp {r.rows} dòng, lần nộp #{r.submission_id}." if vi
            else f"✓ {r.file}: loaded {r.rows} rows as submission #{r.submission_id}.")


@main.command()
@click.option("--province", required=True, help="Province code, e.g. 66.")
@click.option("--period", required=True, help="YYYY, YYYY-Qn or YYYY-MM.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Output file; .csv or .xlsx (default: nq72-<province>-<period>.xlsx).")
def template(province, period, out) -> None:
    """Write a pre-filled upload file with every row a province reports for a period."""
    from indicators.periods import parse_period
    from pipelines.template import template_rows, write_template

    province = _valid_province(province)
    p = parse_period(period)
    if p is None:
        raise click.BadParameter(f"'{period}' is not YYYY, YYYY-Qn or YYYY-MM", param_hint="--period")
    out = out or f"nq72-{province}-{p.code}.xlsx"
    if not out.lower().endswith((".csv", ".xlsx")):
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="--out")
    frame = template_rows(province, p)
    write_template(frame, Path(out))
    click.echo(f"{out}: {len(frame)} rows")


@main.group()
def user() -> None:
    """Local accounts: add, remove, passwd, list (see README: deploying with log-in)."""


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--province", default=None, help="The province of an uploader (or of a provincial viewer).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
def user_add(username, role, province, password_stdin, db) -> None:
    """Create an account."""
    try:
        accounts.add_user(store.db_path(db), username, _password(password_stdin), role, province, by=default_user())
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username}: {role} {province or ''}".rstrip())


@user.command("remove")
@click.argument("username")
@DB_OPTION
def user_remove(username, db) -> None:
    """Delete an account (the audit log keeps its history)."""
    try:
        accounts.remove_user(store.db_path(db), username, by=default_user())
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
def user_passwd(username, password_stdin, db) -> None:
    """Set an account's password."""
    try:
        accounts.set_password(store.db_path(db), username, _password(password_stdin), by=default_user())
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None


@user.command("list")
@DB_OPTION
def user_list(db) -> None:
    """Print the accounts (never their passwords)."""
    try:
        users = accounts.list_users(store.db_path(db))
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for row in users.itertuples():
        click.echo(f"{row.username}\t{row.role}\t{row.province or 'national'}")


@main.command()
@DB_OPTION
@click.option("--province", default=None, help="Only this province's flags and reporting rates.")
@click.option("--period", default=None, help="Only this period (YYYY, YYYY-Qn or YYYY-MM).")
@click.option("--trigger", default="manual", hidden=True)
@click.option("--no-docs", is_flag=True, help="Skip building the GX Data Docs.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def quality(db, province, period, trigger, no_docs, lang) -> None:
    """Run the data-quality suite on the stored values and keep its results."""
    from indicators.periods import parse_period
    from pipelines.quality.run import run_quality

    if province is not None:
        province = _valid_province(province)
    if period is not None:
        parsed = parse_period(period)
        if parsed is None:
            raise click.BadParameter(f"'{period}' is not YYYY, YYYY-Qn or YYYY-MM", param_hint="--period")
        period = parsed.code
    path = store.db_path(db)
    if not path.exists():
        raise click.ClickException(f"no database at {path}")
    report = run_quality(path, province, period, trigger=trigger, build_docs=not no_docs)
    click.echo(format_quality(report, lang))


def format_quality(report, lang: str = "vi") -> str:
    vi = lang == "vi"
    counts = report.flags.groupby("check_name").size().to_dict()
    head = (f"Lần kiểm tra #{report.run_id}: {report.values_checked} giá trị, {len(report.flags)} cảnh báo." if vi
            else f"Quality run #{report.run_id}: {report.values_checked} values, {len(report.flags)} flags.")
    lines = [head] + [f"  {name}: {n}" for name, n in sorted(counts.items())]
    lines.append("  " + ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items()))
    if report.docs:
        lines.append(f"  Data Docs: {report.docs}")
    return "\n".join(lines)


@main.command()
@DB_OPTION
@click.option("--period", default=None, help="YYYY-MM (default: the last complete month).")
@click.option("--province", default="all", show_default=True, help="A province code, or all.")
@click.option("--pages", default="overview,province,indicator,stations,quality,tasks", show_default=True,
              help="Comma-separated: overview,province,indicator,stations,quality,tasks,about.")
@click.option("--format", "formats", default="png,pdf", show_default=True, help="png, pdf or both.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="nq72-export", show_default=True)
@click.option("--url", default=None, help="A running dashboard (default: start one on a free loopback port).")
@click.option("--tabs", default=3, show_default=True, type=click.IntRange(1, 8), help="Pages drawn at once.")
def export(db, period, province, pages, formats, lang, out, url, tabs) -> None:
    """Screenshot every page for every province: PNGs and one PDF per province.

    Writes OUT/YYYY-MM/<code>-<name>/<page>.png and <code>-<name>.pdf, and OUT/YYYY-MM/national/.
    Safe to re-run: files are replaced whole. Exit 1 if any page failed."""
    from indicators.periods import last_complete_month, parse_period
    from pipelines import export as exporter

    parsed = parse_period(period) if period else last_complete_month()
    if parsed is None or parsed.granularity != "month":
        raise click.BadParameter(f"'{period}' is not YYYY-MM", param_hint="--period")
    page_list = [p.strip() for p in pages.split(",") if p.strip()]
    unknown = [p for p in page_list if p not in exporter.PATHS]
    if unknown or not page_list:
        raise click.BadParameter(f"unknown page(s): {', '.join(unknown) or '(none)'}", param_hint="--pages")
    format_set = {f.strip() for f in formats.split(",") if f.strip()}
    if not format_set or not format_set <= {"png", "pdf"}:
        raise click.BadParameter("png, pdf or png,pdf", param_hint="--format")
    codes = list(geography_codes()) if province == "all" else [_valid_province(province)]
    path = store.db_path(db)
    if not path.exists():
        raise click.ClickException(f"no database at {path}")
    shots = len(exporter.plan("http://x", parsed.code, codes, page_list, lang, Path(out)))
    from tqdm import tqdm

    bar = tqdm(total=shots, desc=f"export {parsed.code}", unit="page", file=sys.stderr)

    def done(shot, error):
        bar.update(1)
        if error:
            bar.write(f"✗ {shot.folder.name}/{shot.page}: {error.splitlines()[0][:200]}")
    result = exporter.export(path, parsed.code, codes, page_list, format_set, lang, Path(out), url, tabs, done)
    bar.close()
    click.echo(f"{len(result.files)} files in {Path(out) / parsed.code} "
               f"({result.seconds['pages']:.0f} s, {result.seconds['per_page']:.1f} s per page); "
               f"{len(result.failures)} failed")
    for folder, page, why in result.failures:
        click.echo(f"  ✗ {folder}/{page}: {why}", err=True)
    sys.exit(1 if result.failures else 0)


def geography_codes() -> list[str]:
    from data import geography

    return list(geography.provinces()["code"])


@main.command()
@DB_OPTION
@click.option("--seed", default=72, show_default=True, help="Random seed of the synthetic data.")
@click.option("--force", is_flag=True, help="Replace an existing database file.")
def demo(db, seed, force) -> None:
    """Build the demo database (synthetic data, loaded through the upload pipeline)."""
    from pipelines.demo import build_demo

    path = store.db_path(db)
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; use --force to replace it")
    summary = build_demo(path, seed=seed, progress=True)
    click.echo(f"{path}: {summary['submissions']} submissions, {summary['values']} values (synthetic)")


@main.command()
@DB_OPTION
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(db, port, host) -> None:
    """Start the dashboard on a database."""
    root = Path(__file__).resolve().parent.parent  # holds .streamlit/config.toml
    env = dict(os.environ, NQ72_DB=str(store.db_path(db).resolve()))
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"),
           "--server.port", str(port), "--server.address", host, "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    click.echo(f"nq72: http://{host}:{port}  (database {env['NQ72_DB']})", err=True)
    # Become the Streamlit process (no child left behind when this one is stopped).
    os.chdir(root)
    os.execve(sys.executable, cmd, env)


def _valid_province(code: str) -> str:
    from data import geography

    norm = geography.normalise_code(code)
    if norm not in set(geography.provinces()["code"]):
        raise click.BadParameter(f"'{code}' is not one of the 34 province codes", param_hint="province")
    return norm


def _progress(items, label: str, quiet: bool):
    """A progress bar on stderr when there is more than one item and a terminal to draw on."""
    if quiet or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", file=sys.stderr)


if __name__ == "__main__":
    main()
