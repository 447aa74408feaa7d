"""PII masking: what is masked and what is left alone, in English and Chinese, and its invariants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.event import InteractionEvent
from pipeline.domain.pii import ALL_PII_KINDS, PiiKind, PiiPolicy, mask_event_text, mask_pii

POLICY = PiiPolicy()

MASKED = [
    # e-mail
    ("Mail me at john.doe+cx@example.co.uk please.", "Mail me at [email] please."),
    ("邮箱zhang.san@qq.com，谢谢", "邮箱[email]，谢谢"),
    ("(li_wei@mail.example.cn)", "([email])"),
    # phones: international, North American, Chinese mobile and landline, separators, full-width digits
    ("Call me on +1 (555) 234-5678.", "Call me on [phone]."),
    ("call 555-234-5678 or 1-800-555-1234", "call [phone] or [phone]"),
    ("UK office +44 20 7946 0958", "UK office [phone]"),
    ("我的手机号是13800138000，打我电话", "我的手机号是[phone]，打我电话"),
    ("手机：138 0013 8000 谢谢", "手机：[phone] 谢谢"),
    ("電話138-0013-8000。", "電話[phone]。"),
    ("请拨＋86 １３８００１３８０００", "请拨[phone]"),
    ("0086 138 0013 8000 找王经理", "[phone] 找王经理"),
    ("座机010-12345678转客服", "座机[phone]转客服"),
    ("2024-01-15 给13800138000打过", "2024-01-15 给[phone]打过"),
    ("UK 020 7946 0958, Paris 01 23 45 67 89", "UK [phone], Paris [phone]"),
    # cards: Luhn-valid, 13-19 digits, spaces or dashes
    ("card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"),
    ("卡号4111-1111-1111-1111请退款", "卡号[card]请退款"),
    ("amex 3782 822463 10005", "amex [card]"),
    ("ref 12 5555555555554444", "ref 12 [card]"),
    # IBAN and Chinese resident ID
    ("IBAN DE89 3704 0044 0532 0130 00 thanks", "IBAN [iban] thanks"),
    ("to GB82WEST12345698765432.", "to [iban]."),
    ("身份证号11010519491231002X，", "身份证号[id]，"),
    ("身份证号 11010519491231002x", "身份证号 [id]"),
    # several kinds in one text
    (
        "I'm Ann, ann@example.com, +1 555 234 5678, card 4111111111111111.",
        "I'm Ann, [email], [phone], card [card].",
    ),
]

LEFT_ALONE = [
    "On 2024-01-15 at 10:30 I paid 1,234.56 for order 88213.",
    "2024/01/15 到 2024/02/01 之间下的订单",
    "ip 192.168.100.200 and version 1.2.3",
    "订单号 202403011234567890 还没发货",
    "order 4111 1111 1111 1112 (fails the Luhn check)",
    "身份证 110105194912310021",  # wrong check character
    "tracking 1Z999AA10123456784",
    "timestamp 1709280000 and room 1203",
    "abc13800138000",  # glued to letters: part of an identifier, not a phone
    "a@b.c is not an address; neither is @handle",
    "AB12 CDEF GHIJ KLMN",  # IBAN-shaped, fails MOD 97
    "Thanks [email] [phone] [card]",
    "客服态度很差，等了三十分钟！",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_personal_data_is_replaced_by_readable_tokens(text: str, expected: str) -> None:
    assert mask_pii(text, POLICY) == expected


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_numbers_and_words_are_left_alone(text: str) -> None:
    assert mask_pii(text, POLICY) == text


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"email"}, "[email] 13800138000 4111111111111111"),
        ({"phone"}, "a@example.com [phone] 4111111111111111"),
        ({"card"}, "a@example.com 13800138000 [card]"),
        (set(), "a@example.com 13800138000 4111111111111111"),
    ],
)
def test_only_the_configured_kinds_are_masked(kinds: set[PiiKind], expected: str) -> None:
    policy = PiiPolicy(kinds=frozenset(kinds))

    assert mask_pii("a@example.com 13800138000 4111111111111111", policy) == expected


def test_a_disabled_policy_masks_nothing() -> None:
    text = "a@example.com 13800138000"

    assert mask_pii(text, PiiPolicy(enabled=False)) == text


def test_policy_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="kinds"):
        PiiPolicy.model_validate({"kinds": ["email", "passport"]})


def _event(text: str | None) -> InteractionEvent:
    return InteractionEvent.model_validate({
        "event_id": "ev-1", "customer_id": "c-1", "occurred_at": datetime(2026, 3, 1, 9, tzinfo=UTC),
        "channel": "chat", "text": text, "attributes": {"order": "A-1"}, "crm_ticket": "T-9",
    })


def test_mask_event_text_changes_only_the_text_and_keeps_unknown_fields() -> None:
    event = _event("请联系13800138000")

    masked = mask_event_text(event, POLICY)

    assert masked.text == "请联系[phone]"
    assert masked.unknown_fields == {"crm_ticket": "T-9"}
    assert masked.model_dump(exclude={"text"}) == event.model_dump(exclude={"text"})
    assert event.text == "请联系13800138000", "the original event is not modified"


@pytest.mark.parametrize("text", [None, "nothing personal here"])
def test_mask_event_text_returns_the_same_event_when_nothing_is_masked(text: str | None) -> None:
    event = _event(text)

    assert mask_event_text(event, POLICY) is event


# Text built from what PII patterns are made of, so the generated cases come close to matching.
TRICKY_ALPHABET = "0123456789０１２３４５６７８９+＋-－. ()（）/@_xX abcZ手机号码电话卡，。\n"
tricky_text = st.text(alphabet=TRICKY_ALPHABET, max_size=120)
policies = st.builds(PiiPolicy, enabled=st.booleans(), kinds=st.frozensets(st.sampled_from(ALL_PII_KINDS)))
# Filler that never touches a number with a letter or digit of its own.
filler = st.text(alphabet="手机号码请退款谢谢，。 ", max_size=12)


@given(st.one_of(st.text(max_size=300), tricky_text), policies)
def test_masking_never_raises_and_is_idempotent(text: str, policy: PiiPolicy) -> None:
    once = mask_pii(text, policy)

    assert mask_pii(once, policy) == once


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=200))
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    assert mask_pii(text, POLICY) == text


def _luhn_complete(payload: str) -> str:
    total = 0
    for position, char in enumerate(reversed(payload)):
        value = int(char)
        if position % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return payload + str((10 - total % 10) % 10)


@given(
    st.text(alphabet="0123456789", min_size=15, max_size=15).map(lambda digits: _luhn_complete("4" + digits)),
    st.sampled_from(["", " ", "-"]),
    filler,
    filler,
)
def test_a_luhn_valid_card_number_is_always_masked(
    card: str, separator: str, before: str, after: str
) -> None:
    written = separator.join(card[i : i + 4] for i in range(0, len(card), 4))

    masked = mask_pii(f"{before} {written} {after}", POLICY)

    assert "[card]" in masked
    assert not any(char.isdigit() for char in masked)


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9), filler, filler)
def test_a_chinese_mobile_number_touching_chinese_text_is_always_masked(
    second: str, rest: str, before: str, after: str
) -> None:
    masked = mask_pii(f"{before}手机1{second}{rest}号{after}", POLICY)

    assert "手机[phone]号" in masked


@given(
    st.from_regex(r"[a-z][a-z0-9._]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True),
    st.sampled_from(["com", "cn", "co.uk", "io"]),
    filler,
)
def test_an_email_address_is_always_masked(local: str, domain: str, tld: str, after: str) -> None:
    masked = mask_pii(f"邮箱{local}@{domain}.{tld} {after}", POLICY)

    assert masked == f"邮箱[email] {after}"
