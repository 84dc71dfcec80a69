"""A problem found in an upload: a catalogue key and its parameters, worded by messages.t()."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.messages import t

# At most this many problems are listed per file; the count of the rest is reported.
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    row: int | None        # spreadsheet row (header = 1); None for the whole file
    column: str | None
    value: str | None
    key: str               # a key of messages.TEXT
    # Plain str/int/float values for the key's {placeholders}; left out of the hash (a dict has none).
    params: dict = field(default_factory=dict, hash=False)
    sheet: str | None = None  # the workbook sheet of `row`; None for a CSV or the whole file

    def message(self, lang: str = "vi") -> str:
        return t(self.key, lang, **self.params)

    @property
    def message_vi(self) -> str:
        return self.message("vi")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def to_json(self, lang: str = "en") -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value, "message_vi": self.message_vi,
                "message_en": self.message_en, "message": self.message(lang)}


class UploadError(Exception):
    """The file cannot be read at all; carries the problems to show."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = problems


def file_problem(key: str, column: str | None = None, value: str | None = None,
                 **params: str | int | float) -> Problem:
    return Problem(None, column, value, key, params)
