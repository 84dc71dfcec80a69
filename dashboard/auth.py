"""Log-in for the dashboard. Local accounts by default (pipelines.accounts); Streamlit's st.login
where a deployment configures an OpenID Connect provider ([auth] in .streamlit/secrets.toml);
NQ72_AUTH=off (and nothing else) turns it off for a local demo or a test, with a banner.

An export token (pipelines.accounts.export_token) opens one view for the server's headless browser:
it is used up on the session's first run, and that session then keeps a read-only export actor for
that page only, for a few minutes; another page needs a token of its own."""
from __future__ import annotations

import logging
import time
from urllib.parse import urlparse

import streamlit as st

from pipelines import accounts, store
from pipelines.accounts import ANONYMOUS, Actor
from pipelines.messages import t
from pipelines.settings import settings

EXPORT_SESSION_SECONDS = 300  # long enough for a slow page to draw twice, then the view is gone
LOGIN_FORM = "nq72_login"     # key of the form's container: its CSS class st-key-nq72_login tells exports a log-in form

LOG = logging.getLogger("nq72")


def mode() -> str:
    if settings().auth_off:
        return "off"
    try:
        return "oidc" if "auth" in st.secrets else "local"
    except Exception:  # noqa: BLE001 - no secrets file at all
        return "local"


def page_path() -> str | None:
    """The path of the page this run draws as the browser asks for it ('/tinh'); None when unknown."""
    url = st.context.url
    return (urlparse(url).path.rstrip("/") or "/") if url else None


def export_token(actor: Actor, path: str) -> str:
    """A token for the server's headless browser to draw `path` once, read-only, as `actor` sees it."""
    return accounts.export_token(store.db_path(), actor, path)


def _export_view(db: str) -> Actor | None:
    """The read-only actor of a view an export token opened: the token is used up on the first run;
    later runs of the same session keep the actor while they draw that same page, in time."""
    path = page_path()
    if (held := st.session_state.pop("_export_view", None)) is not None:
        actor, bound, until = held
        if path == bound and time.monotonic() < until:
            st.session_state["_export_view"] = held
            return actor
    # A token of its own opens the next view: the exporter moves one session from page to page.
    given = st.query_params.get("export_token")
    if not given or path is None:
        return None
    try:
        actor = accounts.use_export_token(db, given, path)
    except store.StoreError:  # fail closed: a database that cannot be read opens nothing
        return None
    if actor is not None:
        st.session_state["_export_view"] = (actor, path, time.monotonic() + EXPORT_SESSION_SECONDS)
    return actor


def gate(db: str, lang: str) -> Actor | None:
    """The acting user, or None with the log-in form drawn: the router then stops after it has
    registered the URL's page, so that the log-in opens the page that was asked for. A session's
    account is looked up again on every run: removed, or with a password changed since the log-in,
    it is logged out."""
    if mode() == "off":  # an export token still opens its view: print mode is for such views only
        return _export_view(db) or accounts.operator("demo")
    if (actor := st.session_state.get("actor")) is not None:
        if (now := accounts.still_valid(db, actor)) is not None:
            st.session_state["actor"] = now
            return now
        st.session_state.pop("actor", None)
        st.warning(t("session_ended", lang))
    if (actor := _export_view(db)) is not None:
        return actor
    if mode() == "oidc":
        return _oidc(db, lang)
    _login_form(db, lang)
    return None


def _login_form(db: str, lang: str) -> None:
    st.title(t("app_title", lang))
    with st.container(key=LOGIN_FORM), st.form("login"):
        st.subheader(t("login", lang))
        username = st.text_input(t("username", lang), max_chars=accounts.MAX_NAME)
        password = st.text_input(t("password", lang), type="password", max_chars=accounts.MAX_PASSWORD)
        if st.form_submit_button(t("login", lang)):
            try:
                actor = accounts.login(db, username.strip(), password, client=st.context.ip_address)
            except accounts.Locked as locked:
                st.error(t("login_locked", lang, until=locked.until))
                return
            except store.StoreError as exc:  # say what failed: the database, not the password
                LOG.error("log-in impossible, the database cannot be read: %s", exc)
                st.error(t("login_unavailable", lang, reason=str(exc).splitlines()[0][:300]))
                return
            if actor is None:
                st.error(t("login_failed", lang))
            else:
                st.session_state["actor"] = actor
                st.rerun()


def _oidc(db: str, lang: str) -> Actor:
    if not st.user.is_logged_in:
        st.title(t("app_title", lang))
        st.button(t("login", lang), on_click=st.login)
        st.stop()
    actor = accounts.find(db, str(st.user.get("email", "")))
    if actor is None:
        st.error(t("no_role", lang))
        st.stop()
    accounts.record(db, actor.name, "login", "ok", detail="oidc")
    st.session_state["actor"] = actor
    return actor


def logout_button(actor: Actor, lang: str) -> None:
    if mode() == "off" or actor.kind == "export":
        return
    # Plain text: a name is whatever an admin typed, never Markdown (an image link would be fetched).
    st.sidebar.text(f"{actor.name} · {t('role_' + actor.role, lang)} {actor.province or ''}".rstrip())
    if st.sidebar.button(t("logout", lang), key="logout"):
        st.session_state.pop("actor", None)
        if mode() == "oidc":
            st.logout()
        st.rerun()


def current() -> Actor:
    """The user of this run (set by the router); nobody (a viewer) when there is none."""
    return st.session_state.get("_actor_run") or ANONYMOUS
