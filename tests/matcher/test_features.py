from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from indexer.search import Hit
from matcher import features as fx
from matcher.scoring import (
    Weights,
    blend,
    lexical_strength,
    likeness_strength,
    semantic_strength,
    strengths,
    structured_mean,
    text_score,
    with_neighbours,
)


def test_field_and_overlap() -> None:
    assert fx.field_agreement(["智能制造"], ["智能制造", "机械工程"]) == 1.0
    assert fx.field_agreement(["智能制造"], ["食品工程"]) == 0.0
    assert fx.field_agreement([], ["食品工程"]) is None
    assert fx.overlap(["PLC编程", "机器视觉", "焊接"], ["plc编程", "机器视觉检测"]) == pytest.approx(2 / 3)
    assert fx.overlap(["PLC"], []) is None


@pytest.mark.parametrize(
    "a,b,expected",
    [("440106", "440104", 1.0), ("440100", "440300", 0.7), ("440300", "810000", 0.5),
     ("500103", "510100", 0.5), ("440100", "371400", 0.1), (None, "440100", None)],
    ids=["same-city", "same-province", "gba", "chengyu", "elsewhere", "unknown"],
)
def test_region_proximity(a: str | None, b: str | None, expected: float | None) -> None:
    assert fx.region_proximity(a, b) == expected


def test_level_period_capacity_deadline() -> None:
    assert fx.level_fit(1, 2) == 1.0 and fx.level_fit(2, 1) == 0.3 and fx.level_fit(3, 0) == 0.0
    d = dt.date
    assert fx.period_fit(d(2026, 7, 1), d(2026, 7, 10), d(2026, 7, 6), d(2026, 9, 1)) == pytest.approx(0.5)
    assert fx.period_fit(d(2026, 7, 1), d(2026, 7, 10), d(2026, 8, 1), d(2026, 9, 1)) == 0.0
    assert fx.capacity_left(5, 5) == 0.0 and fx.capacity_left(4, 1) == 0.75
    assert fx.deadline_open(d(2026, 1, 1), d(2026, 1, 2)) is False and fx.deadline_open(None, d(2026, 1, 2))


def test_recency_completeness_load() -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    assert fx.recency(now - dt.timedelta(days=365), now) == pytest.approx(0.5)
    assert fx.completeness(3, 4) == 0.75
    assert fx.load_penalty(2, 3) == 1.0 and fx.load_penalty(3, 3) == 0.5 and fx.load_penalty(4, 3) == 0.25
    assert fx.bigram_similarity("设备运维", "工业机器人设备运维实习生") == 1.0


def test_scores_are_absolute_and_bounded() -> None:
    assert lexical_strength(3.0, 6.0) == 0.5 and lexical_strength(9.0, 6.0) == 1.0 and lexical_strength(1.0, 0) == 0
    assert semantic_strength(None, "e5") is None
    assert semantic_strength(0.0, "e5") == 0.0 and semantic_strength(1.0, "e5") == 1.0
    assert semantic_strength(0.88, "e5") == pytest.approx(0.5)
    assert text_score(0.4, None) == pytest.approx(0.4)
    # no applicable feature: the text score stands; a mismatched field pulls it down
    assert blend(0.6, structured_mean([(None, 1.0)])) == 0.6
    assert blend(0.6, structured_mean([(1.0, 1.0)])) > 0.6 > blend(0.6, structured_mean([(0.0, 1.0)]))


def test_keyword_queries_lean_on_exact_words_and_neighbours_blend_in() -> None:
    body = Weights(lexical=0.5, semantic=0.5, title_lexical=0.0, title_semantic=0.0, phrase=0.7, keyword_semantic=0.4)

    def hit(bm25: float, cosine: float | None, title_bm25: float = 0.0, title_cosine: float | None = None) -> Hit:
        return Hit(1, bm25, cosine, title_lexical=title_bm25, title_semantic=title_cosine)

    def fused(h: Hit, phrase: float | None = None, weights: Weights = body) -> tuple[float, float | None, float]:
        found = strengths(h, 6.0, 4.0, "e5", phrase, weights)
        return found.lexical, found.semantic, found.text

    # BM25 3 of ceiling 6 → 0.5; cosine 0.88 → 0.5 on e5's scale
    assert fused(hit(3.0, 0.88)) == pytest.approx((0.5, 0.5, 0.5))
    # a keyword query with every keyword whole: lexical 0.3·0.5 + 0.7·1 = 0.85, text 0.4·0.5 + 0.6·0.85
    assert fused(hit(3.0, 0.88), phrase=1.0) == pytest.approx((0.85, 0.5, 0.71))
    assert fused(hit(3.0, None), phrase=0.0) == pytest.approx((0.15, None, 0.15))
    # the title counts beside the body: title BM25 2 of 4 → 0.5, title cosine 0.97 → 1 on its own scale
    titled = replace(body, title_lexical=0.5, title_semantic=1.0)
    assert fused(hit(3.0, 0.88, 2.0, 0.97), weights=titled)[2] == pytest.approx((0.25 + 0.25 + 0.25 + 1.0) / 2.5)
    assert fused(hit(3.0, 0.88, 0.0, None), weights=titled)[2] == pytest.approx(0.5 / 1.5)  # no title vector
    # with the neighbourhood's topic at 0.15 and the likeness to the best match's wording at 0.5
    # beside the text score, the score stays on the 0–1 scale
    nb = {"weight": 0.15, "likeness_weight": 0.5}
    assert with_neighbours(0.5, 1.0, **nb) == pytest.approx(0.65 / 1.15)
    assert with_neighbours(0.5, 0.0, **nb) == pytest.approx(0.5 / 1.15)
    assert with_neighbours(0.5, None, **nb) == 0.5  # no neighbourhood: the text score stands
    assert with_neighbours(0.5, None, 1.0, **nb) == pytest.approx(1.0 / 1.5)  # vector pending: wording only
    assert with_neighbours(0.5, 1.0, 0.0, **nb) == pytest.approx(0.65 / 1.65)
    assert with_neighbours(1.0, 1.0, 1.0, **nb) == 1.0
    # a tf-idf cosine of 0.5 (near-duplicate wording) is full likeness; 0.1 a fifth of it
    assert likeness_strength(0.1) == pytest.approx(0.2)
    assert likeness_strength(0.5) == likeness_strength(0.8) == 1.0


def test_keyword_queries_and_their_verbatim_coverage() -> None:
    from matcher.features import keywords_found, query_segments

    assert query_segments("机器视觉 缺陷检测") == ["机器视觉", "缺陷检测"]
    assert query_segments("PLC、电气控制；ＰＬＣ") == ["plc", "电气控制"]  # full width folded, repeats dropped
    assert query_segments("基于过载信息的侵深确定方法数值研究") == []  # one title: not a keyword list
    assert query_segments("需要对冲压零件表面划痕进行机器视觉在线检测，节拍小于1秒") == []  # clauses, not keywords
    assert query_segments("仿真 x 滤波") == ["仿真", "滤波"]  # one-character segments do not count
    segments = query_segments("乙型 肝炎病毒 疫苗接种")
    assert keywords_found(segments, "乙型肝炎病毒表面抗原与疫苗 接种率") == segments  # 「疫苗 接种」 across a space
    assert keywords_found(segments, "肝炎 病毒的流行") == ["肝炎病毒"]
    assert keywords_found(segments, "乙肝病毒携带率") == []  # words shared, no phrase whole
    assert keywords_found([], "任何文本") == []
