"""Random bytes and random CSV never crash the pipeline and never half-load a file."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import store
from pipelines.ingest import check_upload
from tests.conftest import TODAY, csv_bytes, load

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

cells = st.one_of(
    st.sampled_from(["insurance_coverage", "life_expectancy", "doctors_per_station", "66", "01", "10729", "2025",
                     "2025-12", "2025-Q1", "94,7", "94.7 %", "", " ", "=1+1", "-5", "1e308", "nan", "inf", "Đắk Lắk",
                     "Hà Nội", '"', "\x00", "🙂", "1/2025"]),
    st.text(alphabet=string.printable + "ăâđêôơưạảấầẩẫậ", max_size=12),
)
headers = st.lists(st.sampled_from(["indicator", "area_code", "period", "value", "numerator", "denominator",
                                    "note", "area_name", "chi_tieu", "gia_tri", "x", ""]), min_size=0, max_size=8)


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash(content):
    rows, problems, total = check_upload(content, "random.csv", today=TODAY)
    assert (rows is None) == bool(problems)
    assert all(p.message_vi and p.message_en for p in problems)


@SETTINGS
@given(headers, st.lists(st.lists(cells, min_size=0, max_size=9), max_size=30),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_csv_never_crashes(header, body, delimiter, encoding):
    content = csv_bytes([header, *body], delimiter=delimiter, encoding=encoding)
    rows, problems, _ = check_upload(content, "random.csv", today=TODAY)
    assert (rows is None) == bool(problems)
    for p in problems:
        assert p.row is None or p.row >= 2
        assert p.message_vi and p.message_en


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["insurance_coverage", "immunization_coverage", "nope"]),
                          st.sampled_from(["01", "66", "99"]),
                          st.sampled_from(["2025-01", "2025-02", "2030-01"]),
                          st.sampled_from(["90", "95,5", "150", "x"])), min_size=1, max_size=12))
def test_load_is_all_or_nothing(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("p") / "p.duckdb"
    content = csv_bytes([["indicator", "area_code", "period", "value"], *map(list, rows)])
    with store.opened(path) as conn:
        report = load(conn, content, "f.csv", today=TODAY)
        stored = conn.execute("select count(*) from indicator_values").fetchone()[0]
    assert stored == (report.rows if report.status == "accepted" else 0)
    if report.status == "accepted":
        assert report.rows == len(rows)
