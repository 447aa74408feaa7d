"""From a text scorer's evidence to an EmotionResult: calibration, fusion with the customer's own choices
and voice hints, dominant emotion and band, dyads, valence and arousal.

Every engine (lexicon or model) ends here, so results mean the same whichever engine produced them.
Values are built here from numbers this module computed, so models are constructed without re-validation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from pipeline.domain.emotion import compiled
from pipeline.domain.emotion.affect import arousal_of, valence_of
from pipeline.domain.emotion.calibration import CalibrationTable, LanguageCalibration
from pipeline.domain.emotion.fast_models import construct, cue
from pipeline.domain.emotion.text_scores import TextScores
from pipeline.domain.event import SelectedEmotion, Voice
from pipeline.domain.labels import Cue, EmotionResult, EmotionScores, EngineInfo
from pipeline.domain.plutchik import PRIMARY_EMOTIONS, Emotion, band_name, dyads_of

# How much the voice channel counts next to text when both speak; text carries the content.
VOICE_SHARE: Final = 0.35
# Voice valence (0..1, 0 negative) below or above these reads as an emotion, never as a strong one.
_VOICE_NEGATIVE: Final = 0.35
_VOICE_POSITIVE: Final = 0.65
_VOICE_MAX_SCORE: Final = 0.6

UNSUPPORTED_NOTE: Final = "unsupported language"


def _round(value: float) -> float:
    return round(value, 4)


def round4_python(values: list[float]) -> list[float]:
    """Each value rounded to four places: the reference for the compiled ``round4``."""
    return [round(value, 4) for value in values]


_NATIVE = compiled.module()
# Rounding the eight scores, valence and arousal of every result one by one cost about 5% of a short text's
# instructions; the compiled helper rounds them in one call, to the same doubles.
_ROUND4: Final[Callable[[list[float]], list[float]] | None] = None if _NATIVE is None else _NATIVE.round4


def _selected_cues(scores: dict[Emotion, float], selected: Sequence[SelectedEmotion]) -> list[Cue]:
    cues: list[Cue] = []
    for choice in selected:
        intensity = float(choice.intensity)
        scores[choice.emotion] = max(scores[choice.emotion], intensity)
        cues.append(
            cue(
                "selected",
                choice.emotion,
                None,
                {choice.emotion: _round(intensity)},
                "selected by the customer",
            )
        )
    return cues


def _voice_emotions(voice: Voice) -> dict[Emotion, float]:
    """Emotions a voice suggests: negative and agitated reads as anger, negative and flat as sadness."""
    if voice.valence is None:
        return {}
    arousal = 0.5 if voice.arousal is None else voice.arousal
    if voice.valence <= _VOICE_NEGATIVE:
        negativity = (_VOICE_NEGATIVE - voice.valence) / _VOICE_NEGATIVE
        emotion: Emotion = "anger" if arousal >= 0.5 else "sadness"
        return {emotion: _round(_VOICE_MAX_SCORE * negativity * (0.5 + abs(arousal - 0.5)))}
    if voice.valence >= _VOICE_POSITIVE:
        positivity = (voice.valence - _VOICE_POSITIVE) / (1.0 - _VOICE_POSITIVE)
        return {"joy": _round(_VOICE_MAX_SCORE * positivity)}
    return {}


_NO_SELECTION: Final[tuple[SelectedEmotion, ...]] = ()


def assemble(
    text_scores: TextScores | None,
    *,
    language: str | None,
    language_supported: bool,
    calibration: LanguageCalibration | CalibrationTable,
    engine: EngineInfo,
    selected: Sequence[SelectedEmotion] = _NO_SELECTION,
    voice: Voice | None = None,
) -> EmotionResult:
    """Turn scorer evidence (None: no usable text) plus selected emotions and voice into a result."""
    table = calibration if isinstance(calibration, CalibrationTable) else CalibrationTable.of(calibration)
    raw = text_scores.raw if text_scores is not None else {}
    scores: dict[Emotion, float] = {}
    for emotion in PRIMARY_EMOTIONS:
        value = raw.get(emotion, 0.0)
        # Scores are almost always inside (0, 1]: one chained comparison instead of two calls.
        scores[emotion] = value if 0.0 < value <= 1.0 else min(1.0, max(0.0, value))
    evidence: list[Cue] = list(text_scores.cues) if text_scores is not None else []
    if not language_supported:
        evidence.append(cue("language", language or "", None, {}, UNSUPPORTED_NOTE))

    fused = bool(selected)
    if selected:
        evidence.extend(_selected_cues(scores, selected))
    if voice is not None:
        voice_emotions = _voice_emotions(voice)
        for emotion, value in voice_emotions.items():
            if value > scores[emotion]:
                scores[emotion] = value
                fused = True
        evidence.append(
            cue("voice", "voice", None, voice_emotions, f"valence {voice.valence}, arousal {voice.arousal}")
        )

    if text_scores is None or fused:
        valence, arousal = valence_of(scores), arousal_of(scores)
    else:
        valence, arousal = text_scores.valence, text_scores.arousal
    if voice is not None:
        valence, arousal = _blend_voice(voice, valence, arousal, alone=text_scores is None and not selected)

    present: list[Emotion] = []
    ratios: list[float] = []
    dominant: Emotion | None = None
    strongest_ratio = 0.0
    # Thresholds differ per emotion, so the strongest is the one furthest past its own threshold.
    for emotion, threshold in zip(PRIMARY_EMOTIONS, table.thresholds, strict=True):
        score = scores[emotion]
        if score > 0.0 and score >= threshold:
            present.append(emotion)
            ratio = score / threshold
            ratios.append(ratio)
            if dominant is None or ratio > strongest_ratio:
                dominant, strongest_ratio = emotion, ratio
    if table.relative_presence > 0.0 and len(present) > 1:
        floor = table.relative_presence * strongest_ratio
        present = [emotion for emotion, ratio in zip(present, ratios, strict=True) if ratio >= floor]
    intensity: float | None = None
    band: str | None = None
    if dominant is not None:
        intensity = round(min(1.0, scores[dominant] * table.intensity_scale), 4)
        band = band_name(dominant, intensity)

    # The scores in PRIMARY_EMOTIONS order, then valence and arousal, rounded in one call.
    round4 = _ROUND4 if _ROUND4 is not None and compiled.active() else round4_python
    rounded = round4([*scores.values(), min(1.0, max(-1.0, valence)), min(1.0, max(0.0, arousal))])
    return construct(
        EmotionResult,
        {
            "language": language,
            "language_supported": language_supported,
            "scores": construct(EmotionScores, dict(zip(scores, rounded[:8], strict=True))),
            "present": present,
            "dominant": dominant,
            "dominant_intensity": intensity,
            "dominant_band": band,
            "dyads": dyads_of(set(present)) if len(present) > 1 else [],
            "valence": rounded[8],
            "arousal": rounded[9],
            "evidence": evidence,
            "engine": engine,
        },
    )


def _blend_voice(voice: Voice, valence: float, arousal: float, *, alone: bool) -> tuple[float, float]:
    """Valence and arousal with the voice channel: the voice's own when nothing else speaks, else a blend."""
    if voice.valence is not None:
        spoken = voice.valence * 2.0 - 1.0
        valence = spoken if alone else (1 - VOICE_SHARE) * valence + VOICE_SHARE * spoken
    if voice.arousal is not None:
        arousal = voice.arousal if alone else max(arousal, voice.arousal)
    return valence, arousal
