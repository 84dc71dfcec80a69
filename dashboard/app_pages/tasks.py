"""Nhiệm vụ: who must do what by when, the latest status of each task, and the reporting calendar."""
import streamlit as st

from dashboard import auth, queries, ui, views
from indicators.tasks import STATUSES, plan_tasks, task_board
from pipelines import accounts, settings, task_updates
from pipelines.messages import t
from pipelines.store import Store
from pipelines.submit import submit

lang, db, version, info = ui.page("title_tasks", require_data=False)
if version is None:
    st.info(t("no_db", lang))
    st.stop()
today = settings.today()
tasks = plan_tasks()
board = task_board(tasks, queries.task_updates(db, version), today)
plans = views.plan_names(tasks, lang)
st.caption(t("tasks_original", lang))
documents = st.sidebar.multiselect(t("plan", lang), list(plans), default=list(plans), format_func=plans.get,
                                   placeholder=t("choose", lang))
units = st.sidebar.multiselect(t("lead_unit", lang), sorted(board["lead_unit"].unique()), placeholder=t("filter_all", lang))
states = st.sidebar.multiselect(t("state", lang), ["overdue", "due_soon", "on_schedule", "done"],
                                format_func=lambda s: t(f"state_{s}", lang), placeholder=t("filter_all", lang))
overdue_only = st.sidebar.checkbox(t("overdue_only", lang))
shown = views.filter_tasks(board, documents, units, states, overdue_only)

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("tasks_total", lang), len(shown))
for col, state in zip((c2, c3, c4), ("overdue", "due_soon", "done")):
    col.metric(t(f"state_{state}", lang), int((shown["state"] == state).sum()))

st.subheader(t("calendar", lang))
ui.table(views.reporting_calendar(board, queries.province_values(db, version), today, lang,
                                  due_day=settings.settings().figures_due_day))
st.caption(t("before_day_reading", lang))
if ui.print_mode():  # printed open: a folded expander would print as its title alone
    st.subheader(t("plan_deadlines", lang))
    ui.table(views.plan_deadlines_table(today, lang))
else:
    with st.expander(t("plan_deadlines", lang)):
        ui.table(views.plan_deadlines_table(today, lang))
st.subheader(t("counts_per_unit", lang))
ui.table(views.unit_counts(shown, lang))

# Page text rather than grids: a task is read whole (a grid cut it at the column's width and hid
# five of its nine columns sideways), and the page drew in 1.23 s rather than 1.67 s with fifteen
# grids (bench/pages.py, national database, warm).
for document, doc_tasks in shown.groupby("document", sort=False):
    st.subheader(plans[document])
    for (group_no, title), group in doc_tasks.groupby(["group_no", "group_title"], sort=False):
        st.markdown(f"**{group_no}. {title}**" if group_no else "")
        ui.table(views.task_table(group, lang), nowrap=[t("task_no", lang), t("next_due", lang)],
                 verbatim=[t(c, lang) for c in ("task", "lead_unit", "deadline_text", "note")])
ui.csv_download(views.task_table(shown, lang), "nq72-tasks", lang, key="tasks_csv")

actor = auth.current()
writable = [i for i in board["task_id"] if accounts.may_update(actor, i)]
if writable:
    with st.form("task_update"):
        st.subheader(t("update_task", lang))
        task_id = st.selectbox(t("task", lang), writable,
                               format_func=lambda i: f"{i} · {board.set_index('task_id').at[i, 'task'][:90]}")
        period = st.text_input(t("period", lang), value=f"{today.year}-{today.month:02d}")
        status = st.radio(t("status", lang), STATUSES, horizontal=True,
                          format_func=lambda s: t(f"task_status_{s}", lang))
        note = st.text_area(t("note", lang), max_chars=1000)
        evidence = st.text_input(t("evidence", lang))
        if st.form_submit_button(t("save", lang)):
            content = task_updates.form_file(task_id, period, status, note, evidence)
            ui.show_outcome(submit(Store.at(db), content, f"form:{task_id}", actor), lang)
