"""`make assets`, first step: the WOFF2 fonts of frontend/fonts/, cut from Bootstrap Italia's (pinned by
package-lock.json) to the weights the pages use and to the Latin and Latin Extended characters.

Which weights: the faces the browser actually loads over the public and reserved pages at 360 and 1280 px
(document.fonts with status "loaded"): Titillium Web 300, 400, 400 italic, 600, 700 and Lora 400 (the
hero text); Roboto Mono 400 for `.font-monospace` and code. The other weights Bootstrap Italia ships
(Titillium 200/900 and italics, Lora 700 and italics, Roboto Mono 700) are left out; a heading in a
missing weight would be synthesised by the browser, so add the face here before using one.

Subsetting with fontTools' pyftsubset (already in the virtualenv: WeasyPrint depends on it; brotli for
WOFF2): the unicode-range sets of Google Fonts' "latin" and "latin-ext", hinting dropped (it does nothing
in WOFF2 on current browsers). The output is committed, so `npm run build` alone needs no Python.
Usage: python frontend/sottoinsiemi_font.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset

FRONTEND = Path(__file__).resolve().parent
ORIGINE = FRONTEND / "node_modules" / "bootstrap-italia" / "src" / "fonts"
DESTINAZIONE = FRONTEND / "fonts"

LATIN = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+2074,U+20AC,U+2122,"
    "U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
)
LATIN_EXT = "U+0100-024F,U+0259,U+1E00-1EFF,U+2020,U+20A0-20AB,U+20AD-20CF,U+2113,U+2C60-2C7F,U+A720-A7FF"

# output name (family-weight[-italic]) -> source file in Bootstrap Italia's fonts folder
FONT = {
    "titillium-web-300": "Titillium_Web/titillium-web-v10-latin-ext_latin-300.woff2",
    "titillium-web-400": "Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
    "titillium-web-400-italic": "Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2",
    "titillium-web-600": "Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2",
    "titillium-web-700": "Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2",
    "lora-400": "Lora/lora-v20-latin-ext_latin-regular.woff2",
    "roboto-mono-400": "Roboto_Mono/roboto-mono-v13-latin-ext_latin-regular.woff2",
}


def main() -> None:
    DESTINAZIONE.mkdir(exist_ok=True)
    for vecchio in DESTINAZIONE.glob("*.woff2"):
        if vecchio.stem not in FONT:
            vecchio.unlink()
    for nome, origine in FONT.items():
        uscita = DESTINAZIONE / f"{nome}.woff2"
        subset.main(
            [
                str(ORIGINE / origine),
                f"--unicodes={LATIN},{LATIN_EXT}",
                "--flavor=woff2",
                "--no-hinting",
                f"--output-file={uscita}",
            ]
        )
        print(f"frontend/fonts/{uscita.name}: {uscita.stat().st_size} byte")


if __name__ == "__main__":
    main()
