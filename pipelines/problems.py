"""A problem found in an upload, with its reason in Vietnamese and English."""
from __future__ import annotations

from dataclasses import asdict, dataclass

# At most this many problems are listed per file; the count of the rest is reported.
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    row: int | None        # spreadsheet row (header = 1); None for the whole file
    column: str | None
    value: str | None
    message_vi: str
    message_en: str

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def to_json(self, lang: str = "en") -> dict:
        d = asdict(self)
        d["message"] = self.message(lang)
        return d


class UploadError(Exception):
    """The file cannot be read at all; carries the problems to show."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = problems


def file_problem(vi: str, en: str, column: str | None = None, value: str | None = None) -> Problem:
    return Problem(None, column, value, vi, en)
