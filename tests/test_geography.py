import pytest

from data import geography


def test_counts_match_reference():
    p = geography.provinces()
    c = geography.communes()
    assert len(p) == 34 and p["code"].is_unique
    assert len(c) == 3321 and c["code"].is_unique
    assert (c["code"].str.len() == 5).all()
    per_province = c.groupby("province_code").size()
    expected = p.set_index("code")["communes_2025_07"].astype(int)
    assert per_province.sort_index().equals(expected.sort_index().rename(None)) or \
        (per_province.sort_index().to_numpy() == expected.sort_index().to_numpy()).all()


def test_merger_codes():
    names = geography.provinces().set_index("code")["name"]
    assert names["15"] == "Lào Cai" and names["24"] == "Bắc Ninh" and names["44"] == "Quảng Trị"
    assert names["82"] == "Đồng Tháp" and names["91"] == "An Giang" and names["80"] == "Tây Ninh"
    assert geography.provinces()["population"].gt(400_000).all()


@pytest.mark.parametrize("name,code", [
    ("Dak Lak", "66"), ("Đăk Lăk", "66"), ("Đắk Lắk", "66"), ("tỉnh đắk lắk", "66"), ("Hue", "46"),
    ("Thành phố Huế", "46"), ("TP. Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("Ho Chi Minh", "79"),
    ("Hà Nội", "01"), ("Thanh Hoá", "38"), ("Lào Cai", "15"), ("Phường Trần Liễu", "10729"),
])
def test_name_matching(name, code):
    assert geography.match_name(name).code == code


@pytest.mark.parametrize("old,new", [("Yên Bái", "15"), ("Bắc Giang", "24"), ("Hà Giang", "08"), ("Bình Dương", "79")])
def test_former_province_names_never_resolve(old, new):
    m = geography.match_name(old)
    assert m.code is None and m.reason == f"former:{new}"


def test_ambiguous_commune_names_need_a_province():
    assert geography.match_name("Ba Đình").reason == "ambiguous"
    assert geography.match_name("Ba Đình", "01").code is not None
    # Written with its type and diacritics, the name is Hà Nội's ward only.
    assert geography.match_name("Phường Ba Đình").code == "00004"
    assert len(geography.commune_candidates("Xã Tân Tiến")) == 7


@pytest.mark.parametrize("raw,code", [("1", "01"), ("01", "01"), ("79.0", "79"), ("97", "00097"),
                                      ("10729", "10729"), ("27", "27")])
def test_excel_dropped_zeros(raw, code):
    assert geography.normalise_code(raw) == code


def test_former_codes_point_to_new_province():
    assert geography.former_codes()["27"] == "24"
    assert "15" not in geography.former_codes()   # 15 is a current code (Lào Cai)
