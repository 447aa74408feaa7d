"""The Chinese complaint reading: what it reads, and what the scorer does with it both ways.

The texts below are written here and are in none of its training rows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pipeline.domain.emotion.chinese import ASKING_MODEL_SHARE, score_chinese
from pipeline.domain.emotion.chinese_complaints import chinese_complaint_model
from pipeline.domain.emotion.chinese_polarity import polarity_model
from pipeline.domain.emotion.chinese_script import code_points, simplified_points
from pipeline.domain.emotion.engine import EmotionEngine, load_engine
from pipeline.domain.experience import judge_experience
from pipeline.evaluation.datasets import iter_rows
from pipeline.evaluation.splits import CHINESE_COMPLAINT_HOLDOUT_ROUNDS, complaint_training_row, tuning_half


@pytest.fixture(scope="module")
def engine() -> EmotionEngine:
    return load_engine()


def _learned(text: str) -> list[str]:
    return [
        cue.note or ""
        for cue in score_chinese(text).cues
        if cue.kind == "model" and (cue.note or "").startswith("learned complaint reading")
    ]


def test_the_reading_is_the_trained_sum_over_characters_and_pairs() -> None:
    # Read as the polarity model reads its own weights: the bias, each character, each neighbouring pair.
    model = chinese_complaint_model()
    text = "还没到"
    ngrams = ("还", "没", "到", "还没", "没到")
    total = model.ngrams.bias + sum(model.ngrams.weight(ngram) for ngram in ngrams)
    assert model.probability(code_points(text)) == pytest.approx(1.0 / (1.0 + math.exp(-total)))


def test_the_shipped_model_has_both_thresholds() -> None:
    model = chinese_complaint_model()
    assert 0.0 < model.quiet < 0.5 < model.threshold < 1.0
    assert len(model.ngrams.unigrams) > 300


@pytest.mark.parametrize(
    "text",
    [
        "买的台灯寄到的时候灯罩是碎的",
        "网上显示有房，到了酒店说已经满了",
        "冰箱送来第二天就不制冷了",
    ],
)
def test_complaints_without_a_feeling_word_read_bad_and_show_why(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "zh")
    assert judge_experience(result, text=text).experience == "bad"
    [learned] = [cue for cue in result.evidence if (cue.note or "").startswith("learned complaint reading")]
    assert learned.start is not None
    assert learned.end is not None
    assert text[learned.start : learned.end] == learned.text
    assert len(learned.text) == 2  # a character pair, not a lone character


def test_traditional_text_is_read_and_its_offsets_are_the_originals() -> None:
    text = "網上顯示有房，到了酒店說已經滿了"
    result = score_chinese(text)
    [learned] = [cue for cue in result.cues if (cue.note or "").startswith("learned complaint reading")]
    assert learned.start is not None
    assert learned.end is not None
    assert text[learned.start : learned.end] == learned.text


@pytest.mark.parametrize(
    "text",
    [
        "我想把套餐改成每月五十的那个",
        "明天下午三点我来取车",
        "请帮我确认一下订单地址",
        "我们下周搬家，宽带要移机",
    ],
)
def test_requests_and_plain_statements_are_not_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "zh")
    assert judge_experience(result, text=text).experience != "bad"
    assert not _learned(text)


def test_a_statement_the_reading_takes_for_no_complaint_keeps_part_of_the_negative_lean() -> None:
    # The review-trained polarity model leans negative on a moving notice; the reading says it is none.
    text = "我们下周搬家，宽带要移机"
    _, points = simplified_points(text)
    assert chinese_complaint_model().probability(points) <= chinese_complaint_model().quiet
    leaning = polarity_model().probability_of(points)
    assert leaning > 0.8
    [prior] = [cue for cue in score_chinese(text).cues if (cue.note or "").startswith("character n-gram")]
    assert prior.note is not None
    assert float(prior.note.rsplit("=", 1)[1]) == round(0.5 + (leaning - 0.5) * ASKING_MODEL_SHARE, 2)


def test_the_reading_adds_nothing_where_the_words_carry_a_feeling() -> None:
    assert not _learned("太气人了，快递三天还没到")


def test_the_chinese_holdouts_stay_out_of_training() -> None:
    for held_out in CHINESE_COMPLAINT_HOLDOUT_ROUNDS:
        assert not complaint_training_row("cs_zh_mishaps", {"round": held_out})
    assert complaint_training_row("cs_zh_mishaps", {"round": 2})
    assert complaint_training_row("cs_zh_sincere", {"id": "x"})
    # The polarity set trains on its tuning half only: the other half is never read by a rule or a model.
    polarity = list(iter_rows(Path(__file__).resolve().parents[2] / "data" / "cs_zh_polarity.jsonl"))
    trained = [row for row in polarity if complaint_training_row("cs_zh_polarity", row)]
    assert all(tuning_half(row["id"]) for row in trained)
    assert 0.4 < len(trained) / len(polarity) < 0.6


# Engine 1.11.0: courtesy formulas beside a stated complaint carry no feeling.
@pytest.mark.parametrize(
    "text",
    [
        "你好，昨天下午预约的燃气维修师傅没有来，也没有电话通知。能否重新安排一个时间？谢谢",
        "您好，收到的台灯灯罩上有一道裂缝，麻烦看一下，辛苦了",
    ],
)
def test_a_complaint_told_politely_is_still_bad(engine: EmotionEngine, text: str) -> None:
    result = engine.analyze(text, "zh")
    assert judge_experience(result, text=text).experience == "bad"
    [courtesy] = [cue for cue in result.evidence if cue.text in {"谢谢", "辛苦了"}]
    assert courtesy.emotions == {}
    assert courtesy.note == "courtesy beside a stated complaint carries no feeling"


@pytest.mark.parametrize(
    "text",
    [
        "你好，屏幕碎了在保修范围内吗？谢谢",  # the trouble is asked about, not stated
        "快递晚了两天，但是客服处理得很好，谢谢",  # the complaint ends before a contrast
        "请问什么时候发货？谢谢",  # no complaint at all
    ],
)
def test_thanks_keep_their_feeling_without_a_stated_complaint_in_their_reach(
    engine: EmotionEngine, text: str
) -> None:
    result = engine.analyze(text, "zh")
    thanks = [cue for cue in result.evidence if cue.text in {"谢谢", "感谢"}]
    assert thanks
    assert all(cue.emotions.get("trust", 0.0) > 0.0 for cue in thanks)
