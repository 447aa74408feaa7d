"""The transformer engine on a tiny ONNX model built here: embedding lookup, masked mean pool, linear layer.

The model's logit for each label is the mean over the text's tokens of that token's row, so every expected
score can be computed by hand from the embedding table below.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from pipeline.domain.emotion.engine import EmotionRequest, load_engine
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import SelectedEmotion
from pipeline.domain.plutchik import PRIMARY_EMOTIONS

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
tokenizers = pytest.importorskip("tokenizers")
numpy = pytest.importorskip("numpy")

VOCABULARY = ["[PAD]", "[UNK]", "happy", "angry", "scared", "thanks", "the", "order", "late"]
DIMENSION = 8
STRONG = 4.0
QUIET = -4.0
# Each word's row is its logit contribution per output column (PRIMARY_EMOTIONS order): a word pushes its
# own emotion up; neutral words push everything down, so averaging over more of them lowers every score.
WORD_EMOTION = {"happy": "joy", "angry": "anger", "scared": "fear", "thanks": "trust"}


def _embedding() -> Any:
    table = numpy.full((len(VOCABULARY), DIMENSION), QUIET, dtype=numpy.float32)
    for word, emotion in WORD_EMOTION.items():
        table[VOCABULARY.index(word), PRIMARY_EMOTIONS.index(emotion)] = STRONG
    table[0] = 1000.0  # padding: any leak through the attention mask would swamp every score
    return table


def _expected_logits(words: list[str]) -> list[float]:
    table = _embedding()
    rows = [table[VOCABULARY.index(word) if word in VOCABULARY else 1] for word in words]
    return [float(sum(row[column] for row in rows) / len(rows)) for column in range(DIMENSION)]


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _tiny_model(path: Path, *, with_sigmoid: bool = False) -> None:
    helper, tensor = onnx.helper, onnx.TensorProto
    identity = numpy.eye(DIMENSION, dtype=numpy.float32)
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=tensor.FLOAT),
        helper.make_node("Unsqueeze", ["mask", "axis_two"], ["mask3"]),
        helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_one"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "axis_one"], ["counted"], keepdims=0),
        helper.make_node("Div", ["summed", "counted"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "weight"], ["projected"]),
        helper.make_node("Add", ["projected", "bias"], ["logits" if not with_sigmoid else "raw"]),
    ]
    if with_sigmoid:
        nodes.append(helper.make_node("Sigmoid", ["raw"], ["logits"]))
    initializers = [
        onnx.numpy_helper.from_array(_embedding(), "embedding"),
        onnx.numpy_helper.from_array(identity, "weight"),
        onnx.numpy_helper.from_array(numpy.zeros(DIMENSION, dtype=numpy.float32), "bias"),
        onnx.numpy_helper.from_array(numpy.array([1], dtype=numpy.int64), "axis_one"),
        onnx.numpy_helper.from_array(numpy.array([2], dtype=numpy.int64), "axis_two"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-emotion",
        [
            helper.make_tensor_value_info("input_ids", tensor.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", tensor.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("logits", tensor.FLOAT, ["batch", DIMENSION])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _tiny_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    vocabulary = {word: index for index, word in enumerate(VOCABULARY)}
    tokenizer = Tokenizer(WordLevel(vocabulary, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(path))


def _model_dir(folder: Path, labels: object = None, *, with_sigmoid: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _tiny_model(folder / "model.onnx", with_sigmoid=with_sigmoid)
    _tiny_tokenizer(folder / "tokenizer.json")
    document = list(PRIMARY_EMOTIONS) if labels is None else labels
    (folder / "labels.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _model_dir(tmp_path_factory.mktemp("tiny") / "tiny-emotion")


def test_single_text_scores_are_the_sigmoid_of_the_pooled_logits(model_dir: Path) -> None:
    engine = load_engine("transformer", {"model_path": str(model_dir)})
    result = engine.analyze("angry angry the", "en")
    expected = [_sigmoid(value) for value in _expected_logits(["angry", "angry", "the"])]
    for emotion, probability in zip(PRIMARY_EMOTIONS, expected, strict=True):
        assert result.scores.get(emotion) == pytest.approx(probability, abs=1e-4)
    assert result.present == ["anger"]  # neutral thresholds: 0.5
    assert result.dominant == "anger"
    assert result.valence < 0.0
    assert engine.info.name == "transformer"
    assert engine.info.version.startswith("1.0.0+model.")
    [model_cue] = result.evidence
    assert model_cue.kind == "model"
    assert model_cue.text == "tiny-emotion"
    assert (model_cue.start, model_cue.end) == (0, len("angry angry the"))
    assert model_cue.note == "3 tokens"


def test_batches_keep_request_order_and_padding_changes_nothing(model_dir: Path) -> None:
    engine = load_engine("transformer", {"model_path": str(model_dir), "batch_size": "2"})
    texts = [
        "happy",
        "angry angry angry angry the order late",
        "thanks",
        "scared scared the",
        "the",
        "happy thanks happy",
    ]
    batched = engine.analyze_many([EmotionRequest(text, "en") for text in texts])
    one_by_one = [engine.analyze(text, "en") for text in texts]
    for alone, together in zip(one_by_one, batched, strict=True):
        assert together.scores.model_dump() == pytest.approx(alone.scores.model_dump(), abs=2e-4)
    assert [result.dominant for result in batched] == ["joy", "anger", "trust", "fear", None, "joy"]
    for text, result in zip(texts, batched, strict=True):
        expected = [_sigmoid(value) for value in _expected_logits(text.split())]
        scores = [result.scores.get(emotion) for emotion in PRIMARY_EMOTIONS]
        assert scores == pytest.approx(expected, abs=1e-4)


def test_requests_without_text_or_in_other_languages_skip_the_model(model_dir: Path) -> None:
    engine = load_engine("transformer", {"model_path": str(model_dir), "languages": "en"})
    results = engine.analyze_many(
        [
            EmotionRequest(None, selected=[SelectedEmotion(emotion="sadness", intensity=0.8)]),
            EmotionRequest("angry", "zh-Hans"),
            EmotionRequest("   ", "en"),
            EmotionRequest("happy", "en"),
        ]
    )
    assert results[0].present == ["sadness"]
    assert [cue.kind for cue in results[0].evidence] == ["selected"]
    assert not results[1].language_supported
    assert results[1].present == []
    assert results[2].language_supported
    assert results[2].evidence == []
    assert results[3].dominant == "joy"


def test_calibration_from_the_model_folder_and_from_an_option(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path / "calibrated")
    # "happy the the the" gives joy sigmoid((4 - 12) / 4) = 0.12: absent at 0.5, present at 0.1.
    (folder / "calibration.json").write_text(json.dumps({"en": {"thresholds": {"joy": 0.1}}}))
    engine = load_engine("transformer", {"model_path": str(folder)})
    assert engine.analyze("happy the the the", "en").present == ["joy"]
    override = tmp_path / "stricter.json"
    override.write_text(json.dumps({"en": {"thresholds": {"joy": 0.2}}}))
    stricter = load_engine("transformer", {"model_path": str(folder), "calibration_file": str(override)})
    assert stricter.analyze("happy the the the", "en").present == []


def test_labels_map_model_columns_onto_primaries(tmp_path: Path) -> None:
    # Columns in the model's own order and names; "calm" is dropped, "love" feeds joy and trust.
    labels = {
        "labels": ["love", "rage", "dread", "wow", "grief", "yuck", "annoyance", "calm"],
        "to_plutchik": {
            "love": ["joy", "trust"],
            "rage": "anger",
            "dread": "fear",
            "wow": "surprise",
            "grief": "sadness",
            "yuck": "disgust",
            "annoyance": "anger",
            "calm": None,
        },
    }
    engine = load_engine("transformer", {"model_path": str(_model_dir(tmp_path / "mapped", labels))})
    # Column 0 ("love", the model's joy column) is high for "happy"; so joy and trust both read it.
    result = engine.analyze("happy", "en")
    assert result.scores.joy == result.scores.trust == pytest.approx(_sigmoid(STRONG), abs=1e-4)
    # Column 1 ("rage") is the tiny model's trust column, high for "thanks": here it feeds anger.
    assert engine.analyze("thanks", "en").dominant == "anger"
    assert result.scores.anticipation == 0.0  # no column maps to it


def test_a_model_that_outputs_probabilities(tmp_path: Path) -> None:
    labels = {"labels": list(PRIMARY_EMOTIONS), "outputs": "probabilities"}
    folder = _model_dir(tmp_path / "probabilities", labels, with_sigmoid=True)
    engine = load_engine("transformer", {"model_path": str(folder)})
    assert engine.analyze("scared", "en").scores.fear == pytest.approx(_sigmoid(STRONG), abs=1e-4)


@pytest.mark.parametrize(
    ("options", "setting", "message"),
    [
        ({"model_path": ""}, "emotion.engine.model_path", "needs a model directory"),
        ({"model_path": "/nonexistent/model"}, "emotion.engine.model_path", "is not a directory"),
        ({"colour": "blue"}, "emotion.engine", "no option(s) colour"),
        ({"device": "tpu"}, "emotion.engine.device", "expected 'cpu' or 'cuda'"),
        ({"batch_size": "0"}, "emotion.engine.batch_size", "positive integer"),
        ({"max_length": "many"}, "emotion.engine.max_length", "positive integer"),
        ({"languages": " , "}, "emotion.engine.languages", "at least one language"),
    ],
)
def test_bad_options_are_configuration_errors(
    model_dir: Path, options: dict[str, str], setting: str, message: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        load_engine("transformer", {"model_path": str(model_dir), **options})
    assert raised.value.setting == setting
    assert message in raised.value.problem


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path / "incomplete")
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ConfigurationError, match=r"lacks tokenizer\.json"):
        load_engine("transformer", {"model_path": str(folder)})


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"labels": ["joy", "boredom"]}, "'boredom' is not a Plutchik primary"),
        ({"labels": ["joy"], "to_plutchik": {"sad": "sadness"}}, "names no label"),
        ({"labels": ["x"], "to_plutchik": {"x": None}}, "no label maps"),
        ({"labels": ["joy"], "outputs": "softmax"}, "'logits' or 'probabilities'"),
        ("joy", "expected a list of labels"),
    ],
)
def test_malformed_labels_are_configuration_errors(tmp_path: Path, labels: object, message: str) -> None:
    folder = _model_dir(tmp_path / "labels", labels)
    with pytest.raises(ConfigurationError, match=message):
        load_engine("transformer", {"model_path": str(folder)})


def test_labels_that_do_not_match_the_model_width_are_refused_on_use(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path / "narrow", ["joy", "anger"])
    engine = load_engine("transformer", {"model_path": str(folder)})
    with pytest.raises(ConfigurationError, match=r"labels\.json names 2 labels"):
        engine.analyze("happy", "en")


def test_cuda_is_refused_clearly_without_onnxruntime_gpu(model_dir: Path) -> None:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        engine = load_engine("transformer", {"model_path": str(model_dir), "device": "cuda"})
        assert engine.providers[0] == "CUDAExecutionProvider"
        assert engine.analyze("angry", "en").dominant == "anger"
        return
    with pytest.raises(ConfigurationError) as raised:
        load_engine("transformer", {"model_path": str(model_dir), "device": "cuda"})
    assert raised.value.setting == "emotion.engine.device"
    assert "onnxruntime-gpu" in raised.value.problem


def test_long_texts_are_truncated_and_say_so(model_dir: Path) -> None:
    engine = load_engine("transformer", {"model_path": str(model_dir), "max_length": "4"})
    text = "angry " * 3 + "happy " * 10
    [model_cue] = engine.analyze(text, "en").evidence
    assert model_cue.note == "4 tokens (truncated)"
    assert model_cue.end == len("angry angry angry happy")
