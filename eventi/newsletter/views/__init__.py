"""Views of the newsletter: public pages (pubbliche) and staff pages (gestione)."""
