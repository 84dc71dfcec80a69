"""The one message catalogue: every text a person reads, Vietnamese first, English beside it.

Pages call t('key', lang); the pipelines return a key and its parameters (a Problem, a refusal)
and the caller words it with t(key, lang, **params) in the reader's language."""
from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Theo dõi mục tiêu Nghị quyết 72-NQ/TW", "en": "Resolution 72-NQ/TW targets"},
    "page_overview": {"vi": "Tổng quan", "en": "Overview"},
    "page_province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "page_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "page_stations": {"vi": "Trạm y tế xã", "en": "Commune stations"},
    "page_upload": {"vi": "Tải dữ liệu", "en": "Upload"},
    "page_about": {"vi": "Giới thiệu", "en": "About"},
    "title_overview": {"vi": "Tổng quan 34 tỉnh, thành phố", "en": "Overview of the 34 provinces"},
    "title_province": {"vi": "Tiến độ của tỉnh, thành phố", "en": "Progress of a province"},
    "title_indicator": {"vi": "So sánh theo chỉ tiêu", "en": "Provinces compared on one indicator"},
    "title_stations": {"vi": "Trạm y tế xã chưa đủ bác sĩ", "en": "Commune stations short of doctors"},
    "title_upload": {"vi": "Tải số liệu lên", "en": "Upload figures"},
    "title_about": {"vi": "Giới thiệu và phương pháp", "en": "About and method"},
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
        "vi": "Chưa có số liệu nào. Tải mẫu ở trang “Tải dữ liệu” (hoặc `nq72 template`), điền số liệu rồi tải lên.",
        "en": "No figures yet. Get a template on the Upload page (or `nq72 template`), fill it in and upload it.",
    },
    "no_values_for": {"vi": "Chưa có số liệu cho lựa chọn này.", "en": "No figures for this selection yet."},
    "as_of": {"vi": "Số liệu đến kỳ", "en": "Figures as of"},
    "export": {"vi": "📷 Xuất ảnh", "en": "📷 Export"},
    "export_help": {"vi": "Tạo ảnh PNG và PDF của trang đang xem để tải về.",
                    "en": "Make a PNG and a PDF of this view to download."},
    "exporting": {"vi": "Đang chụp trang…", "en": "Drawing the page…"},
    "export_failed": {"vi": "Không xuất được", "en": "Export failed"},
    "no_data_period": {"vi": "Không có số liệu cho kỳ {period}: số liệu sớm nhất được nộp muộn hơn kỳ này.",
                       "en": "No figures for {period}: the earliest figures are for a later period."},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "sort_by": {"vi": "Sắp xếp theo", "en": "Sort by"},
    "sort_name": {"vi": "Tên tỉnh", "en": "Province name"},
    "status": {"vi": "Tình trạng", "en": "Status"},
    "latest": {"vi": "Giá trị mới nhất", "en": "Latest value"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "gap": {"vi": "Còn cách", "en": "Distance"},
    "projected": {"vi": "Dự kiến đạt", "en": "Projected to reach"},
    "not_at_pace": {"vi": "không đạt với tốc độ hiện nay", "en": "not at the current pace"},
    "status_achieved": {"vi": "Đã đạt", "en": "Achieved"},
    "status_on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "status_acceleration_needed": {"vi": "Cần tăng tốc", "en": "Acceleration needed"},
    "status_limited_progress": {"vi": "Tiến bộ hạn chế", "en": "Limited progress"},
    "status_deterioration": {"vi": "Đi xuống", "en": "Deterioration"},
    "status_insufficient_data": {"vi": "Chưa đủ số liệu", "en": "Not enough data"},
    "status_no_target": {"vi": "Không có mục tiêu", "en": "No target"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "headline": {"vi": "Số tỉnh theo tình trạng, từng chỉ tiêu", "en": "Provinces by status, per indicator"},
    "scorecard": {"vi": "Bảng điểm: giá trị mới nhất và tình trạng so với mốc kế tiếp",
                  "en": "Scorecard: latest value and status against the next milestone"},
    "map": {"vi": "Bản đồ ô: tình trạng các tỉnh", "en": "Tile map: status of each province"},
    "map_note": {"vi": "Mỗi ô là một tỉnh, đặt gần đúng vị trí địa lý (không phải bản đồ ranh giới).",
                 "en": "One tile per province, placed roughly by geography (not a boundary map)."},
    "n_provinces": {"vi": "Số tỉnh", "en": "Provinces"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "source_uploads": {"vi": "số liệu các Sở Y tế nộp", "en": "figures submitted by provincial health departments"},
    "updated": {"vi": "cập nhật", "en": "last submission"},
    "download_csv": {"vi": "⬇ CSV", "en": "⬇ CSV"},
    "national": {"vi": "Toàn quốc", "en": "National"},
    "national_target": {"vi": "Mục tiêu quốc gia", "en": "National target"},
    "own_target": {"vi": "Mục tiêu của kế hoạch địa phương", "en": "Local plan target"},
    "required_path": {"vi": "Lộ trình cần đạt", "en": "Required path"},
    "projection": {"vi": "Xu hướng hiện nay", "en": "Current trend"},
    "series": {"vi": "Số liệu", "en": "Reported"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "year": {"vi": "Năm", "en": "Year"},
    "stations_distribution": {"vi": "Phân bố trạm y tế xã theo số bác sĩ", "en": "Commune stations by number of doctors"},
    "stations_share": {"vi": "Trạm đạt từ {n} bác sĩ", "en": "Stations with {n}+ doctors"},
    "stations_count": {"vi": "Số trạm", "en": "Stations"},
    "other_provinces": {"vi": "Các tỉnh khác", "en": "Other provinces"},
    # Province page: each panel's chart is drawn when its reader opens it, or all at once.
    "all_charts": {"vi": "Hiện biểu đồ của mọi chỉ tiêu", "en": "Show every indicator's chart"},
    "chart_and_series": {"vi": "Biểu đồ và số liệu theo kỳ", "en": "Chart and figures by period"},
    # Streamlit writes its own English in an empty multiselect ("Choose options"): ours instead.
    "filter_all": {"vi": "Tất cả (chọn để lọc)", "en": "All (choose to filter)"},
    "choose": {"vi": "Chọn…", "en": "Choose…"},
    "trends_open": {"vi": "Biểu đồ diễn biến của từng tỉnh", "en": "Chart: the trend of each province"},
    "doctors": {"vi": "Số bác sĩ", "en": "Doctors"},
    "ranking": {"vi": "Xếp hạng các tỉnh so với mục tiêu", "en": "Provinces ranked against the target"},
    "trends": {"vi": "Diễn biến của từng tỉnh", "en": "Trend of each province"},
    "highlight": {"vi": "Tô đậm tỉnh", "en": "Highlight province"},
    "national_aggregate": {"vi": "Toàn quốc (tính theo quy tắc của chỉ tiêu)", "en": "National (by the indicator's rule)"},
    "aggregate_rule_ratio": {"vi": "tổng tử số / tổng mẫu số; nếu thiếu, bình quân gia quyền theo dân số",
                             "en": "sum of numerators / sum of denominators; else population-weighted mean"},
    "aggregate_rule_weighted_mean": {"vi": "bình quân gia quyền theo dân số", "en": "population-weighted mean"},
    "aggregate_rule_mean": {"vi": "bình quân theo số trạm (số xã)", "en": "mean over stations (communes)"},
    "aggregate_rule_sum": {"vi": "tổng", "en": "sum"},
    "threshold": {"vi": "Ngưỡng số bác sĩ", "en": "Doctors threshold"},
    "all_provinces": {"vi": "Tất cả", "en": "All"},
    "stations_below": {"vi": "{n} trạm dưới {k} bác sĩ (trên {total} trạm có số liệu)",
                       "en": "{n} stations below {k} doctors (of {total} reporting)",
                       "en_one": "{n} station below {k} doctors (of {total} reporting)"},
    "commune": {"vi": "Xã, phường", "en": "Commune"},
    "code": {"vi": "Mã", "en": "Code"},
    "upload_file": {"vi": "Chọn tệp CSV hoặc Excel", "en": "Choose a CSV or Excel file"},
    "upload_scope": {"vi": "Nộp cho tỉnh (để trống: toàn quốc)", "en": "Submitting for province (empty: national)"},
    "upload_user": {"vi": "Người nộp", "en": "Submitted by"},
    "check_ok": {"vi": "Tệp {file} hợp lệ: {n} dòng. Kiểm tra bản xem trước rồi bấm Nạp.",
                 "en": "The file {file} is valid: {n} rows. Check the preview, then press Load.",
                 "en_one": "The file {file} is valid: {n} row. Check the preview, then press Load."},
    "check_bad": {"vi": "Tệp {file} bị từ chối: {n} lỗi. Chưa có gì được ghi. Sửa các dòng dưới đây rồi tải lại.",
                  "en": "The file {file} is rejected: {n} errors. Nothing was written. Fix the rows below and upload again.",
                  "en_one": "The file {file} is rejected: {n} error. Nothing was written. Fix it as shown below and upload again."},
    "confirm_load": {"vi": "Nạp vào cơ sở dữ liệu", "en": "Load into the database"},
    # A warning before a jump (issue 16): a value far from the area's previous one, confirmed before loading
    "jump_warning": {
        "vi": "{indicator}, {area}, kỳ {period}: {value} so với {previous} kỳ {previous_period} (thay đổi {change} {unit_vi}),"
              " vượt mức hợp lý {step} {unit_vi}. {reason_vi}",
        "en": "{indicator}, {area}, {period}: {value} against {previous} in {previous_period} (a change of {change} {unit_en}),"
              " more than the plausible {step} {unit_en}. {reason_en}"},
    "check_warnings": {"vi": "Tệp {file} hợp lệ nhưng {n} giá trị thay đổi nhiều so với kỳ trước. Chưa có gì được ghi."
                             " Kiểm tra từng giá trị dưới đây: nếu đúng, xác nhận rồi bấm Nạp; nếu sai, sửa tệp rồi tải lại.",
                       "en": "The file {file} is valid but {n} values changed a lot from the previous period. Nothing was written."
                             " Check each value below: if right, confirm and press Load; if wrong, fix the file and upload again.",
                       "en_one": "The file {file} is valid but {n} value changed a lot from the previous period. Nothing was written."
                                 " Check it below: if right, confirm and press Load; if wrong, fix the file and upload again."},
    "confirm_warnings": {"vi": "Tôi đã kiểm tra {n} giá trị này", "en": "I checked these {n} values",
                                                                  "en_one": "I checked this value"},
    "previous_value": {"vi": "Giá trị trước", "en": "Previous value"},
    "previous_period": {"vi": "Kỳ trước", "en": "Previous period"},
    "warnings_held": {"vi": "Chưa nạp: {n} giá trị thay đổi nhiều cần được xác nhận.",
                      "en": "Not loaded: {n} values that changed a lot need confirming.",
                      "en_one": "Not loaded: {n} value that changed a lot needs confirming."},
    "loaded": {"vi": "Đã nạp {n} dòng (lần nộp #{id}).", "en": "Loaded {n} rows (submission #{id}).",
                                                         "en_one": "Loaded {n} row (submission #{id})."},
    "unchanged": {"vi": "Tệp này đã được nạp trước đây (lần nộp #{id}); không có gì thay đổi.",
                  "en": "This file was loaded before (submission #{id}); nothing changed."},
    "load_failed": {"vi": "Không nạp được: {reason}. Cơ sở dữ liệu không thay đổi.",
                    "en": "Could not load: {reason}. The database is unchanged."},
    "row": {"vi": "Dòng", "en": "Row"},
    "column": {"vi": "Cột", "en": "Column"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "template": {"vi": "Tải mẫu điền sẵn", "en": "Download a pre-filled template"},
    "template_period": {"vi": "Kỳ báo cáo (YYYY, YYYY-Qn hoặc YYYY-MM)", "en": "Period (YYYY, YYYY-Qn or YYYY-MM)"},
    "template_button": {"vi": "⬇ Tải mẫu XLSX", "en": "⬇ Download XLSX template"},
    "bad_period": {"vi": "Kỳ không hợp lệ.", "en": "Not a valid period."},
    "recent": {"vi": "Các lần nộp gần đây", "en": "Recent submissions"},
    "more_errors": {"vi": "… và {n} lỗi khác", "en": "… and {n} more"},
    "preview": {"vi": "Xem trước", "en": "Preview"},
    "intro_about": {
        "vi": "nq72 theo dõi tiến độ của 34 tỉnh, thành phố đối với các mục tiêu y tế của Nghị quyết 72-NQ/TW "
              "ngày 09/9/2025 của Bộ Chính trị và các kế hoạch thực hiện (mốc 2026, 2027, 2030 và tầm nhìn 2045). "
              "Mỗi mục tiêu ghi rõ văn bản, mục và câu trích; mục tiêu riêng của địa phương được hiển thị bên cạnh "
              "mục tiêu quốc gia.",
        "en": "nq72 tracks the 34 provinces against the health targets of Politburo Resolution 72-NQ/TW of "
              "9 September 2025 and the plans implementing it (2026, 2027, 2030 and the 2045 vision). Every target "
              "cites its document, section and sentence; a local plan's own targets are shown beside the national ones."},
    "access_note": {
        "vi": "**Ai xem được gì.** Mọi tài khoản đều xem được số liệu của cả 34 tỉnh, thành phố: các con số ở đây "
              "là để so sánh giữa các tỉnh với nhau và với mục tiêu quốc gia. Tài khoản của một tỉnh mở trang ở tỉnh "
              "của mình. Quyền ghi thì theo tỉnh: tài khoản nộp số liệu của một tỉnh chỉ nộp được số liệu của tỉnh đó "
              "và cập nhật nhiệm vụ trong kế hoạch của tỉnh đó.",
        "en": "**Who sees what.** Every account reads the figures of all 34 provinces: the figures here are "
              "comparisons between provinces and with the national targets. A province's account opens the pages "
              "on its own province. Writing is by province: a province's uploader submits only that province's "
              "figures and updates only the tasks of that province's plan."},
    "area_scope": {"vi": "Phạm vi", "en": "Scope"},
    "page_tasks": {"vi": "Nhiệm vụ", "en": "Tasks"},
    "title_tasks": {"vi": "Nhiệm vụ và lịch báo cáo", "en": "Tasks and reporting calendar"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "lead_unit": {"vi": "Đơn vị chủ trì", "en": "Lead unit"},
    "state": {"vi": "Tiến độ", "en": "State"},
    "overdue_only": {"vi": "Chỉ nhiệm vụ quá hạn", "en": "Overdue only"},
    "state_done": {"vi": "✔ Đã hoàn thành", "en": "✔ Done"},
    "state_overdue": {"vi": "✖ Quá hạn", "en": "✖ Overdue"},
    "state_due_soon": {"vi": "► Sắp đến hạn", "en": "► Due soon"},
    "state_on_schedule": {"vi": "○ Trong hạn", "en": "○ On schedule"},
    "task_status_not_started": {"vi": "Chưa bắt đầu", "en": "Not started"},
    "task_status_in_progress": {"vi": "Đang thực hiện", "en": "In progress"},
    "task_status_done": {"vi": "Hoàn thành", "en": "Done"},
    "tasks_total": {"vi": "Nhiệm vụ", "en": "Tasks"},
    "calendar": {"vi": "Lịch báo cáo sắp tới và đơn vị chưa báo cáo", "en": "Next reporting deadlines and who has not reported"},
    "calendar_monthly": {"vi": "Số liệu chỉ tiêu tháng {period}", "en": "Indicator figures for {period}"},
    "calendar_plan": {"vi": "Báo cáo nhiệm vụ: {plan}", "en": "Task report: {plan}"},
    "missing": {"vi": "Chưa nộp / chưa báo cáo", "en": "Not yet received"},
    "deadline": {"vi": "Hạn", "en": "Deadline"},
    "what": {"vi": "Nội dung", "en": "What"},
    "counts_per_unit": {"vi": "Số nhiệm vụ theo đơn vị chủ trì", "en": "Tasks per lead unit"},
    "task_no": {"vi": "Số", "en": "No."},
    "task": {"vi": "Nhiệm vụ", "en": "Task"},
    "deadline_text": {"vi": "Thời hạn (theo kế hoạch)", "en": "Deadline (as written)"},
    "next_due": {"vi": "Hạn tiếp theo", "en": "Next due"},
    "latest_update": {"vi": "Cập nhật gần nhất", "en": "Latest update"},
    "update_task": {"vi": "Cập nhật tình trạng một nhiệm vụ", "en": "Update a task's status"},
    "evidence": {"vi": "Đường dẫn minh chứng (không bắt buộc)", "en": "Evidence link (optional)"},
    "save": {"vi": "Lưu cập nhật", "en": "Save the update"},
    "nobody_missing": {"vi": "Đã đủ", "en": "All received"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "login": {"vi": "Đăng nhập", "en": "Log in"},
    "logout": {"vi": "Đăng xuất", "en": "Log out"},
    "username": {"vi": "Tên đăng nhập", "en": "Username"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "login_failed": {"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong username or password."},
    "no_role": {"vi": "Tài khoản này chưa được cấp quyền trong nq72; liên hệ quản trị.",
                "en": "This account has no role in nq72 yet; ask an administrator."},
    "role_viewer": {"vi": "xem", "en": "viewer"},
    "role_uploader": {"vi": "nộp số liệu", "en": "uploader"},
    "role_admin": {"vi": "quản trị", "en": "admin"},
    "auth_off": {"vi": "🔓 Đăng nhập đang TẮT (NQ72_AUTH=off): chỉ dùng cho bản minh họa trên máy cá nhân.",
                 "en": "🔓 Log-in is OFF (NQ72_AUTH=off): for a local demo only."},
    "no_upload_permission": {"vi": "Tài khoản của bạn chỉ có quyền xem, không được tải số liệu lên.",
                             "en": "Your account may view but not upload."},
    "page_admin": {"vi": "Quản trị", "en": "Admin"},
    "title_admin": {"vi": "Tài khoản và nhật ký", "en": "Accounts and audit log"},
    "users": {"vi": "Tài khoản", "en": "Accounts"},
    "audit_log": {"vi": "Nhật ký (mới nhất trước; không bao giờ xóa)", "en": "Audit log (newest first; never deleted)"},
    "page_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "title_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "no_quality_run": {"vi": "Chưa có lần kiểm tra chất lượng nào. Chạy `nq72 quality` (tự chạy sau mỗi lần nộp).",
                       "en": "No quality run yet. Run `nq72 quality` (it also runs after every submission)."},
    "quality_run": {"vi": "Lần kiểm tra #{id}, {when}: {values} giá trị, {flags} cảnh báo.",
                    "en": "Quality run #{id}, {when}: {values} values, {flags} flags."},
    "heatmap_measure": {"vi": "Bản đồ nhiệt", "en": "Heat map"},
    "completeness": {"vi": "Đầy đủ", "en": "Completeness"},
    "timeliness": {"vi": "Đúng hạn", "en": "Timeliness"},
    "heatmap_completeness": {"vi": "Tỷ lệ báo cáo đầy đủ (%) theo tỉnh và tháng (ngưỡng 90%)",
                             "en": "Completeness (%) by province and month (threshold 90%)"},
    "heatmap_timeliness": {"vi": "Tỷ lệ nộp đúng hạn (%) theo tỉnh và tháng (hạn nộp do đơn vị vận hành đặt)",
                           "en": "Timeliness (%) by province and month (deadline set by the operator)"},
    "quality_source": {"vi": "Nguồn: bộ kiểm tra great-expectations trên số liệu đã lưu (khung Rà soát chất lượng số liệu của WHO).",
                       "en": "Source: the great-expectations suite over the stored values (WHO Data Quality Review framework)."},
    "scores": {"vi": "Điểm chất lượng theo tỉnh (thấp nhất trước)", "en": "Quality score per province (lowest first)"},
    "flagged_share": {"vi": "Tỷ lệ giá trị bị cảnh báo", "en": "Values flagged"},
    "flags": {"vi": "Cảnh báo", "en": "Flags"},
    "score": {"vi": "Điểm (0-100)", "en": "Score (0-100)"},
    "flagged_values": {"vi": "Các giá trị bị cảnh báo và lý do", "en": "Flagged values and why"},
    "checks": {"vi": "Loại kiểm tra", "en": "Checks"},
    "check": {"vi": "Kiểm tra", "en": "Check"},
    "area": {"vi": "Đơn vị", "en": "Area"},
    "no_docs": {"vi": "Lần kiểm tra này không tạo Data Docs.", "en": "This run built no Data Docs."},
    "open_docs": {"vi": "Mở Data Docs (trên máy chủ)", "en": "Open the Data Docs (on the server)"},
    "download_docs": {"vi": "⬇ Tải Data Docs (zip)", "en": "⬇ Download the Data Docs (zip)"},
    "check_completeness": {"vi": "Thiếu báo cáo", "en": "Completeness"},
    "check_timeliness": {"vi": "Nộp muộn", "en": "Timeliness"},
    "check_outlier_own_series": {"vi": "Khác thường so với chính đơn vị", "en": "Outlier in own series"},
    "check_outlier_cross_area": {"vi": "Khác thường so với đơn vị cùng cấp", "en": "Outlier among peers"},
    "check_over_time_points": {"vi": "Biến động so với 3 năm trước (điểm %)", "en": "Change over 3 years (points)"},
    "check_over_time_ratio": {"vi": "Biến động so với 3 năm trước (%)", "en": "Change over 3 years (relative)"},
    "check_coverage_drop": {"vi": "Bao phủ BHYT giảm đột ngột", "en": "Coverage drop"},
    "check_ratio_mismatch": {"vi": "Không khớp tử số/mẫu số", "en": "Numerator/denominator mismatch"},
    "check_province_vs_communes": {"vi": "Tỉnh lệch tổng hợp các xã", "en": "Province vs its communes"},
    "check_aggregate_above_100": {"vi": "Tổng hợp vượt 100%", "en": "Aggregate above 100%"},
    "flag_marker": {"vi": "⚑ = giá trị bị cảnh báo ở lần kiểm tra chất lượng gần nhất (xem trang Chất lượng dữ liệu)",
                    "en": "⚑ = value flagged by the latest quality run (see the Data quality page)"},
    "file": {"vi": "Tệp", "en": "File"},
    "scope_col": {"vi": "Phạm vi nộp", "en": "Scope"},
    "rows": {"vi": "Số dòng", "en": "Rows"},
    "received": {"vi": "Thời điểm nhận (UTC)", "en": "Received (UTC)"},
    "synthetic": {"vi": "Minh họa", "en": "Synthetic"},
    "all_targets": {"vi": "Các mục tiêu và nguồn", "en": "Targets and their sources"},
    "definitions": {"vi": "Định nghĩa chỉ tiêu", "en": "Indicator definitions"},
    "quote": {"vi": "Trích dẫn (nguyên văn)", "en": "Quote (Vietnamese original)"},
    # Writes refused at the door because of who asks (pipelines.accounts.Refused keys)
    "refused_no_session": {"vi": "Chưa đăng nhập: không được ghi số liệu. Hãy đăng nhập lại.",
                           "en": "Not logged in: nothing may be written. Log in again."},
    "refused_account_gone": {"vi": "Tài khoản '{name}' không còn tồn tại; không được ghi số liệu.",
                             "en": "Account '{name}' no longer exists; nothing may be written."},
    "refused_session_ended": {"vi": "Mật khẩu của tài khoản '{name}' đã đổi: phiên này đã kết thúc, hãy đăng nhập lại.",
                              "en": "The password of account '{name}' has changed: this session has ended, log in again."},
    "refused_viewer": {"vi": "Tài khoản '{name}' (quyền xem) không được tải số liệu lên.",
                       "en": "Account '{name}' (viewer) may not upload figures."},
    "refused_other_province": {"vi": "Tài khoản '{name}' chỉ được nộp cho tỉnh {province}.",
                               "en": "Account '{name}' may only submit for province {province}."},
    "refused_other_plan": {"vi": "Tài khoản '{name}' không được cập nhật nhiệm vụ của kế hoạch {plan}.",
                           "en": "Account '{name}' may not update tasks of plan {plan}."},
    "quality_unreadable": {"vi": "Không đọc được kết quả kiểm tra chất lượng (tệp kết quả bị hỏng hoặc đang bận); "
                                 "các cảnh báo chất lượng tạm không hiển thị. Chạy lại `nq72 quality` để tạo lại.",
                           "en": "The quality results cannot be read (the results file is damaged or busy); quality "
                                 "flags are not shown for now. Run `nq72 quality` again to rebuild them."},
    "db_unreadable": {"vi": "Không đọc được cơ sở dữ liệu, nên trang này chưa thể hiển thị số liệu. Lý do: {reason}",
                      "en": "The database cannot be read, so this page cannot show figures. Reason: {reason}"},
    "login_unavailable": {"vi": "Chưa đăng nhập được: không đọc được cơ sở dữ liệu ({reason}). Hãy báo cho người quản trị.",
                          "en": "Log-in is not possible: the database cannot be read ({reason}). Tell the administrator."},
    "session_ended": {"vi": "Phiên đăng nhập đã kết thúc (tài khoản bị xóa hoặc đổi mật khẩu). Hãy đăng nhập lại.",
                      "en": "Your session has ended (the account was removed or its password changed). Log in again."},
    # Log-in, tokens and exports (issue 11)
    "login_locked": {
        "vi": "Đăng nhập sai quá nhiều lần: tên đăng nhập này bị khóa đến {until:%H:%M %d/%m/%Y} (giờ Việt Nam).",
        "en": "Too many failed log-ins: this username is locked until {until:%H:%M on %d %b %Y} (Vietnam time)."},
    "refused_export": {"vi": "Phiên xuất ảnh '{name}' chỉ được xem: không được ghi số liệu.",
                       "en": "An export view ('{name}') is read-only: nothing may be written."},
    "export_queued": {"vi": "Đang chờ xuất ảnh: còn {n} lượt trước.", "en": "Export queued, {n} ahead."},
    "export_busy": {"vi": "Máy chủ đang bận xuất ảnh cho người khác; hãy thử lại sau ít phút.",
                    "en": "The server is busy with other exports; try again in a few minutes."},
    # Leader's view: milestones, counts, text (issue 12b)
    "unit_points": {"vi": "{n} điểm %", "en": "{n} pp"},
    "milestones": {"vi": "Các mốc mục tiêu", "en": "Milestones"},
    "milestone": {"vi": "Mốc", "en": "Milestone"},
    "milestone_vision": {"vi": "{year} (tầm nhìn)", "en": "{year} (vision)"},
    "milestones_of": {"vi": "Các mốc mục tiêu của {name}", "en": "Milestones for {name}"},
    "national_milestones": {"vi": "Mốc quốc gia", "en": "National milestones"},
    "reported_this_period": {"vi": "{n}/{total} tỉnh đã báo cáo kỳ này",
                             "en": "{n}/{total} provinces reported for this period"},
    "rank": {"vi": "Hạng", "en": "Rank"},
    "ranking_gap": {"vi": "Còn cách mốc quốc gia kế tiếp", "en": "Distance to the next national milestone"},
    "section_targets": {"vi": "Mục tiêu đến năm {year}", "en": "Targets to {year}"},
    "section_vision": {"vi": "Tầm nhìn đến năm {year}", "en": "Vision to {year}"},
    "section_number": {"vi": "mục {n}", "en": "section {n}"},
    "plan_CANTHO": {"vi": "Kế hoạch 172/KH-UBND ngày 28/11/2025 của UBND thành phố Cần Thơ",
                    "en": "Can Tho City People's Committee plan 172/KH-UBND of 28 Nov 2025"},
    "plan_MOST": {"vi": "Kế hoạch hành động của Bộ Khoa học và Công nghệ thực hiện Nghị quyết 282/NQ-CP",
                  "en": "Ministry of Science and Technology action plan implementing Resolution 282/NQ-CP"},
    "plan_VUSTA": {"vi": "Kế hoạch 314/KH-LHHVN ngày 11/5/2026 của Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam",
                   "en": "Vietnam Union of Science and Technology Associations plan 314/KH-LHHVN of 11 May 2026"},
    "tasks_original": {
        "vi": "Nhóm, nội dung nhiệm vụ, đơn vị, thời hạn và ghi chú được ghi nguyên văn theo kế hoạch.",
        "en": "Groups, task texts, units, deadlines as written and notes are the Vietnamese originals of the "
              "plans, not translated."},
    "uploader_hint": {"vi": "Kéo thả tệp vào đây · tối đa {limit} MB mỗi tệp · CSV, TXT, TSV, XLSX, XLS",
                      "en": "Drag a file here · up to {limit} MB per file · CSV, TXT, TSV, XLSX, XLS"},
    "uploader_button": {"vi": "Chọn tệp", "en": "Browse"},
    "docs_heading": {"vi": "Báo cáo chi tiết của great-expectations (Data Docs)",
                     "en": "great-expectations reports (Data Docs)"},
    "docs_page": {"vi": "Báo cáo", "en": "Report"},
    "docs_validation": {"vi": "Kết quả kiểm tra: {name}", "en": "Validation result: {name}"},
    "docs_suite": {"vi": "Bộ kỳ vọng: {name}", "en": "Expectation suite: {name}"},
    "docs_note": {"vi": "Báo cáo do great-expectations tạo (tiếng Anh), hiển thị ngay trong trang, không cần mạng.",
                  "en": "Reports made by great-expectations, shown in the page without any network access."},
    "role": {"vi": "Vai trò", "en": "Role"},
    "created_utc": {"vi": "Ngày tạo (UTC)", "en": "Created (UTC)"},
    "at_utc": {"vi": "Thời điểm (UTC)", "en": "When (UTC)"},
    "actor": {"vi": "Người thực hiện", "en": "Who"},
    "action": {"vi": "Thao tác", "en": "Action"},
    "outcome": {"vi": "Kết quả", "en": "Outcome"},
    "submission": {"vi": "Lần nộp", "en": "Submission"},
    "subject": {"vi": "Đối tượng", "en": "Subject"},
    "detail": {"vi": "Chi tiết", "en": "Detail"},
    "expected_values": {"vi": "Số giá trị phải nộp", "en": "Values expected"},
    "received_values": {"vi": "Số giá trị đã nhận", "en": "Values received"},
    "on_time_values": {"vi": "Số giá trị nộp đúng hạn", "en": "Values on time"},
    "cli_hint": {"vi": "Quản lý tài khoản bằng dòng lệnh: `nq72 user add|remove|passwd|list`",
                 "en": "Accounts are managed from the command line: `nq72 user add|remove|passwd|list`"},
    # Leader's view: statuses and charts (issue 12a)
    "status_not_achieved": {"vi": "Không đạt (quá hạn)", "en": "Not achieved (overdue)"},
    "trend_since": {"vi": "xu hướng từ {year}", "en": "trend since {year}"},
    "local_target": {"vi": "Mục tiêu của kế hoạch tỉnh", "en": "Province plan's target"},
    "targets_each": {"vi": "Mục tiêu của từng tỉnh: {target}", "en": "Each province's target: {target}"},
    "projection_since": {"vi": "Xu hướng hiện nay (tính từ {year})", "en": "Current trend (since {year})"},
    # Messages of the upload gate and the pipelines (Problem keys)
    "read_empty": {"vi": "Tệp rỗng.", "en": "The file is empty."},
    "read_too_big": {"vi": "Tệp quá lớn ({size_mb:.0f} MB); giới hạn là {limit_mb:g} MB. Hãy chia nhỏ tệp.",
                     "en": "File too large ({size_mb:.0f} MB); the limit is {limit_mb:g} MB. Split the file."},
    "read_binary": {
        "vi": "Tệp không phải văn bản CSV hay Excel (có byte nhị phân). Hãy lưu lại dưới dạng CSV UTF-8 hoặc XLSX.",
        "en": "The file is not CSV text or Excel (it contains binary bytes). Save it as CSV UTF-8 or XLSX."},
    "read_header_too_long": {
        "vi": "Dòng tiêu đề quá dài ({chars} ký tự); tệp không đúng mẫu.",
        "en": "The header line is too long ({chars} characters); the file does not follow the template."},
    "read_field_count": {
        "vi": "Dòng {row} có {cells} ô nhưng tiêu đề có {columns} cột (thừa dấu phân cách '{delimiter}'?).",
        "en": "Row {row} has {cells} cells but the header has {columns} columns (a stray '{delimiter}'?)."},
    "read_bad_csv": {"vi": "Không đọc được tệp CSV: dấu ngoặc kép không khớp hoặc dòng hỏng.",
                     "en": "Cannot parse the CSV: unbalanced quotes or a broken line."},
    "read_bad_excel": {"vi": "Không mở được tệp Excel: tệp hỏng hoặc không phải XLSX/XLS.",
                       "en": "Cannot open the Excel file: it is damaged or not XLSX/XLS."},
    "read_bad_zip": {"vi": "Tệp Excel hỏng (không phải tệp zip hợp lệ).",
                     "en": "The Excel file is damaged (not a valid zip)."},
    "read_zip_too_big": {"vi": "Tệp Excel giải nén ra quá lớn; tệp bị từ chối để bảo vệ máy chủ.",
                         "en": "The Excel file expands to an unreasonable size; rejected to protect the server."},
    "read_too_many_columns": {"vi": "Tệp có {columns} cột; một tệp nộp có tối đa {limit} cột.",
                              "en": "The file has {columns} columns; an upload has at most {limit}."},
    "read_no_rows": {"vi": "Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào.",
                     "en": "The file has a header but no data rows."},
    "header_unknown": {"vi": "Cột '{header}' không có trong mẫu. Các cột: {columns}.",
                       "en": "Column '{header}' is not in the template. Columns: {columns}."},
    "header_repeated": {"vi": "Cột '{header}' trùng với cột '{first}'.",
                        "en": "Column '{header}' repeats column '{first}'."},
    "header_missing": {"vi": "Thiếu cột bắt buộc '{header}' (hoặc '{alias}').",
                       "en": "Missing required column '{header}' (or '{alias}')."},
    "header_missing_area": {"vi": "Thiếu cột 'area_code' (ma_dvhc) hoặc 'area_name' (ten_dvhc).",
                            "en": "Missing column 'area_code' (ma_dvhc) or 'area_name' (ten_dvhc)."},
    "rule_missing_indicator": {"vi": "Thiếu mã chỉ tiêu.", "en": "Missing indicator code."},
    "rule_unknown_indicator": {
        "vi": "Mã chỉ tiêu '{value}' không có trong danh mục.",
        "en": "Unknown indicator code '{value}'. See `nq72 template` or the About page for the codes."},
    "rule_missing_area": {"vi": "Thiếu mã và tên đơn vị hành chính.", "en": "Missing area code and area name."},
    "rule_former_province_name": {
        "vi": "'{name}' là tên tỉnh trước 01/7/2025, nay thuộc {new_name} ({new}); hãy dùng mã mới.",
        "en": "'{name}' is a province name from before 1 July 2025, now part of {new_name} ({new}); use the new code."},
    "rule_ambiguous_name": {"vi": "Tên '{name}' trùng ở nhiều đơn vị; hãy ghi mã đơn vị hành chính (ma_dvhc).",
                            "en": "The name '{name}' matches several areas; give the area code (area_code)."},
    "rule_unknown_name": {"vi": "Không tìm thấy đơn vị hành chính tên '{name}' (danh mục từ 01/7/2025).",
                          "en": "No area named '{name}' in the list in force since 1 July 2025."},
    "rule_missing_area_code": {"vi": "Thiếu mã đơn vị hành chính.", "en": "Missing area code."},
    "rule_former_area_code": {
        "vi": "Mã '{code}' là mã tỉnh cũ (trước 01/7/2025), nay thuộc {name} ({absorbed}).",
        "en": "Code '{code}' is a province code from before 1 July 2025, now part of {name} ({absorbed})."},
    "rule_unknown_area_code": {
        "vi": "Mã đơn vị hành chính '{code}' không tồn tại (2 chữ số cho tỉnh, 5 chữ số cho xã).",
        "en": "Unknown area code '{code}' (2 digits for a province, 5 for a commune)."},
    "rule_name_code_mismatch": {"vi": "Tên '{name}' không khớp mã '{code}' ({area}).",
                                "en": "Name '{name}' does not match code '{code}' ({area})."},
    "rule_missing_period": {"vi": "Thiếu kỳ báo cáo.", "en": "Missing period."},
    "rule_bad_period": {"vi": "Kỳ '{value}' không hợp lệ; dùng YYYY, YYYY-Qn hoặc YYYY-MM.",
                        "en": "Period '{value}' is not valid; use YYYY, YYYY-Qn or YYYY-MM."},
    # today_vi is dd/mm/yyyy and today ISO: a Problem's params stay plain strings, not dates.
    "rule_future_period": {"vi": "Kỳ {period} chưa bắt đầu (hôm nay {today_vi}).",
                           "en": "Period {period} has not started yet (today is {today})."},
    "rule_granularity": {"vi": "Chỉ tiêu {indicator} không báo cáo theo {granularity_vi}; chỉ theo: {allowed_vi}.",
                         "en": "{indicator} is not reported by {granularity}; allowed: {allowed}."},
    "rule_level": {"vi": "Chỉ tiêu {indicator} không báo cáo cho cấp {level_vi}; chỉ cấp: {allowed_vi}.",
                   "en": "{indicator} is not reported for a {level}; only for: {allowed}."},
    "rule_missing_value": {"vi": "Thiếu giá trị.", "en": "Missing value."},
    "rule_bad_value": {"vi": "Giá trị '{value}' không phải là số.", "en": "Value '{value}' is not a number."},
    "rule_out_of_range": {
        "vi": "Giá trị {value} nằm ngoài khoảng hợp lý {lo:g}–{hi:g} {unit} của chỉ tiêu “{indicator}”.",
        "en": "Value {value} is outside the plausible range {lo:g}–{hi:g} {unit} for “{indicator}”."},
    "rule_bad_numerator": {"vi": "Tử số '{value}' không phải là số.", "en": "Numerator '{value}' is not a number."},
    "rule_bad_denominator": {"vi": "Mẫu số '{value}' không phải là số.", "en": "Denominator '{value}' is not a number."},
    "rule_negative_ratio_parts": {"vi": "Tử số phải ≥ 0 và mẫu số phải > 0.",
                                  "en": "The numerator must be ≥ 0 and the denominator > 0."},
    "rule_numerator_above_denominator": {
        "vi": "Tử số {numerator} lớn hơn mẫu số {denominator}.",
        "en": "Numerator {numerator} is greater than denominator {denominator}."},
    # expected_vi is already written with a decimal comma.
    "rule_value_mismatch": {"vi": "Giá trị {value} không khớp tử số/mẫu số ({expected_vi}).",
                            "en": "Value {value} does not match numerator/denominator ({expected:.2f})."},
    "rule_duplicate": {"vi": "Trùng chỉ tiêu, đơn vị và kỳ với dòng {first}.",
                       "en": "Same indicator, area and period as row {first}."},
    "rule_outside_scope": {
        "vi": "Đơn vị '{area}' không thuộc {name} ({province}); chỉ được tải số liệu của tỉnh mình.",
        "en": "Area '{area}' is outside {name} ({province}); you may only load your own province."},
    "task_header_unknown": {"vi": "Cột '{header}' không có trong mẫu cập nhật nhiệm vụ ({columns}).",
                            "en": "Column '{header}' is not in the task-update template ({columns})."},
    "task_header_missing": {"vi": "Thiếu cột bắt buộc '{header}'.", "en": "Missing required column '{header}'."},
    "task_unknown_task": {"vi": "Mã nhiệm vụ '{value}' không có trong danh mục (dạng CANTHO-I-1, MOST-II-8, VUSTA-V-V).",
                          "en": "Unknown task id '{value}' (like CANTHO-I-1, MOST-II-8, VUSTA-V-V)."},
    "task_bad_period": {"vi": "Kỳ '{value}' không hợp lệ; dùng tháng YYYY-MM.",
                        "en": "Period '{value}' is not valid; use a month, YYYY-MM."},
    "task_future_period": {"vi": "Kỳ '{value}' chưa bắt đầu.", "en": "Period '{value}' has not started yet."},
    "task_bad_status": {"vi": "Tình trạng '{value}' không hợp lệ; dùng: chưa bắt đầu, đang thực hiện, hoàn thành.",
                        "en": "Status '{value}' is not valid; use: not started, in progress, done."},
    "task_long_note": {"vi": "Ghi chú dài hơn {n} ký tự.", "en": "The note is longer than {n} characters."},
    "task_bad_url": {"vi": "Đường dẫn minh chứng '{value}' phải bắt đầu bằng http:// hoặc https://.",
                     "en": "Evidence link '{value}' must start with http:// or https://."},
    "task_duplicate_task": {"vi": "Trùng nhiệm vụ và kỳ với một dòng trước.", "en": "Same task and period as an earlier row."},
    "flag_completeness": {"vi": "Chỉ nhận {received:.0f}/{expected:.0f} giá trị phải báo cáo ({measure:.0%}).",
                          "en": "Only {received:.0f} of {expected:.0f} expected values received ({measure:.0%})."},
    "flag_timeliness": {
        "vi": "Chỉ {on_time:.0f}/{expected:.0f} giá trị nộp đúng hạn {deadline} ({measure:.0%}).",
        "en": "Only {on_time:.0f} of {expected:.0f} values arrived by the deadline {deadline} ({measure:.0%})."},
    "flag_outlier_own_series": {
        "vi": "Giá trị {value:g} khác thường so với chuỗi số liệu của chính đơn vị (z cải tiến {measure:.1f}; trung vị {median:g}).",
        "en": "Value {value:g} is unusual for the area's own series (modified z {measure:.1f}; median {median:g})."},
    "flag_outlier_cross_area": {
        "vi": "Giá trị {value:g} cách trung bình các đơn vị cùng cấp ({peer_mean:.1f}) {measure:.1f} độ lệch chuẩn.",
        "en": "Value {value:g} is {measure:.1f} standard deviations from comparable areas (mean {peer_mean:.1f})."},
    "flag_over_time_points": {
        "vi": "Năm {period}: {value:g} chênh {measure:+.1f} điểm so với trung bình 3 năm trước ({previous_mean:.1f}).",
        "en": "{period}: {value:g} is {measure:+.1f} points from the mean of the 3 previous years ({previous_mean:.1f})."},
    "flag_over_time_ratio": {
        "vi": "Năm {period}: {value:g} chênh {measure:+.0%} so với trung bình 3 năm trước ({previous_mean:.2f}).",
        "en": "{period}: {value:g} is {measure:+.0%} from the mean of the 3 previous years ({previous_mean:.2f})."},
    "flag_coverage_drop": {
        "vi": "Bao phủ BHYT giảm {measure:+.1f} điểm so với tháng trước ({previous:g} → {value:g}).",
        "en": "Insurance coverage changed {measure:+.1f} points from the month before ({previous:g} → {value:g})."},
    "flag_ratio_mismatch": {"vi": "Giá trị {value:g} không khớp tử số/mẫu số ({expected:.2f}).",
                            "en": "Value {value:g} does not match numerator/denominator ({expected:.2f})."},
    "flag_province_vs_communes": {
        "vi": "Số của tỉnh ({value:g}) lệch {measure:.0%} so với số tổng hợp từ {communes:.0f} xã ({communes_value:.2f}).",
        "en": "The province figure ({value:g}) is {measure:.0%} off the figure of its {communes:.0f} communes ({communes_value:.2f})."},
    "flag_aggregate_above_100": {"vi": "Tổng hợp từ các xã vượt 100% ({measure:.1f}%).",
                                 "en": "The figure aggregated from communes exceeds 100% ({measure:.1f}%)."},
    # Hostile files (issue 11)
    "read_sheet_range": {
        "vi": "Vùng dữ liệu của trang '{sheet}' kéo đến ô {cell} (vùng {range}): có ô lạc nằm xa bảng số liệu. "
              "Hãy xóa các ô thừa ngoài bảng (hoặc chép bảng sang một trang mới) rồi lưu lại tệp.",
        "en": "The data on sheet '{sheet}' reaches cell {cell} (range {range}): a stray cell lies far from the table. "
              "Delete the stray cells outside the table (or copy the table to a new sheet) and save the file again."},
    "read_sheet_too_big": {
        "vi": "Trang '{sheet}' có vùng dữ liệu {range} ({cells} ô), vượt giới hạn {limit} ô của một tệp Excel. "
              "Hãy lưu dưới dạng CSV UTF-8 hoặc chia nhỏ tệp.",
        "en": "Sheet '{sheet}' spans {range} ({cells} cells), over the limit of {limit} cells for an Excel file. "
              "Save it as CSV UTF-8 or split the file."},
    "read_sheet_markup": {
        "vi": "Trang '{sheet}' chứa hơn {limit} thẻ XML, quá nhiều so với số liệu của nó: tệp bất thường hoặc bị hỏng. "
              "Hãy chép bảng sang một tệp mới hoặc lưu dưới dạng CSV UTF-8.",
        "en": "Sheet '{sheet}' holds over {limit} XML tags, far more than its data needs: the file is unusual or damaged. "
              "Copy the table to a new file or save it as CSV UTF-8."},
    "read_shared_strings": {
        "vi": "Bảng chuỗi ký tự dùng chung của tệp Excel quá lớn (hơn {limit} chuỗi hoặc {limit_mb} MB): tệp bất thường "
              "hoặc bị hỏng. Hãy lưu lại dưới dạng CSV UTF-8.",
        "en": "The Excel file's table of shared strings is too large (over {limit} strings or {limit_mb} MB): the file is "
              "unusual or damaged. Save it again as CSV UTF-8."},
    "read_too_many_cells": {
        "vi": "Tệp có {rows} dòng × {columns} cột = {cells} ô, vượt giới hạn {limit} ô (thường do rất nhiều dòng trống). "
              "Hãy xóa các dòng trống hoặc chia nhỏ tệp.",
        "en": "The file has {rows} lines × {columns} columns = {cells} cells, over the limit of {limit} (often a great "
              "many empty lines). Delete the empty lines or split the file."},
    "read_timeout": {
        "vi": "Không đọc xong tệp trong {seconds:g} giây: tệp quá lớn hoặc có cấu trúc bất thường. "
              "Hãy chia nhỏ tệp hoặc lưu lại dưới dạng CSV UTF-8.",
        "en": "The file could not be read within {seconds:g} s: it is too large or unusually built. "
              "Split it or save it again as CSV UTF-8."},
    "read_memory": {
        "vi": "Không đọc được tệp trong giới hạn {memory_mb} MiB bộ nhớ: tệp quá lớn hoặc có cấu trúc bất thường. "
              "Hãy chia nhỏ tệp hoặc lưu lại dưới dạng CSV UTF-8.",
        "en": "The file could not be read within {memory_mb} MiB of memory: it is too large or unusually built. "
              "Split it or save it again as CSV UTF-8."},
    "read_control_char": {
        "vi": "Ô có ký tự điều khiển {char} (không in được, thường do tệp hỏng hoặc chép từ phần mềm khác); "
              "hãy xóa ký tự đó.",
        "en": "The cell holds the control character {char} (not printable; usually from a damaged file or a copy "
              "from another program); delete it."},
    "read_cell_too_long": {"vi": "Ô dài {chars} ký tự, vượt giới hạn {limit} ký tự của một ô Excel.",
                           "en": "The cell is {chars} characters long, over Excel's limit of {limit} per cell."},
    # Cover page of an exported PDF; the date formats follow the reader's language.
    "cover_period": {"vi": "Kỳ báo cáo: {period}", "en": "Period: {period}"},
    "cover_exported": {"vi": "Ngày xuất: {now:%d/%m/%Y %H:%M}", "en": "Exported: {now:%Y-%m-%d %H:%M}"},
    "cover_no_figures": {"vi": "Chưa có số liệu cho kỳ này.", "en": "No figures for this period."},
    "cover_as_of": {"vi": "Số liệu tính đến lần nộp #{id} ({received:%d/%m/%Y})",
                    "en": "Data as of submission #{id} ({received:%Y-%m-%d})"},
    "cover_synthetic": {"vi": "DỮ LIỆU MINH HỌA (tổng hợp, không phải số liệu thật)",
                        "en": "SYNTHETIC DEMO DATA (generated, not real figures)"},
    "cli_rejected_head": {"vi": "✗ {file}: bị từ chối, {n} lỗi; không có gì được ghi.",
                          "en": "✗ {file}: rejected, {n} errors; nothing was written.",
                          "en_one": "✗ {file}: rejected, {n} error; nothing was written."},
    "cli_row": {"vi": "dòng {row}", "en": "row {row}"},
    "cli_whole_file": {"vi": "cả tệp", "en": "whole file"},
    "cli_column": {"vi": "cột {column}", "en": "column {column}"},
    "cli_unchanged": {"vi": "= {file}: không đổi (đã nạp ở lần nộp #{id}).",
                      "en": "= {file}: unchanged (already loaded as submission #{id})."},
    "cli_dry_run": {"vi": "✓ {file}: hợp lệ, {n} dòng (chạy thử, chưa ghi).",
                    "en": "✓ {file}: valid, {n} rows (dry run, nothing written).",
                    "en_one": "✓ {file}: valid, {n} row (dry run, nothing written)."},
    "cli_loaded": {"vi": "✓ {file}: đã nạp {n} dòng, lần nộp #{id}.",
                   "en": "✓ {file}: loaded {n} rows as submission #{id}.",
                   "en_one": "✓ {file}: loaded {n} row as submission #{id}."},
    "cli_warnings_head": {"vi": "⚠ {file}: {n} giá trị thay đổi nhiều so với kỳ trước; chưa ghi gì."
                                " Kiểm tra rồi chạy lại với --accept-warnings nếu đúng.",
                          "en": "⚠ {file}: {n} values changed a lot from the previous period; nothing written."
                                " Check them, then run again with --accept-warnings if they are right.",
                          "en_one": "⚠ {file}: {n} value changed a lot from the previous period; nothing written. Check it, then run"
                                    " again with --accept-warnings if it is right."},
    # Closed periods and corrections (issue 16, section 3)
    "refused_not_admin": {"vi": "Tài khoản '{name}' không phải quản trị: không được duyệt điều chỉnh.",
                          "en": "Account '{name}' is not an admin: it cannot decide corrections."},
    "cli_pending": {"vi": "⏸ {file}: {n} điều chỉnh số liệu của kỳ đã khóa đang chờ quản trị duyệt; chưa thay số đang hiển thị.",
                    "en": "⏸ {file}: {n} corrections to closed periods wait for an admin's approval; the figures shown are unchanged.",
                    "en_one": "⏸ {file}: {n} correction to a closed period waits for an admin's approval; the figure shown is unchanged."},
    "cli_pending_some": {"vi": "  ({n} điều chỉnh của kỳ đã khóa chờ duyệt)",
                         "en": "  ({n} corrections to closed periods pending approval)",
                         "en_one": "  ({n} correction to a closed period pending approval)"},
    "cli_pending_would": {"vi": "  ({n} điều chỉnh của kỳ đã khóa sẽ chờ quản trị duyệt khi nạp)",
                          "en": "  ({n} corrections to closed periods would wait for an admin's approval)",
                          "en_one": "  ({n} correction to a closed period would wait for an admin's approval)"},
    "correction_line": {"vi": "#{id} dòng {row}: {indicator}, {area}, kỳ {period}: {old} → {new}",
                        "en": "#{id} row {row}: {indicator}, {area}, {period}: {old} → {new}"},
    "upload_pending": {"vi": "{n} giá trị sửa số liệu của kỳ đã khóa: chờ quản trị duyệt. Đến khi được duyệt, mọi trang vẫn hiện số cũ.",
                       "en": "{n} values change figures of closed periods: they wait for an admin's approval."
                             " Until then every page shows the figure as it was.",
                       "en_one": "{n} value changes a figure of a closed period: it waits for an admin's approval. Until then every"
                                 " page shows the figure as it was."},
    "check_pending": {"vi": "{n} giá trị sửa số liệu của kỳ đã khóa: khi nạp, chúng sẽ chờ quản trị duyệt (mọi trang vẫn hiện"
                            " số cũ đến khi được duyệt); các giá trị khác được nạp ngay.",
                      "en": "{n} values change figures of closed periods: once loaded they wait for an admin's approval (every"
                            " page shows the figure as it was until then); the other values load at once.",
                      "en_one": "{n} value changes a figure of a closed period: once loaded it waits for an admin's approval (every"
                                " page shows the figure as it was until then); the other values load at once."},
    "correction_line_form": {"vi": "{indicator}, {area}, kỳ {period}: {old} → {new}",
                             "en": "{indicator}, {area}, {period}: {old} → {new}"},
    "correction_line_new": {"vi": "dòng {row}: {indicator}, {area}, kỳ {period}: {old} → {new}",
                            "en": "row {row}: {indicator}, {area}, {period}: {old} → {new}"},
    "entry_closed": {"vi": "Kỳ {period} đã khóa từ ngày {date}. Số liệu lần đầu được nhận như báo cáo muộn; số khác với số"
                           " đã lưu sẽ chờ quản trị duyệt, đến khi đó mọi trang vẫn hiện số cũ.",
                     "en": "Period {period} closed on {date}. A first figure is taken as a late report; a figure that"
                           " differs from the stored one waits for an admin's approval, and every page shows the old one until then."},
    "entry_closed_admin": {"vi": "Kỳ {period} đã khóa từ ngày {date}. Là quản trị, số bạn sửa được áp dụng ngay và ghi nhật ký"
                                 " như một điều chỉnh.",
                           "en": "Period {period} closed on {date}. As an admin, the figures you change apply at once and"
                                 " are audited as a correction."},
    "entry_field_pending": {"vi": "Kỳ đã khóa: số này khác số đã lưu ({old}) nên sẽ chờ quản trị duyệt.",
                            "en": "Closed period: this differs from the stored figure ({old}), so it will wait for an admin."},
    "entry_warnings": {"vi": "{n} giá trị thay đổi nhiều so với kỳ trước (đánh dấu ⚠). Kiểm tra lại rồi xác nhận để gửi.",
                       "en": "{n} values changed a lot from the previous period (marked ⚠). Check them, then confirm to send.",
                       "en_one": "{n} value changed a lot from the previous period (marked ⚠). Check it, then confirm to send."},
    "entry_sent_pending": {"vi": "Đã gửi (“{name}”).", "en": "Sent (“{name}”)."},
    "corrections_pending": {"vi": "Điều chỉnh chờ duyệt (kỳ đã khóa)", "en": "Corrections pending approval (closed periods)"},
    "corrections_none": {"vi": "Không có điều chỉnh nào chờ duyệt.", "en": "No corrections are pending."},
    "correction_approve": {"vi": "Duyệt #{id}", "en": "Approve #{id}"},
    "correction_reject": {"vi": "Từ chối #{id}", "en": "Reject #{id}"},
    "correction_decided": {"vi": "Điều chỉnh #{id}: {status}.", "en": "Correction #{id}: {status}."},
    "cli_warnings_accepted": {"vi": "  ({n} cảnh báo đã được xác nhận)", "en": "  ({n} warnings accepted)",
                                                                         "en_one": "  ({n} warning accepted)"},
    # Report: restated targets and milestones without an indicator (issue 17 in the report)
    "rp_restated_in": {"vi": "nhắc lại trong {source}", "en": "restated in {source}"},
    "rp_milestones_intro": {"vi": "Cam kết của các kế hoạch chưa có chỉ tiêu đo được (theo dõi và trích dẫn, không chấm điểm):",
                            "en": "Commitments of the plans with no measurable indicator yet (tracked and cited, not scored):"},
    "rp_commitment": {"vi": "Cam kết", "en": "Commitment"},
    "rp_why_no_indicator": {"vi": "Vì sao chưa có chỉ tiêu", "en": "Why no indicator"},
    "cli_quality_head": {"vi": "Lần kiểm tra #{id}: {values} giá trị, {flags} cảnh báo.",
                         "en": "Quality run #{id}: {values} values, {flags} flags."},
    # Upload page (issue 13): progress by phase, the first 1,000 problems, both template layouts, task previews.
    "sheet": {"vi": "Trang tính", "en": "Sheet"},
    "first_problems": {"vi": "{shown} lỗi đầu tiên trong tổng số {total}; sửa các lỗi này rồi tải lại để xem tiếp.",
                       "en": "The first {shown} of {total} problems; fix these and upload again to see the rest."},
    "phase_read": {"vi": "Đọc tệp", "en": "Reading the file"},
    "phase_check": {"vi": "Kiểm tra từng dòng", "en": "Checking every row"},
    "phase_load": {"vi": "Nạp vào cơ sở dữ liệu", "en": "Loading into the database"},
    "phase_running": {"vi": "Đang xử lý {file}: {phase}… ({seconds} giây)",
                      "en": "Working on {file}: {phase}… ({seconds} s)"},
    "phase_done": {"vi": "Đã xử lý {file} trong {seconds} giây", "en": "{file} done in {seconds} s"},
    "phase_failed": {"vi": "Không xử lý được {file}", "en": "{file} could not be processed"},
    "template_layout": {"vi": "Kiểu mẫu", "en": "Layout"},
    "template_long": {"vi": "Dạng dọc", "en": "Long"},
    "template_long_help": {"vi": "Mỗi dòng là một chỉ tiêu của một đơn vị; số liệu ghi ở cột value.",
                           "en": "One row per indicator and area; the figure goes in the value column."},
    "template_wide": {"vi": "Dạng ngang", "en": "Wide"},
    "template_wide_help": {"vi": "Mỗi dòng là một đơn vị; mỗi chỉ tiêu một cột, tiêu đề cột là tên chỉ tiêu (đơn vị).",
                           "en": "One row per area; one column per indicator, headed by its name (unit)."},
    "template_csv": {"vi": "⬇ Tải mẫu CSV", "en": "⬇ Download CSV template"},
    "preview_tasks": {"vi": "Xem trước: cập nhật tình trạng nhiệm vụ", "en": "Preview: task status updates"},
    # Normalising office files (issue 13 B): wide layout, percent cells, Excel error cells, ambiguous names, provinces.
    "upload_no_values": {"vi": "Không dòng nào có giá trị, tử số, mẫu số hay ghi chú: tệp không có số liệu để nạp.",
                         "en": "No row has a value, numerator, denominator or note: the file holds no figures to load."},
    "upload_wide_empty": {"vi": "Bảng có một cột cho mỗi chỉ tiêu nhưng không ô giá trị nào được điền.",
                          "en": "The table has one column per indicator but no value is filled in."},
    "rule_percent_fraction": {
        "vi": "{value_vi} — có phải {pct_vi} %? Ô định dạng phần trăm trong Excel lưu {value_vi}; "
              "hãy nhập {pct_vi} hoặc định dạng ô là %. Nếu đúng là {value_vi} %, hãy ghi '{value_vi} %' "
              "hoặc điền tử số và mẫu số.",
        "en": "{value} — did you mean {pct}%? A cell formatted as percent in Excel stores {value}; "
              "type {pct} or format the cell as %. If it really is {value}%, write '{value}%' "
              "or fill in the numerator and denominator."},
    "rule_excel_error": {
        "vi": "Ô lỗi của Excel ({error}): công thức không tính được; hãy sửa công thức hoặc để trống ô.",
        "en": "Excel error cell ({error}): the formula could not be calculated; fix the formula or leave the cell empty."},
    "rule_ambiguous_commune": {
        "vi": "Tên '{name}' có ở nhiều xã/phường: {candidates}. Hãy ghi mã xã (ma_dvhc) hoặc thêm cột tỉnh (province).",
        "en": "The name '{name}' matches several communes: {candidates}. Give the commune code (area_code) "
              "or add a province column (province)."},
    "rule_name_not_in_province": {"vi": "Không có xã/phường tên '{name}' ở {province_name}; tên này có ở: {candidates}.",
                                  "en": "No commune named '{name}' in {province_name}; the name exists in: {candidates}."},
    "rule_unknown_province": {"vi": "Không tìm thấy tỉnh/thành phố '{value}' (mã hoặc tên từ 01/7/2025).",
                              "en": "No province '{value}' (code or name in force since 1 July 2025)."},
    "rule_province_mismatch": {"vi": "Đơn vị {area} ({name}) thuộc {province_name} ({province}), không phải '{value}'.",
                               "en": "Area {area} ({name}) is in {province_name} ({province}), not '{value}'."},
    # Plans fidelity (issue 17): deadlines with their source or the operator's, restated targets, flags, milestones.
    "set_by_operator": {"vi": "Hạn nộp do đơn vị vận hành đặt", "en": "Deadline set by the operator"},
    "set_by_operator_day": {"vi": "Hạn nộp do đơn vị vận hành đặt: đến hết ngày {day} tháng sau (NQ72_FIGURES_DUE_DAY)",
                            "en": "Deadline set by the operator: to the end of day {day} of the next month (NQ72_FIGURES_DUE_DAY)"},
    "before_day_reading": {
        "vi": "Cách đọc “trước ngày X”: hạn cuối là ngày liền trước X (báo cáo gửi đúng ngày X là muộn). "
              "Áp dụng cho mọi hạn của các kế hoạch; cột “Ngày cuối đúng hạn” đã tính theo cách đọc này.",
        "en": "How “trước ngày X” (before day X) is read: the last day on time is the day before X (a report sent on X "
              "is late). It applies to every deadline of the plans; “Last day on time” is computed that way."},
    "plan_deadlines": {"vi": "Mọi hạn báo cáo các kế hoạch đặt ra", "en": "Every reporting deadline the plans set"},
    "plan_short_CANTHO": {"vi": "KH 172/KH-UBND Cần Thơ", "en": "Can Tho plan 172/KH-UBND"},
    "plan_short_DAKLAK": {"vi": "KH UBND tỉnh Đắk Lắk", "en": "Dak Lak plan"},
    "plan_short_MOST": {"vi": "KH hành động Bộ KH&CN", "en": "MOST action plan"},
    "plan_short_VUSTA": {"vi": "KH 314/KH-LHHVN", "en": "VUSTA plan 314/KH-LHHVN"},
    "deadline_who": {"vi": "Đơn vị", "en": "Who"},
    "deadline_written": {"vi": "Theo văn bản (trích)", "en": "As written (Vietnamese original)"},
    "last_day_on_time": {"vi": "Ngày cuối đúng hạn (kỳ tới)", "en": "Last day on time (next)"},
    "no_date_in_plan": {"vi": "Kế hoạch không nêu ngày", "en": "No date in the plan"},
    "not_tracked": {"vi": "– (không theo dõi trong nq72)", "en": "– (not tracked in nq72)"},
    "quality_deadlines": {"vi": "Hạn nộp số liệu dùng để tính tỷ lệ đúng hạn", "en": "Deadlines used for timeliness"},
    "figures_month_due": {"vi": "Số liệu tháng, quý: đến hết ngày {day} tháng sau",
                          "en": "Monthly and quarterly figures: to the end of day {day} of the next month"},
    "figures_year_due": {"vi": "Số liệu năm: đến hết ngày {day}/{month} của năm",
                         "en": "Annual figures: to the end of {day}/{month} of the year"},
    "figures_deadline_note": {
        "vi": "Không kế hoạch nào đặt hạn nộp số liệu chỉ tiêu của các tỉnh: các hạn trên do đơn vị vận hành đặt "
              "(NQ72_FIGURES_DUE_DAY; pipelines/quality/quality.yaml). Hạn “trước ngày 23 hằng tháng” trong kế hoạch "
              "của Bộ KH&CN (mục V.2.a) chỉ dành cho việc cập nhật 05 nhiệm vụ của Bộ; hạn các kế hoạch đặt ra ở trang Nhiệm vụ.",
        "en": "No plan sets a deadline for the provinces' indicator figures: these are set by the operator "
              "(NQ72_FIGURES_DUE_DAY; pipelines/quality/quality.yaml). The “before the 23rd of each month” of the ministry's "
              "plan (section V.2.a) is for updating five of its own tasks; the plans' deadlines are on the Tasks page."},
    "restated_in": {"vi": "Nhắc lại trong kế hoạch", "en": "Restated in"},
    "restated_heading": {"vi": "Mục tiêu quốc gia được kế hoạch của tỉnh, phường nhắc lại",
                         "en": "National targets restated in a province's or ward's plan"},
    "restated_intro": {
        "vi": "Khi kế hoạch của tỉnh hoặc phường nhắc lại đúng mục tiêu quốc gia (cùng mức, cùng năm), mục tiêu được "
              "đánh giá một lần theo mốc quốc gia, kèm trích dẫn của kế hoạch địa phương. Mục tiêu khác mức "
              "(ví dụ 96% của phường Trần Liễu) là mục tiêu riêng, đánh giá riêng.",
        "en": "Where a province's or ward's plan restates a national target (same level, same year) it is assessed once, "
              "against the national milestone, with the local plan's citation. A different level (Trần Liễu's 96%) is "
              "the area's own target, assessed on its own."},
    "also_in_plan": {"vi": "Cũng có trong kế hoạch của {area}", "en": "Also in the plan of {area}"},
    "plan_col": {"vi": "Kế hoạch", "en": "Plan"},
    "year_basis_sentence": {"vi": "Năm {year} nêu ở đầu câu được trích", "en": "Year {year} stated earlier in the quoted sentence"},
    "year_basis_section": {"vi": "Năm {year} theo tiêu đề mục của kế hoạch", "en": "Year {year} from the plan's section heading"},
    "year_basis_assumed": {"vi": "Kế hoạch không nêu năm: nq72 giả định năm {year}", "en": "The plan gives no year: nq72 assumes {year}"},
    "quote_joined": {"vi": "Trích ghép: các đoạn nối bằng “...”", "en": "Joined quote: passages joined with “...”"},
    "untracked_milestones": {"vi": "Mốc chưa có chỉ tiêu đo được", "en": "Milestones with no measurable indicator"},
    "commitment": {"vi": "Cam kết", "en": "Commitment"},
    "why_not_measured": {"vi": "Vì sao chưa đo", "en": "Why not measured"},
    # Report (`nq72 report` and the Report page, issue 14 part 2): the administrative report's words.
    "page_report": {"vi": "Báo cáo", "en": "Report"},
    "title_report": {"vi": "Báo cáo kết quả thực hiện", "en": "Progress report"},
    "rp_intro": {"vi": ("Báo cáo soạn sẵn từ số liệu (DOCX sửa được trong Word/LibreOffice và PDF khổ A4) cho tỉnh, thành phố và kỳ "
                        "đang chọn."),
                 "en": ("A report drafted from the figures (a DOCX to edit in Word or LibreOffice, and an A4 PDF) for the chosen "
                        "province and period.")},
    "rp_period_select": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "rp_make": {"vi": "Soạn báo cáo", "en": "Draft the report"},
    "rp_making": {"vi": "Đang soạn báo cáo…", "en": "Drafting the report…"},
    "rp_failed": {"vi": "Không soạn được báo cáo", "en": "The report could not be drafted"},
    "rp_download_docx": {"vi": "⬇ Tải DOCX", "en": "⬇ DOCX"},
    "rp_download_pdf": {"vi": "⬇ Tải PDF", "en": "⬇ PDF"},
    "rp_scope_national": {"vi": "Toàn quốc (báo cáo chung)", "en": "National (the whole country)"},
    "rp_summary_line": {"vi": "{place}, {period}: {parts}.", "en": "{place}, {period}: {parts}."},
    "rp_cli_done": {"vi": "{n} tệp trong {folder} ({seconds:.0f} giây)", "en": "{n} files in {folder} ({seconds:.0f} s)",
                                                                         "en_one": "{n} file in {folder} ({seconds:.0f} s)"},
    "rp_period_month": {"vi": "tháng {month}/{year}", "en": "month {month}/{year}"},
    "rp_period_half": {"vi": "6 tháng đầu năm {year}", "en": "first half of {year}"},
    "rp_period_year": {"vi": "năm {year}", "en": "year {year}"},
    "rp_synthetic": {"vi": ("LƯU Ý: Báo cáo này được lập từ DỮ LIỆU MINH HỌA (tổng hợp, không phải số liệu thật). Mọi con số đều do "
                            "máy tạo ra; không dùng để báo cáo chính thức."),
                     "en": ("NOTE: this report is drawn from SYNTHETIC DEMO DATA (generated, not real figures). Every number is made "
                            "up; do not file it.")},
    "rp_h_summary": {"vi": "Tóm tắt kết quả", "en": "Summary"},
    "rp_h_indicators": {"vi": "Kết quả thực hiện các chỉ tiêu", "en": "Progress on each indicator"},
    "rp_h_table": {"vi": "Bảng tổng hợp các chỉ tiêu và mốc mục tiêu", "en": "Every indicator against every milestone"},
    "rp_h_stations": {"vi": "Trạm y tế xã chưa đủ bác sĩ", "en": "Commune health stations short of doctors"},
    "rp_h_tasks": {"vi": "Tình hình thực hiện nhiệm vụ của kế hoạch", "en": "The plan's tasks"},
    "rp_h_quality": {"vi": "Chất lượng số liệu báo cáo", "en": "Quality of the reported figures"},
    "rp_h_sources": {"vi": "Nguồn và căn cứ của các mục tiêu", "en": "Sources of every target"},
    "rp_issuer_parent": {"vi": "UBND {name}", "en": "{name} People's Committee"},
    "rp_issuer": {"vi": "Sở Y tế", "en": "Department of Health"},
    "rp_issuer_parent_national": {"vi": "Cơ quan báo cáo", "en": "Reporting body"},
    "rp_issuer_national": {"vi": "Bộ Y tế", "en": "Ministry of Health"},
    "rp_place_national": {"vi": "Hà Nội", "en": "Ha Noi"},
    "rp_number": {"vi": "Số:        /BC", "en": "No.:        /BC"},
    "rp_motto_1": {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "SOCIALIST REPUBLIC OF VIET NAM"},
    "rp_motto_2": {"vi": "Độc lập - Tự do - Hạnh phúc", "en": "Independence - Freedom - Happiness"},
    "rp_place_date": {"vi": "{place}, ngày {day} tháng {month} năm {year}", "en": "{place}, {date}"},
    "rp_title": {"vi": "BÁO CÁO", "en": "REPORT"},
    "rp_subtitle": {"vi": ("Kết quả thực hiện Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị về một số giải pháp đột phá, tăng"
                           " cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân"),
                    "en": ("On the implementation of Politburo Resolution 72-NQ/TW of 9 September 2025 on breakthrough measures to "
                           "protect, care for and improve the people's health")},
    "rp_period_line": {"vi": "(Kỳ báo cáo: {period}; số liệu đến tháng {as_of})", "en": "(Reporting period: {period}; figures to {as_of})"},
    "rp_recipients_head": {"vi": "Nơi nhận:", "en": "To:"},
    "rp_recipients": {"vi": "- Bộ Y tế (để báo cáo);\n- UBND tỉnh, thành phố (để báo cáo);\n- Lưu: VT.",
                      "en": "- Ministry of Health (for information);\n- Provincial People's Committee (for information);\n- File."},
    "rp_signer": {"vi": "GIÁM ĐỐC", "en": "DIRECTOR"},
    "rp_signer_hint": {"vi": "(Ký, ghi rõ họ tên, đóng dấu)", "en": "(signature, full name, seal)"},
    "rp_count_achieved": {"vi": "{n} chỉ tiêu đã đạt", "en": "{n} achieved"},
    "rp_count_on_track": {"vi": "{n} chỉ tiêu đúng tiến độ", "en": "{n} on track"},
    "rp_count_acceleration_needed": {"vi": "{n} chỉ tiêu cần tăng tốc", "en": "{n} needing acceleration"},
    "rp_count_limited_progress": {"vi": "{n} chỉ tiêu tiến bộ hạn chế", "en": "{n} with limited progress"},
    "rp_count_deterioration": {"vi": "{n} chỉ tiêu đang đi xuống", "en": "{n} deteriorating"},
    "rp_count_not_achieved": {"vi": "{n} chỉ tiêu không đạt (đã quá hạn mốc)", "en": "{n} overdue (milestone passed unmet)"},
    "rp_count_insufficient_data": {"vi": "{n} chỉ tiêu chưa đủ số liệu để đánh giá", "en": "{n} without enough data to judge"},
    "rp_count_no_target": {"vi": "{n} chỉ tiêu không có mục tiêu", "en": "{n} without a target"},
    "rp_count_no_data": {"vi": "{n} chỉ tiêu chưa có số liệu", "en": "{n} with no figures yet"},
    "rp_and": {"vi": "và", "en": "and"},
    "rp_summary_counts": {"vi": ("Tính đến số liệu tháng {as_of}, so với mốc mục tiêu gần nhất, trong {total} chỉ tiêu theo dõi của "
                                 "{place} có {parts}."),
                          "en": ("With figures to {as_of}, against the next milestone, of the {total} indicators tracked for {place}: "
                                 "{parts}.")},
    "rp_summary_gaps": {"vi": "Các khoảng cách lớn nhất so với mốc gần nhất: {gaps}.",
                        "en": "The largest gaps to the next milestone: {gaps}."},
    "rp_gap_item": {"vi": "{name} đạt {value} (kỳ {period}), còn cách {gap} so với mục tiêu năm {year} ({target})",
                    "en": "{name} at {value} ({period}), {gap} short of the {year} target ({target})"},
    "rp_summary_zero": {"vi": "Không có chỉ tiêu nào {parts}.", "en": "No indicator is in the status {parts}."},
    "rp_or": {"vi": "hoặc", "en": "or"},
    "rp_summary_overdue": {"vi": "Các chỉ tiêu đã qua năm mốc mà chưa đạt: {names}.",
                           "en": "Past their milestone year without reaching it: {names}."},
    "rp_latest": {"vi": "Số liệu mới nhất (kỳ)", "en": "Latest (period)"},
    "rp_gap_short": {"vi": "còn cách {gap}", "en": "{gap} to go"},
    "rp_projected_short": {"vi": "dự kiến đạt: {when}", "en": "projected: {when}"},
    "rp_ind_no_data": {"vi": "Chưa có số liệu {name} của {place} đến kỳ báo cáo này.",
                       "en": "No figure for {name} in {place} up to this period."},
    "rp_ind_latest": {"vi": "{name} của {place} đạt {value} (kỳ {period})", "en": "{name} in {place} stood at {value} ({period})"},
    "rp_ind_up": {"vi": ", tăng {change} so với cùng kỳ năm trước", "en": ", up {change} on a year before"},
    "rp_ind_down": {"vi": ", giảm {change} so với cùng kỳ năm trước", "en": ", down {change} on a year before"},
    "rp_ind_same": {"vi": ", không đổi so với cùng kỳ năm trước", "en": ", unchanged on a year before"},
    "rp_ind_no_target": {"vi": "Chỉ tiêu này chưa có mục tiêu áp dụng.", "en": "No target applies to it."},
    "rp_ind_achieved": {"vi": "Đã đạt mốc {year} ({scope}: {target}).", "en": "The {year} milestone ({scope}: {target}) is achieved."},
    "rp_ind_overdue": {"vi": "Mốc {year} ({scope}: {target}) đã qua mà chưa đạt, còn thiếu {gap}.",
                       "en": "The {year} milestone ({scope}: {target}) has passed unmet, {gap} short."},
    "rp_ind_insufficient": {"vi": "Chưa đủ số liệu để đánh giá tiến độ so với mốc {year} ({scope}: {target}).",
                            "en": "There is not enough data yet to judge progress towards the {year} milestone ({scope}: {target})."},
    "rp_ind_progress": {"vi": ("So với mốc {year} ({scope}: {target}), tiến độ được đánh giá là “{status}”, còn cách {gap}; thời điểm "
                               "dự kiến đạt với tốc độ hiện nay: {when}."),
                        "en": ("Against the {year} milestone ({scope}: {target}) progress is “{status}”, {gap} to go; at the current "
                               "pace it is reached: {when}.")},
    "rp_figure": {"vi": "Hình: {name}, {place}: số liệu, các mốc mục tiêu, lộ trình cần đạt và xu hướng hiện nay",
                  "en": "Figure: {name}, {place}: figures, milestones, the required path and the current trend"},
    "rp_figure_stations": {"vi": "Hình: số bác sĩ mỗi trạm y tế xã, {place}", "en": "Figure: doctors per commune health station, {place}"},
    "rp_source_line": {"vi": "Nguồn số liệu: các Sở Y tế nộp qua nq72. Căn cứ mục tiêu: {targets}.",
                       "en": "Figures: submitted by the provincial health departments through nq72. Targets: {targets}."},
    "rp_stations": {"vi": "Theo số liệu gần nhất, {place} có {n}/{total} trạm y tế xã dưới {k} bác sĩ ({share}).",
                    "en": ("By the latest figures, {n} of {total} commune health stations in {place} ({share}) have fewer than {k} "
                           "doctors."),
                    "en_one": ("By the latest figures, {n} of {total} commune health stations in {place} ({share}) has fewer than"
                               " {k} doctors.")},
    "rp_stations_list": {"vi": "Danh sách các trạm ở Phụ lục 1.", "en": "Appendix 1 lists them."},
    "rp_stations_none": {"vi": "Chưa có số liệu bác sĩ của các trạm y tế xã của {place}.",
                         "en": "No commune station figures for {place} yet."},
    "rp_stations_provinces": {"vi": "Nhiều trạm dưới 4 bác sĩ nhất: {items}.", "en": "Most stations below 4 doctors: {items}."},
    "rp_tasks": {"vi": ("{plan}: {total} nhiệm vụ, trong đó {overdue} quá hạn, {due_soon} sắp đến hạn (trong 30 ngày), {on_schedule} "
                        "trong hạn và {done} đã hoàn thành."),
                 "en": ("{plan}: {total} tasks; {overdue} overdue, {due_soon} due within 30 days, {on_schedule} on schedule and {done}"
                        " done.")},
    "rp_tasks_urgent": {"vi": "Nhiệm vụ quá hạn hoặc sắp đến hạn: {items}.", "en": "Overdue or due soon: {items}."},
    "rp_quality_none": {"vi": "Chưa có lần kiểm tra chất lượng số liệu nào (chạy `nq72 quality`).",
                        "en": "No data-quality run yet (run `nq72 quality`)."},
    "rp_quality_rates": {"vi": ("Trong {months} tháng từ {first} đến {last}, {place} đã gửi {completeness} số liệu hằng tháng phải báo"
                                " cáo (tính đầy đủ), {timeliness} đúng hạn (tính kịp thời)."),
                         "en": ("Over the {months} months from {first} to {last}, {place} sent {completeness} of the monthly figures "
                                "due (completeness) and {timeliness} on time (timeliness).")},
    "rp_quality_weak": {"vi": "Các tháng có tỷ lệ đầy đủ dưới {min}: {months}.", "en": "Months with completeness below {min}: {months}."},
    "rp_flags": {"vi": "Lần kiểm tra gần nhất cảnh báo {n} giá trị của {place}: {items}; chi tiết ở phụ lục.",
                 "en": "The latest run flagged {n} values of {place}: {items}; the appendix lists them.",
                 "en_one": "The latest run flagged {n} value of {place}: {items}; the appendix lists it."},
    "rp_quality_weakest": {"vi": "Mười tỉnh, thành phố có điểm chất lượng số liệu thấp nhất:",
                           "en": "The ten provinces with the lowest data-quality scores:"},
    "rp_flags_none": {"vi": "Lần kiểm tra gần nhất không cảnh báo giá trị nào của {place}.",
                      "en": "The latest run flagged no value of {place}."},
    "rp_quality_run": {"vi": ("Theo lần kiểm tra chất lượng số liệu #{id} ({when}), theo khung Rà soát chất lượng số liệu của WHO "
                              "(trang Chất lượng dữ liệu)."),
                       "en": "From data-quality run #{id} ({when}), after the WHO Data Quality Review framework (Data quality page)."},
    "rp_sources_intro": {"vi": ("Các mục tiêu được trích nguyên văn từ văn bản gốc; mục tiêu toàn quốc của Nghị quyết 72-NQ/TW được "
                                "trích qua các kế hoạch nhắc lại."),
                         "en": ("Each target is quoted from the original document (in Vietnamese); the national targets of Resolution "
                                "72-NQ/TW are cited through the plans that restate them.")},
    "rp_sources_data": {"vi": ("Số liệu do các Sở Y tế nộp qua nq72, tính đến kỳ báo cáo; trạng thái tiến độ theo phương pháp của "
                               "Thống kê Canada / Open SDG (trang Giới thiệu)."),
                        "en": ("Figures as submitted by the provincial health departments through nq72 up to the period; progress "
                               "statuses by the Statistics Canada / Open SDG measure (About page).")},
    "rp_appendix_stations": {"vi": "PHỤ LỤC {n}. DANH SÁCH TRẠM Y TẾ XÃ DƯỚI {k} BÁC SĨ",
                             "en": "APPENDIX {n}. COMMUNE HEALTH STATIONS WITH FEWER THAN {k} DOCTORS"},
    "rp_appendix_flags": {"vi": "PHỤ LỤC {n}. CÁC GIÁ TRỊ BỊ CẢNH BÁO VỀ CHẤT LƯỢNG",
                          "en": "APPENDIX {n}. VALUES FLAGGED BY THE QUALITY CHECKS"},
    "rp_none": {"vi": "Không có.", "en": "None."},
    "rp_page": {"vi": "Trang", "en": "Page"},
    # Reading workbooks as offices fill them: every visible sheet (issue 13, reader)
    "read_workbook_too_big": {
        "vi": "{sheets} trang của tệp Excel có tổng cộng {cells} ô, vượt giới hạn {limit} ô của một tệp Excel. "
              "Hãy xóa các trang không cần nộp, lưu dưới dạng CSV UTF-8 hoặc chia nhỏ tệp.",
        "en": "The {sheets} sheets of the Excel file hold {cells} cells in all, over the limit of {limit} cells for an "
              "Excel file. Delete the sheets that are not part of the report, save it as CSV UTF-8 or split the file."},
    # Print-ready exports (issue 14, part 1): headers, footers and cover of an exported PDF
    "print_page": {"vi": "Trang {n}/{total}", "en": "Page {n}/{total}"},
    "cover_contents": {"vi": "Nội dung", "en": "Contents"},
    "cover_contents_line": {"vi": "{page}: từ trang {first}", "en": "{page}: from page {first}"},
    "docs_print": {"vi": "Báo cáo chi tiết của great-expectations (Data Docs) xem trên trang Chất lượng dữ liệu của bảng điều khiển "
                         "hoặc tải về dạng zip.",
                   "en": "The great-expectations Data Docs are on the dashboard's Data quality page, or as a zip download."},
    # Data entry page (issue 16, section 1): the form, its checks as you type, drafts, reopening a period.
    "page_entry": {"vi": "Nhập số liệu", "en": "Enter figures"},
    "title_entry": {"vi": "Nhập số liệu", "en": "Enter figures"},
    "entry_no_permission": {
        "vi": "Tài khoản của bạn chỉ có quyền xem, không được nhập số liệu. Nếu bạn cần nộp số liệu cho tỉnh, "
              "hãy đề nghị quản trị viên cấp quyền tải lên.",
        "en": "Your account may view but not enter figures. If you need to report for a province, "
              "ask an administrator for an uploader account."},
    "entry_granularity": {"vi": "Loại kỳ báo cáo", "en": "Reporting period"},
    "entry_gran_month": {"vi": "Tháng", "en": "Month"},
    "entry_gran_quarter": {"vi": "Quý", "en": "Quarter"},
    "entry_gran_year": {"vi": "Năm", "en": "Year"},
    "entry_period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "entry_due": {"vi": "{period} (kỳ đang đến hạn)", "en": "{period} (due now)"},
    "entry_intro": {
        "vi": "Số liệu của {province}, kỳ {period}. Mỗi ô được kiểm tra ngay khi bạn nhập xong (Enter hoặc chuyển ô), "
              "theo đúng các quy tắc kiểm tra tệp của trang Tải dữ liệu. Số thập phân ghi bằng dấu phẩy: 94,7. "
              "Ô để trống không được gửi.",
        "en": "Figures of {province}, period {period}. Each field is checked as soon as you finish it (Enter or moving "
              "on), by the same rules as a file on the Upload page. Empty fields are not sent."},
    "entry_nothing": {"vi": "Không có chỉ tiêu nào báo cáo theo {granularity}.",
                      "en": "No indicator is reported by {granularity}."},
    "entry_province_fields": {"vi": "Số liệu cấp tỉnh", "en": "Province figures"},
    "entry_range": {"vi": "Khoảng hợp lý: {low}–{high}", "en": "Plausible range: {low}–{high}"},
    "entry_last": {"vi": "Kỳ trước: **{value}** ({period})", "en": "Last stored: **{value}** ({period})"},
    "entry_no_last": {"vi": "Chưa có số liệu trước kỳ này", "en": "No figure before this period"},
    "entry_target": {"vi": "Tính vào mục tiêu {milestone}: {target} ({scope})",
                     "en": "Counts toward the {milestone} target: {target} ({scope})"},
    "entry_no_target": {"vi": "Chỉ tiêu chưa có mục tiêu", "en": "No target for this indicator"},
    "entry_communes": {"vi": "{indicator}: từng xã, phường ({n})", "en": "{indicator}: each commune ({n})"},
    "entry_grid_help": {
        "vi": "Có thể dán cả cột từ Excel: chọn ô đầu tiên của cột “Giá trị” rồi nhấn Ctrl+V. Lỗi của từng xã hiện ở cột “Kiểm tra”.",
        "en": "A column copied from Excel can be pasted: select the first cell of the “Value” column and press Ctrl+V. "
              "Each commune's problem shows in the “Check” column."},
    "entry_col_code": {"vi": "Mã", "en": "Code"},
    "entry_col_name": {"vi": "Xã, phường", "en": "Commune"},
    "entry_col_last": {"vi": "Kỳ trước", "en": "Last stored"},
    "entry_col_value": {"vi": "Giá trị", "en": "Value"},
    "entry_col_problem": {"vi": "Kiểm tra", "en": "Check"},
    "entry_grid_problems": {"vi": "{n} xã, phường có lỗi (xem cột “Kiểm tra”).",
                            "en": "{n} communes have a problem (see the “Check” column).",
                            "en_one": "{n} commune has a problem (see the “Check” column)."},
    "entry_draft_saved": {
        "vi": "Bản nháp được lưu trên máy chủ lúc {time} ngày {date} (theo tài khoản, tỉnh và kỳ): tải lại trang, "
              "hết phiên đăng nhập hay bị từ chối khi gửi đều không mất những gì đã nhập.",
        "en": "Draft kept on the server at {time} on {date} (per account, province and period): a reload, an ended "
              "log-in or a refused submission loses nothing you typed."},
    "entry_draft_none": {"vi": "Mỗi ô bạn điền được lưu ngay thành bản nháp trên máy chủ.",
                         "en": "Every field you fill is kept at once as a draft on the server."},
    "entry_draft_failed": {"vi": "Chưa lưu được bản nháp: {reason}", "en": "The draft could not be kept: {reason}"},
    "entry_reopened": {
        "vi": "Kỳ {period} đã có số liệu được nộp: các ô đã điền sẵn số liệu đang lưu. Sửa rồi gửi lại để điều chỉnh.",
        "en": "Figures for {period} have been submitted: the fields hold the stored values. Correct them and send again."},
    "entry_draft_over_stored": {
        "vi": "Kỳ {period} đã có số liệu được nộp; các ô đang hiện bản nháp chưa gửi của bạn.",
        "en": "Figures for {period} have been submitted; the fields show your draft, not yet sent."},
    "entry_problems": {"vi": "Còn {n} lỗi: sửa các ô được đánh dấu rồi gửi.",
                       "en": "{n} problems: fix the marked fields, then send.",
                       "en_one": "{n} problem: fix the marked field, then send."},
    "entry_ok": {"vi": "Hợp lệ: {n} ô đã điền, sẵn sàng gửi.", "en": "Valid: {n} fields filled, ready to send.",
                                                               "en_one": "Valid: {n} field filled, ready to send."},
    "entry_empty": {"vi": "Chưa có ô nào được điền.", "en": "No field is filled yet."},
    "entry_submit": {"vi": "Gửi số liệu", "en": "Send the figures"},
    "entry_submit_help": {"vi": "Gửi như một lần nộp tệp, tên “{name}”: kiểm tra lại, nạp tất cả hoặc không nạp gì, ghi nhật ký.",
                          "en": "Sent as a submission like a file, named “{name}”: checked again, loaded all or nothing, audited."},
    "entry_loaded": {"vi": "Đã gửi {n} số liệu (lần nộp #{id}, “{name}”).", "en": "Sent {n} figures (submission #{id}, “{name}”).",
                                                                            "en_one": "Sent {n} figure (submission #{id}, “{name}”)."},
    "entry_unchanged": {"vi": "Các số liệu này đã được nộp y hệt trước đây (lần nộp #{id}); không có gì thay đổi.",
                        "en": "These figures were submitted exactly so before (submission #{id}); nothing changed."},
    "entry_refused": {"vi": "Chưa gửi được (bản nháp vẫn được giữ): {reason}", "en": "Not sent (the draft is kept): {reason}"},
}


# Units as the catalogue writes them (English) and as a Vietnamese reader reads them.
UNITS_VI = {"years": "năm", "doctors": "bác sĩ", "cm": "cm"}


def unit_word(unit: str, lang: str = "vi") -> str:
    return UNITS_VI.get(unit, unit) if lang == "vi" else unit


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The text of `key` in `lang` (Vietnamese when missing), with {params} filled in. A parameter
    given as {"vi": ..., "en": ...} (an indicator's name, a unit) is taken in the reader's language."""
    entry = TEXT[key]
    # English counts agree with their noun: "1 error", "2 errors" (Vietnamese nouns do not change).
    one = lang == "en" and "en_one" in entry and str(params.get("n")).strip() == "1"
    text = entry["en_one"] if one else entry.get(lang) or entry["vi"]
    if not params:
        return text
    return text.format(**{k: (v.get(lang) or v["vi"]) if isinstance(v, dict) else v for k, v in params.items()})
