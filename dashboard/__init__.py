"""What people see: the Streamlit app. Pages are thin; logic lives in indicators/ and pipelines/."""
