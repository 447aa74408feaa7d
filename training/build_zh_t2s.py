"""Build the traditional-to-simplified character table the Chinese scorer ships.

Derived from OpenCC's character dictionaries (Apache-2.0) as packaged in ``opencc-python-reimplemented``:
TSCharacters (traditional -> simplified), composed with the Taiwan and Hong Kong variant tables so that
``裡`` or ``啟`` normalise too, and STCharacters to tell which characters only exist in one script.
Only one-character-to-one-character mappings are kept, so offsets into the original text stay valid.

    python training/build_zh_t2s.py PATH/TO/opencc/dictionary pipeline/domain/emotion/data/zh
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Characters OpenCC lists as traditional that simplified text still writes (著名, 乾坤, 瞭望, 慰藉).
IN_BOTH_SCRIPTS = frozenset("著乾瞭藉")


def read_table(path: Path) -> dict[str, list[str]]:
    """One OpenCC table: key -> candidates, first candidate preferred."""
    table: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, values = line.partition("\t")
        table[key] = values.split()
    return table


def build(dictionary_dir: Path) -> tuple[dict[str, str], set[str], set[str]]:
    """The char map, the traditional-only and the simplified-only characters."""
    trad_to_simp = read_table(dictionary_dir / "TSCharacters.txt")
    simp_to_trad = read_table(dictionary_dir / "STCharacters.txt")
    variants: dict[str, str] = {}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standards in read_table(dictionary_dir / name).items():
            # A variant that is also a simplified character (么 in Taiwan means 幺) stays as written.
            if len(variant) == 1 and len(standards[0]) == 1 and variant not in simp_to_trad:
                variants.setdefault(variant, standards[0])

    char_map: dict[str, str] = {}
    for trad, simps in trad_to_simp.items():
        if len(trad) == 1 and len(simps[0]) == 1 and simps[0] != trad:
            char_map[trad] = simps[0]
    for variant, standard in variants.items():
        simplified = char_map.get(standard, standard)
        if simplified != variant:
            char_map.setdefault(variant, simplified)

    traditional_only = {
        trad
        for trad, simps in trad_to_simp.items()
        if len(trad) == 1 and trad not in simps and trad not in simp_to_trad
    } | set(variants)
    traditional_only -= IN_BOTH_SCRIPTS
    simplified_only = {
        simp
        for simp, trads in simp_to_trad.items()
        if len(simp) == 1 and simp not in trads and simp not in trad_to_simp
    }
    return char_map, traditional_only, simplified_only


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dictionary_dir", type=Path, help="OpenCC dictionary folder (TSCharacters.txt, ...)")
    parser.add_argument("out_dir", type=Path, help="where t2s.tsv and simplified_only.txt are written")
    args = parser.parse_args()
    char_map, traditional_only, simplified_only = build(args.dictionary_dir)
    lines = [f"{trad}\t{simp}\t{int(trad in traditional_only)}" for trad, simp in sorted(char_map.items())]
    header = "# traditional\tsimplified\ttraditional_only; from OpenCC (Apache-2.0), see SOURCES.md\n"
    (args.out_dir / "t2s.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    (args.out_dir / "simplified_only.txt").write_text(
        "".join(sorted(simplified_only)) + "\n", encoding="utf-8"
    )
    print(
        f"{len(char_map)} mappings, {len(traditional_only)} traditional-only, "
        f"{len(simplified_only)} simplified-only"
    )


if __name__ == "__main__":
    main()
