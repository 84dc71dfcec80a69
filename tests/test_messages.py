"""The message catalogue: English counts agree with their noun; Vietnamese nouns do not change."""
import string

import pytest

from pipelines.messages import TEXT, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(k for k, e in TEXT.items() if "en_one" in e))
def test_a_singular_says_the_same_with_the_same_fields(key):
    entry = TEXT[key]
    assert _fields(entry["en_one"]) <= _fields(entry["en"]) | {"n"}
    assert "{n}" in entry["en"]


def test_one_error_two_errors_and_vietnamese_unchanged():
    assert t("check_bad", "en", file="a.csv", n=1).startswith("The file a.csv is rejected: 1 error. ")
    assert t("check_bad", "en", file="a.csv", n="1").startswith("The file a.csv is rejected: 1 error. ")
    assert t("check_bad", "en", file="a.csv", n=2).startswith("The file a.csv is rejected: 2 errors. ")
    assert t("check_bad", "en", file="a.csv", n="11").startswith("The file a.csv is rejected: 11 errors. ")
    assert t("check_bad", "vi", file="a.csv", n=1).startswith("Tệp a.csv bị từ chối: 1 lỗi. ")
    assert t("cli_loaded", "en", file="a.csv", n=1, id=7) == "✓ a.csv: loaded 1 row as submission #7."
    assert t("confirm_warnings", "en", n=1) == "I checked this value"
