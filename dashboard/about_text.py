"""Long texts of the About page, in both languages (Markdown). Figures come from configuration."""
from dashboard.fmt import number
from indicators.progress import PROGRESS

_METHOD = {
    "vi": f"""
### Cách xác định tình trạng

Mỗi tỉnh, mỗi chỉ tiêu, mỗi mốc mục tiêu được đánh giá bằng **thước đo tiến độ của Cơ quan Thống kê
Canada / Open SDG** (tài liệu open-sdg `progress-methodology.md`, mã tham chiếu sdg-build
`sdg/ProgressMeasure.py`), theo phương pháp của Eurostat:

- tốc độ thực tế CAGR_o = (y_t / y_0)^(1/(t − t_0)) − 1, tốc độ cần đạt CAGR_r = (y_T / y_0)^(1/(T − t_0)) − 1;
- tỷ số R = hướng × CAGR_o / |CAGR_r| (hướng = +1 khi càng cao càng tốt);
- **Đã đạt** khi giá trị mới nhất đã vượt mục tiêu theo hướng mong muốn; nếu chưa:
  R ≥ {{on_track}} **Đúng tiến độ**, {{acceleration}} ≤ R < {{on_track}} **Cần tăng tốc**,
  {{limited}} ≤ R < {{acceleration}} **Tiến bộ hạn chế**, R < {{limited}} **Đi xuống**;
  ít hơn hai điểm số liệu: **Chưa đủ số liệu**.

Các lựa chọn của nq72:
- Thời điểm của một kỳ là ngày cuối kỳ; mục tiêu “năm 2030” tính đến hết năm 2030.
- Năm gốc là năm kế hoạch nêu (2025 nếu không nêu), giá trị gốc là số liệu cuối cùng của năm gốc. Khi chưa có số
  liệu sau năm gốc (chỉ tiêu năm), năm gốc lùi về số liệu sớm nhất trong {PROGRESS.fallback_years} năm gần nhất.
- Giá trị 0 hoặc âm (mức tăng chiều cao bằng 0 ở năm gốc) làm tốc độ tăng trưởng vô nghĩa: khi đó dùng tốc độ
  tuyến tính (y − y_0)/(t − t_0) thay cho CAGR.
- Mục tiêu 100%: giá trị cách 100 không quá {{tolerance}} điểm phần trăm được coi là đạt (số liệu báo cáo
  làm tròn một chữ số thập phân).
- Mục tiêu khoảng (4-5 bác sĩ) đạt khi đạt cận dưới; “trên X%” cần lớn hơn X.
- Năm dự kiến đạt: theo tốc độ thực tế từ năm gốc; “không đạt với tốc độ hiện nay” khi xu hướng đi ngược mục tiêu.
- Trang Tổng quan so với mốc quốc gia kế tiếp; trang Tỉnh vẽ mọi mốc của quốc gia và của kế hoạch địa phương.
- Số liệu toàn quốc không phải trung bình cộng tỷ lệ của các tỉnh: tỷ lệ tính bằng tổng tử số/tổng mẫu số khi có,
  nếu không thì bình quân gia quyền theo dân số; số bác sĩ/trạm là bình quân theo số trạm.
""",
    "en": f"""
### How status is computed

Each province, indicator and milestone is classified with the **Statistics Canada / Open SDG progress
measure** (open-sdg docs `progress-methodology.md`, reference code sdg-build `sdg/ProgressMeasure.py`),
which follows Eurostat:

- observed rate CAGR_o = (y_t / y_0)^(1/(t − t_0)) − 1, required rate CAGR_r = (y_T / y_0)^(1/(T − t_0)) − 1;
- ratio R = direction × CAGR_o / |CAGR_r| (direction = +1 when higher is better);
- **Achieved** once the latest value has passed the target in the desired direction; otherwise
  R ≥ {{on_track}} **On track**, {{acceleration}} ≤ R < {{on_track}} **Acceleration needed**,
  {{limited}} ≤ R < {{acceleration}} **Limited progress**, R < {{limited}} **Deterioration**;
  fewer than two points: **Not enough data**.

Choices nq72 makes:
- A period counts at its last day; a target "in 2030" is due at the end of 2030.
- The baseline year is the plan's (2025 unless stated) and the baseline value the last one of that year. Where
  nothing was reported after it yet (annual indicators), the baseline moves back to the earliest value of the
  last {PROGRESS.fallback_years} years.
- Zero or negative values (a height gain of 0 in its baseline year) make growth rates meaningless: linear rates
  (y − y_0)/(t − t_0) are used instead of CAGR.
- 100% targets: a value within {{tolerance}} percentage points of 100 counts as reached (figures are
  reported to one decimal).
- A range target (4-5 doctors) is met at its lower bound; "above X%" needs more than X.
- The projected year follows the observed pace since the baseline; "not at the current pace" when the trend moves
  away from the target.
- The Overview compares with the next national milestone; the Province page draws every national and local one.
- A national figure is not a plain mean of provincial percentages: ratios are summed numerators over summed
  denominators when reported, else a population-weighted mean; doctors per station is a mean over stations.
""",
}



def method(lang: str) -> str:
    """The method text with the configured thresholds in the reader's number format."""
    figures = {k: number(getattr(PROGRESS, k), lang, 2) for k in ("on_track", "acceleration", "limited")}
    figures["tolerance"] = number(PROGRESS.full_tolerance, lang, 1)
    return _METHOD[lang].format(**figures)


SOURCES = {
    "vi": """
### Nguồn dữ liệu
- Số liệu: các Sở Y tế tải lên (CSV/Excel), mỗi lần nộp được lưu kèm người nộp, thời điểm và mã SHA-256.
- Danh mục 34 tỉnh, thành phố từ 01/7/2025 (Nghị quyết 202/2025/QH15; mã theo Quyết định 19/2025/QĐ-TTg) và dân số
  theo hồ sơ đề án sắp xếp đơn vị hành chính 2025 (dùng để so sánh và làm trọng số).
- 3.321 xã, phường, đặc khu: gói `vietnamadminunits` 1.0.4 (giấy phép MIT), dùng ngoại tuyến.
- **Dữ liệu minh họa là dữ liệu tổng hợp do máy tạo ra**, bám theo một số con số công bố của cả nước (bao phủ BHYT
  91,1% năm 2022, 95,2% năm 2025; tuổi thọ 73,6 năm 2021, 74,8 năm 2025). Số bác sĩ/trạm và tỷ lệ KCB BHYT tại trạm
  là số giả định. Không dùng dữ liệu minh họa cho báo cáo.
""",
    "en": """
### Where the data comes from
- Figures: uploaded by provincial health departments (CSV/Excel); each submission is stored with who, when and its
  SHA-256.
- The 34 provinces in force since 1 July 2025 (Resolution 202/2025/QH15; codes per Decision 19/2025/QĐ-TTg) and
  population from the 2025 merger dossier (used to compare and weight provinces).
- 3,321 communes: package `vietnamadminunits` 1.0.4 (MIT licence), used offline.
- **The demo data is synthetic, generated by a program**, anchored on a few public national figures (insurance
  coverage 91.1% in 2022, 95.2% in 2025; life expectancy 73.6 in 2021, 74.8 in 2025). Doctors per station and the
  share of insured visits at stations are invented. Never use the demo data in a report.
""",
}
