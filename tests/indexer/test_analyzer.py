"""Segmentation of domain terms, traditional and full-width input, stop words, synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.reference.dictionary import DOMAIN_DICT, build_domain_words
from indexer.analyzer import Analyzer


def test_domain_terms_stay_whole() -> None:
    tokens = Analyzer().tokens("面向工业互联网的机器视觉缺陷检测与数字孪生平台，采用PLC控制")
    for term in ("工业互联网", "机器视觉", "缺陷检测", "数字孪生", "plc"):
        assert term in tokens
    assert "的" not in tokens and "与" not in tokens


def test_traditional_and_full_width_input_is_normalized() -> None:
    analyzer = Analyzer()
    assert analyzer.tokens("機器視覺檢測") == analyzer.tokens("机器视觉检测")
    assert "plc" in analyzer.tokens("ＰＬＣ編程")
    assert "康复医疗" in analyzer.tokens("康復醫療產業學院")


def test_synonyms_expand_queries_both_ways() -> None:
    analyzer = Analyzer()
    assert "人工智能" in analyzer.query_tokens("AI赋能制造")
    assert "ai" in analyzer.query_tokens("人工智能")
    assert {"物联网", "iot"} <= set(analyzer.query_tokens("IoT网关"))
    assert "数据分析" in analyzer.query_tokens("大数据平台")


def test_jieba_cache_lives_in_the_instance_folder(tmp_path: Path) -> None:
    analyzer = Analyzer().warm()
    assert analyzer.tokens("区块链")
    assert (tmp_path / "instance" / "cache" / "jieba.cache").exists()


def test_shipped_dictionary_matches_its_generator() -> None:
    assert DOMAIN_DICT.read_text(encoding="utf-8").split() == build_domain_words()


@pytest.mark.parametrize("text,tokens,absent", [
    ("machine learning", ["machine", "learning"], ["ar", "le"]),
    ("HPLC法测定芍药苷", ["hplc"], ["plc"]),
    ("Brain computer interface", ["brain", "computer", "interface"], ["ai"]),
    ("美拉德反应Maillard", ["maillard"], ["ai", "ar"]),
    ("PLC编程与CNC加工", ["plc", "编程", "cnc", "加工"], []),
    ("c++开发 node.js", ["c++", "node.js"], []),
])
def test_latin_words_and_acronyms_stay_whole(text: str, tokens: list[str], absent: list[str]) -> None:
    found = Analyzer().tokens(text)
    assert all(t in found for t in tokens) and not any(t in found for t in absent), found


def test_query_weights_count_typed_words_fully() -> None:
    from indexer.analyzer import PART_WEIGHT, SYNONYM_WEIGHT, get_analyzer

    weights = get_analyzer().query_weights("人工智能")
    assert weights["人工智能"] == 1.0
    assert weights["人工"] == weights["智能"] == PART_WEIGHT  # dictionary words inside the typed one
    assert weights["ai"] == SYNONYM_WEIGHT  # a synonym of a typed word
    typed = get_analyzer().query_weights("AI 人工智能")
    assert typed["ai"] == typed["人工智能"] == 1.0  # a synonym the user typed counts as typed
    assert list(get_analyzer().query_weights("机器视觉")) == ["机器", "视觉", "机器视觉", "视觉检测", "图像识别"]
