"""`make assets`, first step: the WOFF2 fonts of frontend/fonts/, cut from Bootstrap Italia's (pinned by
package-lock.json) to the weights the pages use and to the Latin and Latin Extended characters.

Which weights: the faces the browser actually loads over the public and reserved pages at 360 and 1280 px
(document.fonts with status "loaded"): Titillium Web 300, 400, 400 italic, 600, 700 and Lora 400 (the
hero text); Roboto Mono 400 for `.font-monospace` and code. The other weights Bootstrap Italia ships
(Titillium 200/900 and italics, Lora 700 and italics, Roboto Mono 700) are left out; a heading in a
missing weight would be synthesised by the browser, so add the face here before using one.

Subsetting with fontTools' pyftsubset (already in the virtualenv: WeasyPrint depends on it; brotli for
WOFF2), hinting dropped (it does nothing in WOFF2 on current browsers). Each face is cut in two files, as
Google Fonts does, with the unicode-range sets of fonts/insiemi.json: NAME.woff2 with "latin" (all of
Italian and English: accented vowels, typographic quotes and dashes, €) and NAME-latin-ext.woff2 with
"latin-ext" (ă, ł, ş… of some names). build.mjs declares both with their unicode-range, so a browser
fetches the second only for a page that has one of its characters: on a phone the first screen's fonts
are a third smaller. The output is committed, so `npm run build` alone needs no Python.
Usage: python frontend/sottoinsiemi_font.py
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools import subset

FRONTEND = Path(__file__).resolve().parent
ORIGINE = FRONTEND / "node_modules" / "bootstrap-italia" / "src" / "fonts"
DESTINAZIONE = FRONTEND / "fonts"

# subset -> unicode-range (Google Fonts' "latin" and "latin-ext"), shared with build.mjs
INSIEMI = json.loads((DESTINAZIONE / "insiemi.json").read_text(encoding="utf-8"))

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
        vecchio.unlink()
    for nome, origine in FONT.items():
        for insieme, intervalli in INSIEMI.items():
            uscita = DESTINAZIONE / (f"{nome}.woff2" if insieme == "latin" else f"{nome}-{insieme}.woff2")
            subset.main(
                [
                    str(ORIGINE / origine),
                    f"--unicodes={intervalli}",
                    "--flavor=woff2",
                    "--no-hinting",
                    f"--output-file={uscita}",
                ]
            )
            print(f"frontend/fonts/{uscita.name}: {uscita.stat().st_size} byte")


if __name__ == "__main__":
    main()
