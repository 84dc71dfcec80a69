"""Selections that live in the URL (st.query_params), so a link opens the same view.

Keys: lang, province, indicator, period (as-of month), charts (the Province page's every chart).
The language is also kept in the session, so it survives a page switch that drops the query string."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dashboard import auth

LANGS = ("vi", "en")


def lang() -> str:
    """The interface language from ?lang= (or the session), Vietnamese by default."""
    value = st.query_params.get("lang") or st.session_state.get("lang", "vi")
    value = value if value in LANGS else "vi"
    st.session_state["lang"] = value
    return value


def language_switch() -> str:
    """A sidebar switch that writes the choice back to the URL."""
    current = lang()
    choice = st.sidebar.radio("Ngôn ngữ / Language", LANGS, index=LANGS.index(current),
                              format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], horizontal=True)
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    if st.query_params.get("lang") != choice:
        st.query_params["lang"] = choice
    return choice


def print_mode() -> bool:
    """Whether this run draws the exporter's print mode: asked for with ?print=1, honoured only in
    the view an export token opened."""
    return st.query_params.get("print") == "1" and auth.current().kind == "export"


def choice(key: str, options: Sequence[str], label: str, format_func: Callable[[str], str] = str,
           default: str | None = None, container=st) -> str | None:
    """A selectbox whose value comes from ?key= and goes back into it. Print mode draws no widget:
    the URL alone says what is shown (the exporter moves one session from view to view, and a
    selectbox would keep the previous view's value)."""
    if not options:
        return None
    wanted = st.query_params.get(key, default)
    index = list(options).index(wanted) if wanted in options else 0
    if print_mode():
        return options[index]
    value = container.selectbox(label, options, index=index, format_func=format_func, key=f"sel_{key}")
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def switch(key: str, label: str, container=st) -> bool:
    """A toggle whose value comes from ?key=1 and goes back into it, so a link keeps it. Print mode
    draws no widget and answers False: what a sheet shows is its page's decision, not a switch's."""
    if print_mode():
        return False
    value = container.toggle(label, value=st.query_params.get(key) == "1", key=f"tgl_{key}")
    if value and st.query_params.get(key) != "1":
        st.query_params[key] = "1"
    elif not value and key in st.query_params:
        del st.query_params[key]
    return value
