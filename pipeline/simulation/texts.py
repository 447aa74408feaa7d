"""What a simulated customer writes or says: a stage sentence in a tone, with idioms, short or long."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import Final, Literal

from pipeline.simulation.config import LanguageTag
from pipeline.simulation.phrasebook import IdiomKind, Phrasebook, Situation, Tone, phrasebook
from pipeline.simulation.script import to_traditional

Length = Literal["short", "medium", "long"]

_SENTENCE_END: Final[tuple[str, ...]] = (".", "!", "?", "。", "！", "？", "🙄", "😊")
_ATTACHING_END: Final[tuple[str, ...]] = (",", ":", "，", "：")
_CHINESE_NUMERALS: Final[tuple[str, ...]] = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True, slots=True)
class TextRequest:
    """One text to write; ``facts`` fill slots that must agree with the event (minutes on hold, transfers)."""

    journey: str
    stage: str
    language: LanguageTag
    situation: Situation
    tone: Tone
    idioms: tuple[IdiomKind, ...] = ()
    length: Length = "short"
    letter: bool = False
    facts: dict[str, int] = field(default_factory=dict)


class _Slots(dict[str, str]):
    """Slot values drawn on first use, so a template only consumes randomness for the slots it names."""

    def __init__(self, rng: Random, book: Phrasebook, facts: dict[str, int]) -> None:
        super().__init__()
        self._rng = rng
        self._book = book
        for name, number in facts.items():
            self[name] = self._number(name, number)

    def _number(self, name: str, number: int) -> str:
        if self._book.language == "zh" and name == "transfers" and number < len(_CHINESE_NUMERALS):
            return _CHINESE_NUMERALS[number]
        return str(number)

    def __missing__(self, name: str) -> str:
        value = self._draw(name)
        self[name] = value
        return value

    def _draw(self, name: str) -> str:
        rng, chinese = self._rng, self._book.language == "zh"
        if name in self._book.slots:
            return rng.choice(self._book.slots[name])
        if name == "order":
            return (
                f"{rng.randint(10**11, 10**12 - 1)}" if chinese else f"#{rng.randint(1_000_000, 9_999_999)}"
            )
        if name == "amount":
            return (
                f"{rng.randint(20, 5000)}元"
                if chinese
                else f"${rng.randint(5, 900)}.{rng.randint(0, 99):02d}"
            )
        if name == "reference":
            return f"REF-{rng.randint(100_000, 999_999)}"
        bounds = {"days": (2, 9), "hours": (2, 6), "years": (2, 15)}.get(name)
        if bounds is None:
            raise KeyError(f"the {self._book.language} phrasebook uses an unknown slot {{{name}}}")
        return str(rng.randint(*bounds))


def compose_text(rng: Random, request: TextRequest) -> str:
    """A customer text for one event: deterministic for a given ``rng`` state, in the requested script."""
    book = phrasebook("en" if request.language == "en" else "zh")
    slots = _Slots(rng, book, request.facts)
    tone = book.tones[request.tone]
    situation = rng.choice(book.stage(request.journey, request.stage).of(request.situation))
    opener = rng.choice(tone.before) if request.length != "short" or rng.random() < 0.4 else ""
    details = rng.sample(book.long.details, k=min(3, len(book.long.details)))
    parts = [_attach(opener, situation, book)]
    if request.length == "long":
        # The story so far, in the order it happened: long emails and calls retell it.
        told = sorted(rng.sample(range(len(book.long.history)), k=rng.randint(2, 4)))
        parts.extend(book.long.history[index] for index in told)
        parts.extend(details[:2])
    parts.extend(rng.choice(book.idioms[kind]) for kind in request.idioms)
    if request.length != "short":
        parts.append(details[-1])
    parts.append(rng.choice(tone.after))
    text = book.joiner.join(_sentence(part.format_map(slots), book) for part in parts if part)
    if request.length == "long" and request.letter:
        # An email keeps its line breaks; JSON escapes them, so a record still fits on one JSONL line.
        greeting = rng.choice(book.long.greetings)
        signoff = rng.choice(book.long.signoffs).format_map(slots)
        text = (
            f"{greeting}\n\n{text}\n\n{signoff}"
            if book.language == "en"
            else f"{greeting}\n{text}\n{signoff}"
        )
    return to_traditional(text) if request.language == "zh-Hant" else text


def _attach(opener: str, sentence: str, book: Phrasebook) -> str:
    if not opener:
        return sentence
    if opener.endswith(_ATTACHING_END) or not opener.endswith(_SENTENCE_END):
        # "Oh great, the parcel ..." reads as one sentence; "Wow! The parcel ..." as two.
        return f"{opener}{book.joiner}{sentence}" if book.language == "en" else f"{opener}{sentence}"
    return f"{opener}{book.joiner}{_capitalized(sentence)}"


def _sentence(text: str, book: Phrasebook) -> str:
    text = _capitalized(text.strip())
    if text.endswith(_SENTENCE_END):
        return text
    return text + ("." if book.language == "en" else "。")


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
