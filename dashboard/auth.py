"""Log-in for the dashboard. Local accounts by default (pipelines.accounts); Streamlit's st.login
where a deployment configures an OpenID Connect provider ([auth] in .streamlit/secrets.toml);
NQ72_AUTH=off (and nothing else) turns it off for a local demo or a test, with a banner."""
from __future__ import annotations

import hmac
import secrets
import time

import streamlit as st

from pipelines import accounts
from pipelines.accounts import ANONYMOUS, Actor
from pipelines.messages import t
from pipelines.settings import settings

TOKEN_SECONDS = 120


def mode() -> str:
    if settings().auth_off:
        return "off"
    try:
        return "oidc" if "auth" in st.secrets else "local"
    except Exception:  # noqa: BLE001 - no secrets file at all
        return "local"


@st.cache_resource
def _export_tokens() -> dict[str, tuple[float, Actor]]:
    """One-time tokens that let this server's own headless browser draw a view for the Export
    button as the user who pressed it (kept in the server process only, two minutes each)."""
    return {}


def export_token(actor: Actor) -> str:
    token = secrets.token_urlsafe(24)
    tokens = _export_tokens()
    now = time.monotonic()
    for key in [k for k, (at, _) in tokens.items() if now - at > TOKEN_SECONDS]:
        tokens.pop(key, None)
    tokens[token] = (now, actor)
    return token


def _from_token() -> Actor | None:
    given = st.query_params.get("export_token")
    if not given:
        return None
    for token, (at, actor) in list(_export_tokens().items()):
        if hmac.compare_digest(token, given) and time.monotonic() - at <= TOKEN_SECONDS:
            return actor
    return None


def gate(db: str, lang: str) -> Actor:
    """The acting user, or a log-in form and st.stop(). A session's account is looked up again on
    every run: removed, or with a password changed since the log-in, it is logged out."""
    if mode() == "off":
        return accounts.operator("demo")
    if (actor := st.session_state.get("actor")) is not None:
        if (now := accounts.still_valid(db, actor)) is not None:
            st.session_state["actor"] = now
            return now
        st.session_state.pop("actor", None)
        st.warning(t("session_ended", lang))
    if (actor := _from_token()) is not None:
        return actor
    if mode() == "oidc":
        return _oidc(db, lang)
    _login_form(db, lang)
    st.stop()


def _login_form(db: str, lang: str) -> None:
    st.title(t("app_title", lang))
    with st.form("login"):
        st.subheader(t("login", lang))
        username = st.text_input(t("username", lang))
        password = st.text_input(t("password", lang), type="password")
        if st.form_submit_button(t("login", lang)):
            try:
                actor = accounts.login(db, username.strip(), password)
            except Exception:  # noqa: BLE001 - no database or no users table yet
                actor = None
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
    if mode() == "off":
        return
    st.sidebar.caption(f"{actor.name} · {t('role_' + actor.role, lang)} {actor.province or ''}")
    if st.sidebar.button(t("logout", lang), key="logout"):
        st.session_state.pop("actor", None)
        if mode() == "oidc":
            st.logout()
        st.rerun()


def current() -> Actor:
    """The user of this run (set by the router); nobody (a viewer) when there is none."""
    return st.session_state.get("_actor_run") or ANONYMOUS
