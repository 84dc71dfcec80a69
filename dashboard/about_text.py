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
- **Đã đạt** khi giá trị mới nhất đã vượt mục tiêu theo hướng mong muốn (một số liệu là đủ); nếu chưa:
  R ≥ {{on_track}} **Đúng tiến độ**, {{acceleration}} ≤ R < {{on_track}} **Cần tăng tốc**,
  {{limited}} ≤ R < {{acceleration}} **Tiến bộ hạn chế**, R < {{limited}} **Đi xuống**;
  chưa có hai điểm số liệu để tính xu hướng: **Chưa đủ số liệu**.
- **Không đạt (quá hạn)**: số liệu đã đến hết năm mục tiêu mà mục tiêu chưa đạt. Khi đó không xét tốc độ nữa
  (thước đo tham chiếu vẫn xếp loại theo tốc độ); bảng vẫn ghi khoảng cách còn thiếu.
- Ký hiệu đi kèm màu (✔ ● ◆ ■ ✖ ⊘ …) có hình dạng riêng, không phải mũi tên: tình trạng không nói số liệu
  đang tăng hay giảm.

Các lựa chọn của nq72 (so sánh từng trường hợp với mã tham chiếu trong `tests/test_progress_reference.py`):
- Khi tính, thời điểm của một kỳ là ngày cuối kỳ; mục tiêu “năm 2030” tính đến hết năm 2030. Trên biểu đồ, giá trị
  và mục tiêu được vẽ ở giữa kỳ: số liệu năm 2025 nằm giữa năm 2025, mục tiêu 2030 nằm giữa năm 2030 và ghi
  “2030: 100 %”.
- Năm gốc là năm kế hoạch nêu (2025 nếu không nêu), giá trị gốc là số liệu cuối cùng của năm gốc. Khi chưa có số
  liệu sau năm gốc (chỉ tiêu năm), năm gốc lùi về số liệu sớm nhất trong {PROGRESS.fallback_years} năm gần nhất;
  tình trạng khi đó ghi rõ “xu hướng từ” năm ấy (ví dụ “xu hướng từ 2021”).
- Giá trị 0 hoặc âm (mức tăng chiều cao bằng 0 ở năm gốc) làm tốc độ tăng trưởng vô nghĩa: khi đó dùng tốc độ
  tuyến tính (y − y_0)/(t − t_0) thay cho CAGR.
- Mục tiêu 100%: giá trị cách 100 không quá {{tolerance}} điểm phần trăm và không giảm so với kỳ trước được coi
  là đạt (số liệu báo cáo làm tròn một chữ số thập phân); đang giảm (99,8 → 99,6) thì chưa đạt.
- Mục tiêu khoảng (4-5 bác sĩ) đạt khi đạt cận dưới; “trên X%” cần lớn hơn X.
- Năm dự kiến đạt: theo tốc độ thực tế từ năm gốc; “không đạt với tốc độ hiện nay” khi xu hướng đi ngược mục tiêu.
  Năm dự kiến luôn khớp với tình trạng: **Đúng tiến độ** đòi hỏi tốc độ hiện nay đạt mục tiêu trong năm mục tiêu
  (R từ {{on_track}} đến dưới 1 đạt muộn hơn, nên là **Cần tăng tốc**); mục tiêu đã đạt không có năm dự kiến
  trong tương lai.
- Biểu đồ: lộ trình cần đạt chỉ vẽ cho mục tiêu chưa đạt; đường xu hướng dừng ở giới hạn tự nhiên (100% với tỷ lệ).
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
- **Achieved** once the latest value has passed the target in the desired direction (one value is enough);
  otherwise R ≥ {{on_track}} **On track**, {{acceleration}} ≤ R < {{on_track}} **Acceleration needed**,
  {{limited}} ≤ R < {{acceleration}} **Limited progress**, R < {{limited}} **Deterioration**;
  no two points to measure a trend: **Not enough data**.
- **Not achieved (overdue)**: the data reach the end of the target year and the target is not met. The pace is
  no longer graded (the reference still grades it); the gap still shows.
- Each status has a colour and a shape of its own (✔ ● ◆ ■ ✖ ⊘ …), none of them an arrow: a status does not say
  whether the figures are rising or falling.

Choices nq72 makes (compared case by case with the reference code in `tests/test_progress_reference.py`):
- In the computation a period counts at its last day; a target "in 2030" is due at the end of 2030. Charts draw
  values and targets in the middle of their period: a 2025 figure inside 2025, the 2030 target inside 2030,
  labelled "2030: 100%".
- The baseline year is the plan's (2025 unless stated) and the baseline value the last one of that year. Where
  nothing was reported after it yet (annual indicators), the baseline moves back to the earliest value of the
  last {PROGRESS.fallback_years} years; the status then says so ("trend since 2021").
- Zero or negative values (a height gain of 0 in its baseline year) make growth rates meaningless: linear rates
  (y − y_0)/(t − t_0) are used instead of CAGR.
- 100% targets: a value within {{tolerance}} percentage points of 100 that is not below the one before counts
  as reached (figures are reported to one decimal); a falling series (99.8 → 99.6) has not reached it.
- A range target (4-5 doctors) is met at its lower bound; "above X%" needs more than X.
- The projected year follows the observed pace since the baseline; "not at the current pace" when the trend moves
  away from the target. It always agrees with the status: **On track** needs the current pace to reach the target
  within its year (R from {{on_track}} to below 1 gets there later: **Acceleration needed**), and an achieved
  target has no projected year in the future.
- Charts: the required path is drawn only for targets not yet met; the current trend stops at what the indicator
  can reach (100% for a share).
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
