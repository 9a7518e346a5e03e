#!/usr/bin/env python3
"""Builds gpdata's embedded fonts from Liberation Sans 2 (Debian: fonts-liberation2).

Why: Liberation Sans carries TrueType hinting (fpgm, prep, cvt and per-glyph programs) for
low-resolution screens. PDF viewers do not need it, yet krilla's subsetter copies it into every
letter: about 60% of each embedded subset. Removing it halves the font bytes in every PDF.

The result is a Modified Version under the SIL OFL 1.1, and "Liberation" is a Reserved Font
Name, so the family is renamed "Gpdata Sans"; the copyright and licence records are kept.

Usage: python3 scripts/fonts/build.py [SOURCE_DIR] [TARGET_DIR]
Needs fontTools (pip install fonttools). The output is committed; this only documents how.
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

STYLES = ["Regular", "Bold", "Italic", "BoldItalic"]
FAMILY = "Gpdata Sans"
# Name records kept: copyright, family, subfamily, unique id, full name, version, PostScript
# name, licence description and licence URL (the OFL asks for copyright and licence to stay).
KEEP_NAME_IDS = {0, 1, 2, 3, 4, 5, 6, 13, 14}


def build(source: Path, target: Path, style: str) -> None:
    font = TTFont(source / f"LiberationSans-{style}.ttf")
    font.recalcTimestamp = False  # the same input gives the same bytes
    options = subset.Options()
    options.hinting = False
    options.glyph_names = False
    options.name_IDs = sorted(KEEP_NAME_IDS)
    options.name_languages = [0x409]  # Windows English (US)
    options.name_legacy = False
    options.notdef_outline = True
    options.layout_features = []  # gpdata shapes nothing: no GSUB/GPOS lookups needed
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG", "gasp"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=font.getGlyphOrder(), unicodes=font["cmap"].getBestCmap().keys())
    subsetter.subset(font)

    name = font["name"]
    name.names = [r for r in name.names if r.platformID == 3 and r.nameID in KEEP_NAME_IDS]
    subfamily = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic",
                 "BoldItalic": "Bold Italic"}[style]
    version = name.getDebugName(5)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(subfamily, 2, 3, 1, 0x409)
    name.setName(f"{FAMILY} {subfamily}; {version}; gpdata", 3, 3, 1, 0x409)
    name.setName(f"{FAMILY} {subfamily}" if style != "Regular" else FAMILY, 4, 3, 1, 0x409)
    name.setName(f"GpdataSans-{style}", 6, 3, 1, 0x409)
    name.setName(
        f"{name.getDebugName(0)} Modified for gpdata: hinting removed, renamed {FAMILY}.",
        0, 3, 1, 0x409)
    out = target / f"GpdataSans-{style}.ttf"
    font.save(out)
    print(f"{out}: {out.stat().st_size} bytes")


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/liberation2")
    target = Path(sys.argv[2] if len(sys.argv) > 2 else "src/pdf/fonts")
    target.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        build(source, target, style)


if __name__ == "__main__":
    main()
