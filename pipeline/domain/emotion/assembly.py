"""From a text scorer's evidence to an EmotionResult: calibration, fusion with the customer's own choices
and voice hints, dominant emotion and band, dyads, valence and arousal.

Every engine (lexicon or model) ends here, so results mean the same whichever engine produced them.
Values are built here from numbers this module computed, so models are constructed without re-validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pipeline.domain.emotion.affect import arousal_of, valence_of
from pipeline.domain.emotion.calibration import LanguageCalibration
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


def assemble(
    text_scores: TextScores | None,
    *,
    language: str | None,
    language_supported: bool,
    calibration: LanguageCalibration,
    engine: EngineInfo,
    selected: Sequence[SelectedEmotion] = (),
    voice: Voice | None = None,
) -> EmotionResult:
    """Turn scorer evidence (None: no usable text) plus selected emotions and voice into a result."""
    raw = text_scores.raw if text_scores is not None else {}
    scores: dict[Emotion, float] = {e: min(1.0, max(0.0, raw.get(e, 0.0))) for e in PRIMARY_EMOTIONS}
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

    has_text = text_scores is not None
    valence = valence_of(scores) if fused or not has_text else text_scores.valence  # type: ignore[union-attr]
    arousal = arousal_of(scores) if fused or not has_text else text_scores.arousal  # type: ignore[union-attr]
    if voice is not None:
        if voice.valence is not None:
            spoken = voice.valence * 2.0 - 1.0
            blended = (1 - VOICE_SHARE) * valence + VOICE_SHARE * spoken
            valence = spoken if not has_text and not selected else blended
        if voice.arousal is not None:
            arousal = voice.arousal if not has_text and not selected else max(arousal, voice.arousal)

    present: list[Emotion] = [
        e for e in PRIMARY_EMOTIONS if scores[e] > 0.0 and scores[e] >= calibration.threshold(e)
    ]
    dominant: Emotion | None = None
    intensity: float | None = None
    band: str | None = None
    if present:
        # Thresholds differ per emotion, so the strongest is the one furthest past its own threshold.
        strongest = max(present, key=lambda e: scores[e] / calibration.threshold(e))
        intensity = _round(min(1.0, scores[strongest] * calibration.intensity_scale))
        band = band_name(strongest, intensity)
        dominant = strongest

    return construct(
        EmotionResult,
        {
            "language": language,
            "language_supported": language_supported,
            "scores": construct(EmotionScores, {e: _round(v) for e, v in scores.items()}),
            "present": present,
            "dominant": dominant,
            "dominant_intensity": intensity,
            "dominant_band": band,
            "dyads": dyads_of(set(present)) if len(present) > 1 else [],
            "valence": _round(min(1.0, max(-1.0, valence))),
            "arousal": _round(min(1.0, max(0.0, arousal))),
            "evidence": evidence,
            "engine": engine,
        },
    )
