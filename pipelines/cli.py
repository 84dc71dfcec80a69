"""The `nq72` command: one verb per job, each delegating to the library."""
from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from pathlib import Path

import click

# numpy's OpenBLAS starts a thread per core that spins on import: nq72 does no linear algebra, and on a
# small machine those threads took 0.14 s of CPU from a one-row ingest (0.04 s of its wall time).
# Set before any command imports numpy, and inherited by the processes it starts.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Only click is imported here: `nq72 --help` and every command's own --help stay fast. Each command
# imports what it uses (pandas, DuckDB, the catalogue...) when it runs.
ROLES = ("viewer", "uploader", "admin")  # pipelines.accounts.ROLES, checked equal by a test

DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="Database file (default: $NQ72_DB or data/nq72.duckdb).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nq72: health targets of Resolution 72-NQ/TW, province by province."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@click.option("--as-province", "province", default=None, help="Check the files against one province: rows elsewhere are rejected.")
@click.option("--user", default=None, help="Submit as this account (its role and province apply); default: you, the operator.")
@click.option("--dry-run", is_flag=True, help="Check only; change nothing.")
@click.option("--accept-warnings", is_flag=True,
              help="Load files whose values jump from the previous period (you checked them); audited.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def ingest(files, db, province, user, dry_run, accept_warnings, as_json, lang) -> None:
    """Check CSV/XLSX files and load each one that passes, all or nothing.

    A value far from the area's previous one is a warning: the file is held (status "warnings",
    nothing loaded) unless --accept-warnings. An uploader's changed value for a closed period waits
    for an admin (`nq72 corrections`); a file of only such values is "pending". Exit 0 when every
    file is accepted, unchanged or pending, 1 when any is rejected or held."""
    if any(_needs_worker(path) for path in files):
        from pipelines.read_worker import start_server

        start_server()  # the process that reads the files gets ready while this one imports what it needs
    import duckdb

    from pipelines.store import Store, StoreError

    if province is not None:
        province = _valid_province(province)
    target = Store.at(db)
    try:
        actor = _actor(target, user)
        reports = [_submit_path(target, path, actor, province, dry_run, accept_warnings)
                   for path in _progress(files, "ingest", quiet=as_json)]
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except (duckdb.Error, OSError) as exc:  # disk full, file system turned read-only...
        raise click.ClickException(f"the database could not be written ({str(exc).splitlines()[0][:200]}); "
                                   "nothing was loaded from the file being written") from None
    if as_json:
        click.echo(json.dumps({"files": [r.to_json(lang) for r in reports]}, ensure_ascii=False))
    else:
        for r in reports:
            click.echo(format_report(r, lang))
    sys.exit(1 if any(r.status in ("rejected", "warnings") for r in reports) else 0)


def _actor(target, user: str | None):
    """--user names an account that must exist; without it, the operator at the shell acts."""
    from pipelines import accounts

    if user is None:
        return accounts.operator()
    found = accounts.find(target.path, user) if target.path.exists() else None
    if found is None:
        raise click.ClickException(f"no account '{user}' in {target.path} (see `nq72 user list`)")
    return found


def _submit_path(target, path: str, actor, province: str | None, dry_run: bool, accept_warnings: bool = False):
    from pipelines.read import max_upload_bytes, over_limit_problem, size_problem
    from pipelines.submit import reject, submit

    name, size = os.path.basename(path), os.path.getsize(path)
    if (too_big := size_problem(size)) is not None:  # refused unread
        return reject(target, name, actor, [too_big], 1, None, dry_run)
    limit = max_upload_bytes()
    with open(path, "rb") as f:  # a pipe or a device has no size beforehand: read one byte past the limit at most
        content = f.read(limit + 1)
    if len(content) > limit:
        return reject(target, name, actor, [over_limit_problem()], 1, None, dry_run)
    return submit(target, content, name, actor, scope_province=province, dry_run=dry_run,
                  accept_warnings=accept_warnings, parts=_cores(), small_here=True)


def _needs_worker(path: str) -> bool:
    """Whether the file needs a reading worker (pipelines.sniff), from its first bytes and size. A
    pipe (`nq72 ingest <(iconv ...)`) cannot be read twice nor sized beforehand: assumed to need one."""
    from pipelines.sniff import needs_worker

    if not stat.S_ISREG(os.stat(path).st_mode):
        return True
    with open(path, "rb") as f:
        return needs_worker(f.read(8), os.fstat(f.fileno()).st_size)


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def format_report(r, lang: str = "vi") -> str:
    """A readable report of one file (a pipelines.ingest.FileReport)."""
    from pipelines.messages import t

    if r.status == "rejected":
        lines = [t("cli_rejected_head", lang, file=r.file, n=r.total_problems)]
        for p in r.problems:
            where = t("cli_row", lang, row=p.row) if p.row else t("cli_whole_file", lang)
            col = f", {t('cli_column', lang, column=p.column)}" if p.column else ""
            lines.append(f"  {where}{col}: {p.message(lang)}")
        if r.total_problems > len(r.problems):
            lines.append("  " + t("more_errors", lang, n=r.total_problems - len(r.problems)))
        return "\n".join(lines)
    if r.status == "unchanged":
        return t("cli_unchanged", lang, file=r.file, id=r.submission_id)
    if r.status == "warnings":
        lines = [t("cli_warnings_head", lang, file=r.file, n=len(r.warnings))]
        lines += [f"  {t('cli_row', lang, row=w.row)}: {w.message(lang)}" for w in r.warnings]
        return "\n".join(lines)
    if r.status == "pending":
        return "\n".join([t("cli_pending", lang, file=r.file, n=len(r.pending)), *_pending_lines(r.pending, lang)])
    done = t("cli_dry_run", lang, file=r.file, n=r.rows) if r.dry_run else \
        t("cli_loaded", lang, file=r.file, n=r.rows, id=r.submission_id)
    done += t("cli_warnings_accepted", lang, n=len(r.warnings)) if r.warnings else ""
    if r.pending:
        some = "cli_pending_would" if r.dry_run else "cli_pending_some"
        done = "\n".join([done + t(some, lang, n=len(r.pending)), *_pending_lines(r.pending, lang)])
    return done


def _pending_lines(pending, lang: str) -> list[str]:
    from pipelines.messages import t

    return ["  " + t("correction_line" if c.id is not None else "correction_line_new", lang, id=c.id, row=c.row,
                     indicator=c.indicator, area=c.area_code,
                     period=c.period, old=f"{c.current_value:g}", new=f"{c.value:g}") for c in pending]


@main.group()
def corrections() -> None:
    """Corrections to closed periods sent by uploaders: list, approve ID, reject ID (admins)."""


@corrections.command("list")
@click.option("--all", "show_all", is_flag=True, help="Decided corrections too, not only pending ones.")
@DB_OPTION
def corrections_list(show_all, db) -> None:
    """Print the corrections waiting for an admin (tab-separated), oldest first."""
    from pipelines import corrections as closing
    from pipelines.store import Store, StoreError

    try:
        rows = closing.listed(Store.at(db), None if show_all else "pending")
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for r in rows.itertuples():
        click.echo(f"{r.id}\t{r.status}\t{r.indicator}\t{r.area_code}\t{r.period}\t{r.previous_value:g} -> {r.value:g}"
                   f"\t{r.user_name}\t{r.file_name}")


def _decide(correction_id: int, user: str | None, db, approve: bool) -> None:
    from pipelines import corrections as closing
    from pipelines.accounts import Refused
    from pipelines.messages import t
    from pipelines.store import Store, StoreError

    target = Store.at(db)
    try:
        done = closing.decide(target, correction_id, _actor(target, user), approve)
    except Refused as why:
        raise click.ClickException(t(why.key, "en", **why.params)) from None
    except LookupError:
        raise click.ClickException(f"no pending correction #{correction_id} (see `nq72 corrections list`)") from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{correction_id}\t{done['status']}" + (f"\tsubmission #{done['submission_id']}" if approve else ""))


@corrections.command("approve")
@click.argument("correction_id", type=int)
@click.option("--user", default=None, help="The admin account deciding; default: you, the operator.")
@DB_OPTION
def corrections_approve(correction_id, user, db) -> None:
    """Make a pending correction the current figure (loaded as a submission; audited)."""
    _decide(correction_id, user, db, approve=True)


@corrections.command("reject")
@click.argument("correction_id", type=int)
@click.option("--user", default=None, help="The admin account deciding; default: you, the operator.")
@DB_OPTION
def corrections_reject(correction_id, user, db) -> None:
    """Refuse a pending correction: the figure stays as it was (audited)."""
    _decide(correction_id, user, db, approve=False)


@main.command()
@click.option("--province", required=True, help="Province code, e.g. 66.")
@click.option("--period", required=True, help="YYYY, YYYY-Qn or YYYY-MM.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Output file; .csv or .xlsx (default: nq72-<province>-<period>.xlsx).")
@click.option("--layout", "layout_", type=click.Choice(["long", "wide"]), default="long", show_default=True,
              help="long: one row per indicator and area; wide: one row per area, one column per indicator.")
def template(province, period, out, layout_) -> None:
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
    frame = template_rows(province, p, layout_)
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
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--province", default=None, help="The province of an uploader (or of a provincial viewer).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
def user_add(username, role, province, password_stdin, db) -> None:
    """Create an account."""
    from pipelines import accounts, store

    try:
        accounts.add_user(store.db_path(db), username, _password(password_stdin), role, province, by=accounts.operator().name)
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{username}: {role} {province or ''}".rstrip())


@user.command("remove")
@click.argument("username")
@DB_OPTION
def user_remove(username, db) -> None:
    """Delete an account (the audit log keeps its history)."""
    from pipelines import accounts, store

    try:
        accounts.remove_user(store.db_path(db), username, by=accounts.operator().name)
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DB_OPTION
def user_passwd(username, password_stdin, db) -> None:
    """Set an account's password."""
    from pipelines import accounts, store

    try:
        accounts.set_password(store.db_path(db), username, _password(password_stdin), by=accounts.operator().name)
    except (accounts.AccountError, store.StoreError) as exc:
        raise click.ClickException(str(exc)) from None


@user.command("list")
@DB_OPTION
def user_list(db) -> None:
    """Print the accounts (never their passwords)."""
    from pipelines import accounts, store

    try:
        users = accounts.list_users(store.db_path(db))
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for row in users.itertuples():
        click.echo(f"{row.username}\t{row.role}\t{row.province if isinstance(row.province, str) else 'national'}")


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
    from pipelines import store
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
    from pipelines.messages import t

    counts = report.flags.groupby("check_name").size().to_dict()
    head = t("cli_quality_head", lang, id=report.run_id, values=report.values_checked, flags=len(report.flags))
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
@click.option("--url", default=None, help="A running dashboard (default: start one on a free loopback port); "
              "with log-in on, each page carries an export token made from --db, which must be the database it serves.")
@click.option("--tabs", default=3, show_default=True, type=click.IntRange(1, 8), help="Pages drawn at once.")
def export(db, period, province, pages, formats, lang, out, url, tabs) -> None:
    """Screenshot every page for every province: PNGs and one PDF per province.

    Writes OUT/YYYY-MM/<code>-<name>/<page>.png and <code>-<name>.pdf, and OUT/YYYY-MM/national/.
    Safe to re-run: files are replaced whole. Exit 1 if any page failed."""
    from tqdm import tqdm

    from indicators.periods import last_complete_month, parse_period
    from pipelines import export as exporter
    from pipelines import store
    from pipelines.settings import today as settings_today

    parsed = parse_period(period) if period else last_complete_month(settings_today())
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
    _up_to_date(path)
    shots = len(exporter.plan("http://x", parsed.code, codes, page_list, lang, Path(out)))

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
    if any("log-in form" in why for _, _, why in result.failures):
        click.echo(f"{url} asks for a log-in: run `nq72 export --url` beside the database that server uses "
                   "(--db naming that file), so each page carries an export token the server accepts", err=True)
    sys.exit(1 if result.failures else 0)


@main.command()
@DB_OPTION
@click.option("--province", default="all", show_default=True, help="A province code, or all (every province and the national report).")
@click.option("--period", default=None, help="YYYY-MM (a month), YYYY-H1 (the 15 June report) or YYYY (the 15 December report); "
              "default: the most recent report due.")
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="docx, pdf or both.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="nq72-report", show_default=True)
def report(db, province, period, formats, lang, out) -> None:
    """Draft the report of Resolution 72-NQ/TW: an editable DOCX and an A4 PDF per province, and a national one.

    Writes OUT/<period>/<code>-<name>-bao-cao-<period>.docx|.pdf (toan-quoc-... for the national report)."""
    from tqdm import tqdm

    from pipelines import report as reporting
    from pipelines import store
    from pipelines.messages import t
    from pipelines.settings import today
    from pipelines.store import StoreError

    parsed = reporting.parse_report_period(period) if period else reporting.default_period(today())
    if parsed is None:
        raise click.BadParameter(f"'{period}' is not YYYY-MM, YYYY-H1 or YYYY", param_hint="--period")
    format_set = {f.strip() for f in formats.split(",") if f.strip()}
    if not format_set or not format_set <= set(reporting.FORMATS):
        raise click.BadParameter("docx, pdf or docx,pdf", param_hint="--format")
    codes = [*geography_codes(), None] if province == "all" else [_valid_province(province)]
    path = store.db_path(db)
    if not path.exists():
        raise click.ClickException(f"no database at {path}")
    bar = tqdm(total=len(codes), desc=f"report {parsed.code}", unit="report", file=sys.stderr, disable=len(codes) < 2)
    try:
        run = reporting.write_reports(path, codes, parsed, format_set, lang, Path(out), today(),
                                      on_done=lambda _: bar.update(1))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bar.close()
    click.echo(t("rp_cli_done", lang, n=len(run.files), folder=Path(out) / parsed.code, seconds=sum(run.seconds.values())))
    for file in run.files:
        click.echo(f"  {file}")


def geography_codes() -> list[str]:
    from data import geography

    return list(geography.provinces()["code"])


@main.command()
@DB_OPTION
@click.option("--seed", default=72, show_default=True, help="Random seed of the synthetic data.")
@click.option("--force", is_flag=True, help="Replace an existing database file.")
def demo(db, seed, force) -> None:
    """Build the demo database (synthetic data, loaded through the upload pipeline)."""
    from pipelines import store
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
    from pipelines import store

    root = Path(__file__).resolve().parent.parent  # holds .streamlit/config.toml
    path = store.db_path(db)
    if path.exists():
        _up_to_date(path)
    env = dict(os.environ, NQ72_DB=str(path.resolve()))
    # Streamlit's command line, run by dashboard.server once the dashboard's imports are loaded
    cmd = [sys.executable, "-m", "dashboard.server", "run", str(root / "dashboard" / "app.py"),
           "--server.port", str(port), "--server.address", host, "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    click.echo(f"nq72: http://{host}:{port}  (database {env['NQ72_DB']})", err=True)
    # Become the Streamlit process (no child left behind when this one is stopped).
    os.chdir(root)
    os.execve(sys.executable, cmd, env)


def _up_to_date(path: Path) -> None:
    """Migrate a database made by an older nq72 once, here, before its readers start: the pages and
    the exporter only read, and would refuse it."""
    from pipelines import store

    try:
        store.connect(path).close()
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from None


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


def run() -> None:
    """The `nq72` process itself (its console script and `python -m pipelines.cli`): the command,
    then an exit without Python's teardown once the answer is out. Freeing a million-row file's
    frames, Arrow and DuckDB module by module took ~0.4 s after the last line was printed; nothing
    is left to flush (every database connection is closed when its command returns) and the read
    worker's fork server ends when this process does (pipelines.read_server). Tests call `main`."""
    try:
        main()
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message for stderr: as Python prints it
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a reader that has gone (`nq72 ... | head`)
                stream.flush()
        os._exit(done.code or 0)


if __name__ == "__main__":
    run()
