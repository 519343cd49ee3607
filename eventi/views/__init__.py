"""Views of the Festival: one module per area (festival, elenco, evento, notizie, proposte, seo)."""
