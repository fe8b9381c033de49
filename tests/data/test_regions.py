from __future__ import annotations

import pytest

from data.reference.regions import city_of, province_of, resolve_region


@pytest.mark.parametrize(
    "text,code",
    [("广州", "440100"), ("广州市", "440100"), ("广东省广州市", "440100"), ("广东 广州", "440100"),
     ("440100", "440100"), ("天河区", "440106"), ("重庆", "500000"), ("德州", "371400"),
     ("北京 朝阳", "110105"), ("香港", "810000")],
)
def test_resolve(text: str, code: str) -> None:
    assert resolve_region(text) == code


def test_ambiguous_and_unknown_names_explain_themselves() -> None:
    with pytest.raises(ValueError, match="多个同名"):
        resolve_region("朝阳")
    with pytest.raises(ValueError, match="未知地区「火星」"):
        resolve_region("火星")


def test_city_and_province() -> None:
    assert city_of("440106").name == "广州市"
    assert province_of("440106").name == "广东省"
    assert city_of("500103").name == "重庆市"  # a municipality counts as a city
    assert city_of("440000") is None
