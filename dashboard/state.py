"""Selections that live in the URL (st.query_params), so a link opens the same view."""
from __future__ import annotations

import streamlit as st

LANGS = ("vi", "en")


def lang() -> str:
    """The interface language from ?lang=, Vietnamese unless it says en."""
    value = st.query_params.get("lang", "vi")
    return value if value in LANGS else "vi"


def language_switch() -> str:
    """A sidebar switch that writes the choice back to the URL."""
    current = lang()
    choice = st.sidebar.radio("Ngôn ngữ / Language", LANGS, index=LANGS.index(current),
                              format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], horizontal=True)
    if choice != current:
        st.query_params["lang"] = choice
        st.rerun()
    return choice
