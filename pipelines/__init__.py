"""How figures get in: read -> normalise -> check -> load. No streamlit import here."""
