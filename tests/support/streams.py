"""Deterministic event streams for broker tests: many customers, bad runs, recoveries, duplicates and
slightly out-of-order events, spread over several days of event time so windows close."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import orjson

BAD_TEXTS = (
    ("I was on hold for an hour and nobody answered. Unacceptable!", "en"),
    ("Transferred three times and still no fix. I am furious.", "en"),
    ("The refund still hasn't arrived, this is a disgrace.", "en"),
    ("等了半天也没人处理，太失望了！", "zh-Hans"),
    ("客服踢皮球，转来转去，气死我了", "zh-Hans"),
    ("退款到現在還沒到，真的很生氣", "zh-Hant"),
)
GOOD_TEXTS = (
    ("Thank you, the agent fixed it right away. Great service!", "en"),
    ("Lovely stay, the staff were so kind.", "en"),
    ("问题解决了，非常感谢客服的耐心！", "zh-Hans"),
    ("服務很好，謝謝你們", "zh-Hant"),
)
NEUTRAL_TEXTS = (
    ("Can you tell me when my package ships?", "en"),
    ("I would like to change my booking date.", "en"),
    ("请问我的订单什么时候发货？", "zh-Hans"),
)
JOURNEYS = ("ecommerce", "travel", "telecom", "banking")
CHANNELS = ("phone", "chat", "email", "app", "web", "survey")


def event_stream(count: int, customers: int, seed: int = 7, start: datetime | None = None) -> list[bytes]:
    """``count`` JSON event records (about 1% duplicates, 3% delayed by up to 20 minutes of event time)."""
    rng = random.Random(seed)
    clock = start or datetime(2026, 3, 1, tzinfo=UTC)
    step = timedelta(days=6) / count
    records: list[bytes] = []
    delayed: list[tuple[int, bytes]] = []
    for number in range(count):
        clock += step
        customer = f"cust-{rng.randrange(customers):05d}"
        roll = rng.random()
        signals: dict[str, object] = {}
        if roll < 0.3:
            text, language = rng.choice(BAD_TEXTS)
            signals = {"hold_seconds": rng.choice([120, 900, 1800]), "resolved": False}
        elif roll < 0.55:
            text, language = rng.choice(GOOD_TEXTS)
            signals = {"resolved": True, "reached_human": True}
        else:
            text, language = rng.choice(NEUTRAL_TEXTS)
        occurred = clock
        if rng.random() < 0.03:
            occurred = clock - timedelta(minutes=rng.randrange(1, 20))
        record = orjson.dumps(
            {
                "event_id": f"ev-{seed}-{number:07d}",
                "customer_id": customer,
                "occurred_at": occurred.isoformat(),
                "channel": rng.choice(CHANNELS),
                "journey": rng.choice(JOURNEYS),
                "text": text,
                "language": language,
                "signals": signals,
            }
        )
        records.append(record)
        if rng.random() < 0.01:
            delayed.append((number + rng.randrange(5, 400), record))
        while delayed and delayed[0][0] <= number:
            records.append(delayed.pop(0)[1])
    records.extend(record for _, record in delayed)
    return records
