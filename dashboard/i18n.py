"""Interface text, Vietnamese first. t('key', lang) returns the string for the chosen language."""
from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Theo dõi mục tiêu Nghị quyết 72-NQ/TW", "en": "Resolution 72-NQ/TW targets"},
    "home": {"vi": "Trang chủ", "en": "Home"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "synthetic_banner": {
        "vi": "⚠️ DỮ LIỆU MINH HỌA (tổng hợp, không phải số liệu thật). Mọi con số trên trang này do máy tạo ra.",
        "en": "⚠️ SYNTHETIC DEMO DATA (generated, not real figures). Every number on this page is made up.",
    },
    "no_db": {
        "vi": "Chưa có cơ sở dữ liệu. Hãy chạy `make run` (tạo dữ liệu minh họa) hoặc tải số liệu lên bằng `nq72 ingest`.",
        "en": "No database yet. Run `make run` (builds the demo data) or load figures with `nq72 ingest`.",
    },
    "empty": {
        "vi": "Chưa có số liệu nào. Tải tệp CSV/XLSX theo mẫu (`nq72 template`) rồi nạp bằng `nq72 ingest`.",
        "en": "No figures yet. Fill in a template (`nq72 template`) and load it with `nq72 ingest`.",
    },
    "intro": {
        "vi": "Bảng theo dõi tiến độ các chỉ tiêu y tế của 34 tỉnh, thành phố theo Nghị quyết 72-NQ/TW "
              "và các kế hoạch thực hiện.",
        "en": "Progress of the 34 provinces towards the health targets of Resolution 72-NQ/TW and its plans.",
    },
    "provinces": {"vi": "Tỉnh, thành phố có số liệu", "en": "Provinces reporting"},
    "values": {"vi": "Giá trị hiện hành", "en": "Current values"},
    "submissions": {"vi": "Lần nộp số liệu", "en": "Submissions"},
    "last_submission": {"vi": "Lần nộp gần nhất", "en": "Latest submission"},
    "indicators": {"vi": "Chỉ tiêu theo dõi", "en": "Indicators tracked"},
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_targets": {"vi": "Mục tiêu quốc gia", "en": "National targets"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "error": {"vi": "Đã xảy ra lỗi khi đọc dữ liệu", "en": "Something went wrong while reading the data"},
}


def t(key: str, lang: str = "vi") -> str:
    entry = TEXT[key]
    return entry.get(lang) or entry["vi"]
