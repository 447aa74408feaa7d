"""The optional ``transformer`` engine: a local ONNX model with a Hugging Face ``tokenizers`` tokenizer.

A model directory holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, optionally
``token_type_ids``; first output: one score per label and text), ``tokenizer.json`` and ``labels.json``,
and optionally ``calibration.json`` (per-language thresholds, the shape of the ``calibration_file``
option). Texts are tokenized in batches, padded with an attention mask, scored on the CPU (or CUDA with
onnxruntime-gpu), turned into probabilities with a sigmoid, mapped onto Plutchik's primaries, and then
calibrated and assembled exactly like the default engine's results, with one evidence cue of kind
``model``.

``labels.json`` is either a list naming each output column's Plutchik primary, or an object::

    {"labels": ["anger", "annoyance", ...], "to_plutchik": {"annoyance": "anger", "love": ["joy", "trust"],
     "neutral": null}, "outputs": "logits"}

where ``to_plutchik`` maps column names that are not primaries (null drops a column), a primary takes the
highest probability of its columns, and ``outputs`` says whether the model gives ``logits`` (the default;
a sigmoid is applied) or ``probabilities``. Needs the ``transformer`` extra (onnxruntime, tokenizers,
numpy); they are imported only when this engine is chosen.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pipeline.domain.emotion.affect import arousal_of, valence_of
from pipeline.domain.emotion.assembly import assemble
from pipeline.domain.emotion.calibration import Calibration, CalibrationTable, LanguageCalibration
from pipeline.domain.emotion.engine import EmotionRequest, check_options
from pipeline.domain.emotion.fast_models import cue
from pipeline.domain.emotion.language import SUPPORTED_LANGUAGES, resolve_language
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.event import SelectedEmotion, Voice
from pipeline.domain.labels import EmotionResult, EngineInfo
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion

ENGINE_NAME: Final = "transformer"
ENGINE_VERSION: Final = "1.0.0"
OPTIONS: Final = (
    "model_path",
    "device",
    "batch_size",
    "max_length",
    "languages",
    "threads",
    "calibration_file",
)
MODEL_FILES: Final = ("model.onnx", "tokenizer.json", "labels.json")
DEFAULT_BATCH_SIZE: Final = 32
DEFAULT_MAX_LENGTH: Final = 256
# Label probabilities at or above this are listed in the model cue, so the evidence stays readable.
CUE_MIN_PROBABILITY: Final = 0.05
_SETTING: Final = "emotion.engine"


@dataclass(frozen=True, slots=True)
class LabelMap:
    """How the model's output columns become Plutchik primaries."""

    # Per primary (PRIMARY_EMOTIONS order), the output columns whose highest probability it takes.
    columns: tuple[tuple[int, ...], ...]
    width: int
    logits: bool


def _primary(name: object, where: str) -> Emotion:
    if name not in PRIMARY_EMOTIONS:
        raise ConfigurationError(f"{_SETTING}.model_path", f"{where}: {name!r} is not a Plutchik primary")
    return name


def parse_labels(document: object, where: str = "labels.json") -> LabelMap:
    """A LabelMap from labels.json's content; ConfigurationError naming the problem when it is malformed."""
    mapping: Mapping[str, object] = {}
    outputs = "logits"
    if isinstance(document, list):
        names = document
    elif isinstance(document, dict) and isinstance(document.get("labels"), list):
        names = document["labels"]
        mapping = document.get("to_plutchik") or {}
        outputs = document.get("outputs", "logits")
        if not isinstance(mapping, dict):
            raise ConfigurationError(f"{_SETTING}.model_path", f"{where}: 'to_plutchik' must be an object")
        if outputs not in ("logits", "probabilities"):
            raise ConfigurationError(
                f"{_SETTING}.model_path", f"{where}: 'outputs' must be 'logits' or 'probabilities'"
            )
    else:
        raise ConfigurationError(
            f"{_SETTING}.model_path", f"{where}: expected a list of labels or an object with 'labels'"
        )
    if not names or not all(isinstance(name, str) for name in names):
        raise ConfigurationError(f"{_SETTING}.model_path", f"{where}: 'labels' must be non-empty strings")
    unknown = sorted(set(mapping) - set(names))
    if unknown:
        raise ConfigurationError(f"{_SETTING}.model_path", f"{where}: 'to_plutchik' names no label {unknown}")
    columns: dict[Emotion, list[int]] = {emotion: [] for emotion in PRIMARY_EMOTIONS}
    for index, name in enumerate(names):
        target = mapping.get(name, name)
        if target is None:
            continue
        for emotion in target if isinstance(target, list) else [target]:
            columns[_primary(emotion, f"{where}: label {name!r}")].append(index)
    if not any(columns.values()):
        raise ConfigurationError(f"{_SETTING}.model_path", f"{where}: no label maps to a Plutchik primary")
    return LabelMap(
        columns=tuple(tuple(columns[emotion]) for emotion in PRIMARY_EMOTIONS),
        width=len(names),
        logits=outputs == "logits",
    )


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ConfigurationError(
            _SETTING,
            f"engine {ENGINE_NAME!r} needs the 'transformer' extra "
            f"(pip install 'emotion-pipeline[transformer]'): {error}",
        ) from error


def _positive_int(options: Mapping[str, str], name: str, default: int) -> int:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigurationError(f"{_SETTING}.{name}", f"expected a positive integer, got {raw!r}")
    return value


def _model_files(options: Mapping[str, str]) -> Path:
    raw = options.get("model_path")
    if not raw:
        raise ConfigurationError(f"{_SETTING}.model_path", "the transformer engine needs a model directory")
    folder = Path(raw)
    if not folder.is_dir():
        raise ConfigurationError(f"{_SETTING}.model_path", f"{folder} is not a directory")
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigurationError(f"{_SETTING}.model_path", f"{folder} lacks {', '.join(missing)}")
    return folder


def _read_json(path: Path, setting: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigurationError(setting, f"cannot read {path}: {error}") from error


def _calibration(folder: Path, options: Mapping[str, str]) -> Calibration:
    """Neutral thresholds (0.5), then the model's own calibration.json, then the calibration_file option.

    The default engine's shipped thresholds belong to its own scores, so none of them apply here.
    """
    calibration = Calibration(languages={language: LanguageCalibration() for language in SUPPORTED_LANGUAGES})
    sources = [(folder / "calibration.json", f"{_SETTING}.model_path")]
    if "calibration_file" in options:
        sources.append((Path(options["calibration_file"]), f"{_SETTING}.calibration_file"))
    for path, setting in sources:
        if setting.endswith("model_path") and not path.is_file():
            continue  # a model without its own calibration keeps the neutral thresholds
        overrides = _read_json(path, setting)
        if not isinstance(overrides, dict):
            raise ConfigurationError(setting, f"{path} must hold a JSON object")
        calibration = Calibration.with_overrides(overrides, base=calibration.languages)
    return calibration


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in (*MODEL_FILES, "calibration.json"):
        path = folder / name
        if path.is_file():
            digest.update(name.encode("utf-8") + b"\0")
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:10]


class OnnxEngine:
    """A transformer emotion model run by onnxruntime, batched; results calibrated and assembled as usual."""

    def __init__(self, folder: Path, options: Mapping[str, str]) -> None:
        self._numpy = _import("numpy")
        onnxruntime = _import("onnxruntime")
        tokenizers = _import("tokenizers")
        self.labels = parse_labels(_read_json(folder / "labels.json", f"{_SETTING}.model_path"))
        self.batch_size = _positive_int(options, "batch_size", DEFAULT_BATCH_SIZE)
        self.languages = self._languages(options.get("languages"))
        self.calibration = _calibration(folder, options)
        self._tables = self.calibration.tables()
        self._neutral_table = CalibrationTable.of(LanguageCalibration())
        self._model_name = folder.name or str(folder)
        self.info = EngineInfo(name=ENGINE_NAME, version=f"{ENGINE_VERSION}+model.{_digest(folder)}")

        try:
            self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as error:  # the library raises its own exception types for a bad file
            raise ConfigurationError(
                f"{_SETTING}.model_path", f"cannot load tokenizer.json: {error}"
            ) from error
        if "max_length" in options or self._tokenizer.truncation is None:
            self._tokenizer.enable_truncation(_positive_int(options, "max_length", DEFAULT_MAX_LENGTH))
        self._tokenizer.no_padding()  # padding is done here, per batch, to the batch's longest text

        session_options = onnxruntime.SessionOptions()
        if "threads" in options:
            session_options.intra_op_num_threads = _positive_int(options, "threads", 1)
        providers = self._providers(onnxruntime, options)
        try:
            self._session = onnxruntime.InferenceSession(
                str(folder / "model.onnx"), sess_options=session_options, providers=providers
            )
        except Exception as error:  # onnxruntime raises its own exception types for a bad model
            raise ConfigurationError(f"{_SETTING}.model_path", f"cannot load model.onnx: {error}") from error
        self._inputs = {item.name for item in self._session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self._inputs:
            raise ConfigurationError(
                f"{_SETTING}.model_path",
                f"model.onnx must take input_ids and attention_mask (it takes {sorted(self._inputs)})",
            )

    @staticmethod
    def _languages(raw: str | None) -> frozenset[str]:
        if raw is None:
            return SUPPORTED_LANGUAGES
        languages = frozenset(part.strip() for part in raw.split(",") if part.strip())
        if not languages:
            raise ConfigurationError(f"{_SETTING}.languages", "name at least one language, e.g. 'en,zh-Hans'")
        return languages

    @staticmethod
    def _providers(onnxruntime: Any, options: Mapping[str, str]) -> list[str]:
        device = options.get("device", "cpu").lower()
        if device == "cpu":
            return ["CPUExecutionProvider"]
        if device == "cuda":
            if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
                raise ConfigurationError(
                    f"{_SETTING}.device",
                    "device 'cuda' needs onnxruntime-gpu with a usable CUDA "
                    f"(available providers: {', '.join(onnxruntime.get_available_providers())})",
                )
            return ["CUDAExecutionProvider", "CPUExecutionProvider"]
        raise ConfigurationError(f"{_SETTING}.device", f"expected 'cpu' or 'cuda', got {device!r}")

    @property
    def providers(self) -> list[str]:
        """The onnxruntime execution providers the session runs on, fastest first."""
        providers: list[str] = self._session.get_providers()
        return providers

    def analyze(
        self,
        text: str | None,
        language: str | None = None,
        *,
        selected: Sequence[SelectedEmotion] = (),
        voice: Voice | None = None,
    ) -> EmotionResult:
        """One event's emotion (a batch of one)."""
        return self.analyze_many([EmotionRequest(text, language, selected, voice)])[0]

    def analyze_many(self, requests: Sequence[EmotionRequest]) -> list[EmotionResult]:
        """Many events; texts the model reads run in batches of similar length, results in request order."""
        languages = [resolve_language(request.text, request.language) for request in requests]
        to_score = [
            index
            for index, request in enumerate(requests)
            if request.text
            and not request.text.isspace()
            and (languages[index] is None or languages[index] in self.languages)
        ]
        text_scores: dict[int, TextScores] = {}
        # Similar lengths share a batch, so little of each batch is padding.
        to_score.sort(key=lambda index: len(requests[index].text or ""))
        for first in range(0, len(to_score), self.batch_size):
            batch = to_score[first : first + self.batch_size]
            texts = [requests[index].text or "" for index in batch]
            for index, scores in zip(batch, self._score(texts, [languages[i] for i in batch]), strict=True):
                text_scores[index] = scores
        results = []
        for index, request in enumerate(requests):
            language = languages[index]
            supported = index in text_scores or not request.text or request.text.isspace()
            results.append(
                assemble(
                    text_scores.get(index),
                    language=language,
                    language_supported=supported,
                    calibration=self._tables.get(language or "en", self._neutral_table),
                    engine=self.info,
                    selected=request.selected,
                    voice=request.voice,
                )
            )
        return results

    def _score(self, texts: list[str], languages: list[str | None]) -> list[TextScores]:
        numpy = self._numpy
        encodings = self._tokenizer.encode_batch(texts)
        longest = max(len(encoding.ids) for encoding in encodings)
        input_ids = numpy.zeros((len(texts), longest), dtype=numpy.int64)
        attention_mask = numpy.zeros((len(texts), longest), dtype=numpy.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = numpy.zeros_like(input_ids)
        outputs = numpy.asarray(self._session.run(None, feeds)[0], dtype=numpy.float64)
        if outputs.ndim != 2 or outputs.shape != (len(texts), self.labels.width):
            raise ConfigurationError(
                f"{_SETTING}.model_path",
                f"model.onnx gives outputs of shape {outputs.shape}; "
                f"labels.json names {self.labels.width} labels",
            )
        if self.labels.logits:
            probabilities = 1.0 / (1.0 + numpy.exp(-outputs))
        else:
            probabilities = numpy.clip(outputs, 0.0, 1.0)
        return [
            self._text_scores(row.tolist(), encoding, language)
            for row, encoding, language in zip(probabilities, encodings, languages, strict=True)
        ]

    def _text_scores(self, row: list[float], encoding: Any, language: str | None) -> TextScores:
        raw: dict[Emotion, float] = {
            emotion: max(row[column] for column in columns) if columns else 0.0
            for emotion, columns in zip(PRIMARY_EMOTIONS, self.labels.columns, strict=True)
        }
        # Valence and arousal from the evidence past half of each threshold, as the default engine does,
        # so weak background probabilities move them little.
        table = self._tables.get(language or "en", self._neutral_table)
        excess = {
            emotion: max(0.0, (raw[emotion] - threshold / 2) / (1.0 - threshold / 2))
            for emotion, threshold in zip(PRIMARY_EMOTIONS, table.thresholds, strict=True)
        }
        read_up_to = max((end for _, end in encoding.offsets), default=0)
        shown = {emotion: round(value, 4) for emotion, value in raw.items() if value >= CUE_MIN_PROBABILITY}
        truncated = " (truncated)" if encoding.overflowing else ""
        model_cue = cue(
            "model", self._model_name, (0, read_up_to), shown, f"{len(encoding.ids)} tokens{truncated}"
        )
        return TextScores(raw=raw, valence=valence_of(excess), arousal=arousal_of(excess), cues=(model_cue,))


def build_onnx_engine(options: Mapping[str, str]) -> OnnxEngine:
    """The transformer engine; options ``model_path`` (required), ``device`` (cpu|cuda), ``batch_size``,
    ``max_length``, ``languages`` (comma-separated), ``threads`` and ``calibration_file``."""
    check_options(ENGINE_NAME, options, OPTIONS)
    return OnnxEngine(_model_files(options), options)
