"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Templates name a format ("DATE_FORMAT", "SHORT_DATE_FORMAT", "GIORNO_FORMAT"...) instead of writing
format characters, so each language writes dates its own way: Italian "2 dicembre 2026", "mercoledì
9 dicembre"; English as the UK and the EU do, "2 December 2026", 02/12/2026 (day first, never the US
12/02/2026). The extra names (GIORNO_*, *_SECONDI_*) exist in both modules: a name missing from a
module would be taken for literal format characters.
"""
