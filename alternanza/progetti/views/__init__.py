"""Views of the projects area, split by who uses them: vetrina (public), scuola (coordinators),
ufficio (district offices), rete (network actions and models library), dati (open data)."""
