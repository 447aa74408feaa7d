"""Traditional Chinese texts from the simplified phrasebook, character by character.

The table (data/s2t.tsv) covers the characters the phrasebook uses, with Taiwan usage where a simplified
character has several traditional forms; a unit test fails when a new phrase brings a character it lacks.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

# Simplified characters that are also the right traditional form in the phrasebook's words (修 in 维修,
# 合 in 合约, 扣 in 扣款): OpenCC lists rarer traditional variants for them, which would read wrong.
SAME_IN_TRADITIONAL = "修出即卷合同吃回家才扣折搜板查核玩真累谷逾升只台系面表教"
# Words whose characters convert differently together than alone.
_WORDS = {"联系": "聯繫", "信息": "資訊", "手表": "手錶", "台灯": "檯燈"}


@cache
def _table() -> dict[int, int]:
    text = files("pipeline.simulation").joinpath("data", "s2t.tsv").read_text(encoding="utf-8")
    table: dict[int, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        simplified, traditional = line.split("\t")
        table[ord(simplified)] = ord(traditional)
    return table


def to_traditional(text: str) -> str:
    """The text in traditional characters, as far as the table knows them."""
    for simplified, traditional in _WORDS.items():
        text = text.replace(simplified, traditional)
    return text.translate(_table())
