"""Portal-wide pages: the home page, the institutional pages (privacy, accessibility, legal notes,
contacts), the anonymous page feedback of the AgID guidelines, the health check, the main menu and the
language switch."""
