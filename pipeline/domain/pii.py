"""Masking of personal data in customer text, so the enriched topic never carries it.

E-mail addresses, phone numbers, payment card numbers, IBANs and Chinese resident ID numbers are replaced
by tokens such as ``[email]`` and ``[phone]`` that keep the sentence readable for an analyst. Matching is
wide where a miss would leak (any common separator, full-width digits, no ``\\b``: in Chinese text a
character touches the digits directly) and narrowed by checksums and number plans where a false hit would
destroy an ordinary number (Luhn for cards, MOD 97 for IBANs, ISO 7064 and a birth date for ID numbers).
Dates, times, amounts, IP addresses, order numbers and other digit runs are left alone, and a digit group
is never cut in two: a phone number inside a longer number is not a phone number.

Pure and total: any string in, a string out, never an exception; masking an already masked text changes
nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from pipeline.domain.event import InteractionEvent

PiiKind = Literal["email", "phone", "card", "iban", "cn_id"]
ALL_PII_KINDS: Final[tuple[PiiKind, ...]] = get_args(PiiKind)

TOKENS: Final[dict[PiiKind, str]] = {
    "email": "[email]",
    "phone": "[phone]",
    "card": "[card]",
    "iban": "[iban]",
    "cn_id": "[id]",
}


class PiiPolicy(BaseModel):
    """Whether customer text is masked before it leaves the worker, and which kinds of personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(default=True, description="Mask personal data in the text of enriched records.")
    kinds: frozenset[PiiKind] = Field(
        default=frozenset(ALL_PII_KINDS),
        description="Kinds to mask: email, phone, card, iban, cn_id (Chinese resident ID number).",
    )


# Character classes written out (ASCII and full-width forms) instead of \d and \w: those also match other
# scripts' digits and every CJK character, and \b would then find no edge between 号 and 1.
_DIGITS: Final = "0-9\uff10-\uff19"
_ALNUM: Final = f"{_DIGITS}A-Za-z\uff21-\uff3a\uff41-\uff5a"
_TO_ASCII: Final = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_SPACE: Final = " \u00a0\u3000"
_PUNCT: Final = "().\\-/\u2010-\u2015\uff0d\uff08\uff09"

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9\-])"
)
_IBAN: Final = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"
)
# A run of digit groups joined by short separators ("+86 138-0013-8000", "(555) 123.4567", "4111 1111 ...");
# which consecutive groups form a phone, card or ID number is decided in Python, group by group.
_GROUP: Final = f"[{_DIGITS}]+(?:[Xx\uff38\uff58](?![{_ALNUM}]))?"
_SEPARATOR: Final = f"(?:[{_SPACE}]?[{_PUNCT}][{_SPACE}]?|[{_SPACE}])"
_LEAD: Final = f"(?P<lead>[+\uff0b][{_SPACE}]?[(\uff08]?|[(\uff08])?"
_RUN: Final = re.compile(f"{_LEAD}{_GROUP}(?:{_SEPARATOR}{_GROUP})*")
_GROUP_ONLY: Final = re.compile(_GROUP)
_ANY_DIGIT: Final = re.compile(f"[{_DIGITS}]")
_ALNUM_CHAR: Final = re.compile(f"[{_ALNUM}]")

MAX_NUMBER_DIGITS: Final = 19  # the longest card number; phones (E.164, 15) and ID numbers (18) are shorter
MIN_NUMBER_DIGITS: Final = 7  # the shortest phone number with a country code
MAX_GROUPS_PER_NUMBER: Final = 8  # "+33 1 23 45 67 89" has six
_CARD_SEPARATORS: Final = frozenset({" ", "-"})
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"


def mask_pii(text: str, policy: PiiPolicy) -> str:
    """The text with every e-mail address, phone, card, IBAN and ID number the policy names as a token."""
    if not policy.enabled or not policy.kinds:
        return text
    # Each pass that changes anything removes digits or '@' and adds neither, so this ends; repeating until
    # nothing changes makes masking idempotent even where a token frees a neighbouring match.
    while True:
        masked = _mask_once(text, policy.kinds)
        if masked == text:
            return masked
        text = masked


def mask_event_text(event: InteractionEvent, policy: PiiPolicy) -> InteractionEvent:
    """The event with its text masked and everything else (unknown fields included) unchanged."""
    if event.text is None:
        return event
    masked = mask_pii(event.text, policy)
    if masked == event.text:
        return event
    return event.model_copy(update={"text": masked})


def _mask_once(text: str, kinds: frozenset[PiiKind]) -> str:
    if "email" in kinds and "@" in text:
        text = _EMAIL.sub(TOKENS["email"], text)
    if not _ANY_DIGIT.search(text):
        return text
    if "iban" in kinds:
        text = _IBAN.sub(_mask_iban, text)
    if kinds & {"phone", "card", "cn_id"}:
        text = _RUN.sub(_number_masker(text, kinds), text)
    return text


def _mask_iban(match: re.Match[str]) -> str:
    candidate = match.group()
    # The last groups may be an ordinary word that happened to follow: drop them until the checksum holds.
    parts = candidate.split(" ")
    for end in range(len(parts), 0, -1):
        prefix = " ".join(parts[:end])
        if _is_iban(prefix):
            return TOKENS["iban"] + candidate[len(prefix) :]
    return candidate


def _is_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


@dataclass(frozen=True, slots=True)
class _Run:
    """One run of digit groups and what surrounds it, with prefix sums so each candidate costs O(1) to cut."""

    text: str
    starts: Sequence[int]  # where each group starts in text
    ends: Sequence[int]
    digits: str  # every group's digits (ASCII, an ID number's X kept), concatenated
    offsets: Sequence[int]  # where each group starts in digits; one more entry for the end
    odd_separators: Sequence[int]  # how many separators before each group are not a single space or dash
    international: bool  # the run starts with '+'
    glued_left: bool  # a letter or digit touches the run's start: its first group cannot start a number
    glued_right: bool

    def window(self, first: int, last: int) -> str:
        return self.digits[self.offsets[first] : self.offsets[last + 1]]

    def group_lengths(self, first: int, last: int) -> list[int]:
        return [self.offsets[k + 1] - self.offsets[k] for k in range(first, last + 1)]

    def plainly_separated(self, first: int, last: int) -> bool:
        return self.odd_separators[last] == self.odd_separators[first]


def _number_masker(text: str, kinds: frozenset[PiiKind]) -> Callable[[re.Match[str]], str]:
    def mask(match: re.Match[str]) -> str:
        if match.end() - match.start() < MIN_NUMBER_DIGITS:
            return match.group()
        return _mask_run(_read_run(text, match), match.span(), kinds)

    return mask


def _read_run(text: str, match: re.Match[str]) -> _Run:
    run_start, run_end = match.span()
    lead = match.group("lead") or ""
    found = list(_GROUP_ONLY.finditer(match.group(), len(lead)))
    starts = [run_start + group.start() for group in found]
    ends = [run_start + group.end() for group in found]
    odd_separators = [0]
    for left_end, right_start in zip(ends, starts[1:], strict=False):
        odd = text[left_end:right_start] not in _CARD_SEPARATORS
        odd_separators.append(odd_separators[-1] + odd)
    return _Run(
        text=text,
        starts=starts,
        ends=ends,
        digits="".join(group.group() for group in found).translate(_TO_ASCII),
        offsets=[0, *itertools.accumulate(len(group.group()) for group in found)],
        odd_separators=odd_separators,
        international="+" in lead or "\uff0b" in lead,
        glued_left=run_start > 0 and _ALNUM_CHAR.match(text[run_start - 1]) is not None,
        glued_right=run_end < len(text) and _ALNUM_CHAR.match(text[run_end]) is not None,
    )


def _mask_run(run: _Run, span: tuple[int, int], kinds: frozenset[PiiKind]) -> str:
    """The run with each longest number found from the left replaced by its token."""
    run_start, run_end = span
    pieces: list[str] = []
    cursor, first = run_start, 0
    while first < len(run.starts):
        found = _longest_number(run, first, kinds)
        if found is None:
            first += 1
            continue
        last, kind = found
        span_start = run_start if first == 0 else run.starts[first]
        pieces += [run.text[cursor:span_start], TOKENS[kind]]
        cursor, first = run.ends[last], last + 1
    pieces.append(run.text[cursor:run_end])
    return "".join(pieces)


def _longest_number(run: _Run, first: int, kinds: frozenset[PiiKind]) -> tuple[int, PiiKind] | None:
    """The last group and kind of the longest number that starts at group ``first``, if any."""
    if first == 0 and run.glued_left:
        return None
    # Bounded by digits and by groups, so a hostile run of thousands of groups costs linear time.
    last_group = len(run.starts) - 1
    last = min(last_group, first + MAX_GROUPS_PER_NUMBER - 1)
    while last >= first:
        length = run.offsets[last + 1] - run.offsets[first]
        if length < MIN_NUMBER_DIGITS:
            return None
        if length <= MAX_NUMBER_DIGITS and not (last == last_group and run.glued_right):
            kind = _number_kind(run, first, last, kinds)
            if kind is not None:
                return last, kind
        last -= 1
    return None


def _number_kind(run: _Run, first: int, last: int, kinds: frozenset[PiiKind]) -> PiiKind | None:
    digits = run.window(first, last)
    international = run.international and first == 0
    if len(digits) >= 13 and run.plainly_separated(first, last):
        if "cn_id" in kinds and _is_cn_id(digits):
            return "cn_id"
        if "card" in kinds and not international and digits.isdigit() and _is_card(digits):
            return "card"
    if "phone" in kinds and digits.isdigit():
        written_3_3_4 = len(digits) == 10 and run.group_lengths(first, last) == [3, 3, 4]
        if _is_phone(digits, international=international, written_3_3_4=written_3_3_4):
            return "phone"
    return None


def _is_card(digits: str) -> bool:
    if not 13 <= len(digits) <= MAX_NUMBER_DIGITS or digits[0] == "0":
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_phone(digits: str, *, international: bool, written_3_3_4: bool) -> bool:
    length = len(digits)
    if international:
        return 7 <= length <= 15
    if digits.startswith("00"):  # international call prefix, then country code and number
        return 9 <= length <= 17
    if length == 11 and digits[0] == "1" and digits[1] in "3456789":  # Chinese mobile
        return True
    if length == 13 and digits.startswith("86") and digits[2] == "1" and digits[3] in "3456789":
        return True
    if length == 10 and digits[0] in "23456789":  # North American: 3-3-4, or bare with a valid exchange
        return written_3_3_4 or digits[3] in "23456789"
    if length == 11 and digits[0] == "1":
        return digits[1] in "23456789" and digits[4] in "23456789"
    # Chinese landline with its trunk prefix (0 + 2-3 digit area code + 7-8 digit number); most European
    # numbers written locally have the same shape.
    return digits[0] == "0" and digits[1] != "0" and 10 <= length <= 12


def _is_cn_id(characters: str) -> bool:
    if len(characters) != 18 or not characters[:17].isdigit() or characters[0] in "09":
        return False
    year, month, day = int(characters[6:10]), int(characters[10:12]), int(characters[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(char) * weight for char, weight in zip(characters[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11] == characters[17].upper()
