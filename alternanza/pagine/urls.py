"""URLs of the portal pages (mounted at the root of each language, names without a namespace)."""

from django.urls import path

from alternanza.pagine import cerca, views

urlpatterns = [
    path("", views.home, name="home"),
    path("cerca/", cerca.cerca, name="cerca"),
    path("privacy/", views.pagina_statica, {"pagina": "privacy"}, name="privacy"),
    path("accessibilita/", views.pagina_statica, {"pagina": "accessibilita"}, name="accessibilita"),
    path("note-legali/", views.pagina_statica, {"pagina": "note_legali"}, name="note_legali"),
    path("contatti/", views.pagina_statica, {"pagina": "contatti"}, name="contatti"),
    path("valutazione/", views.valutazione, name="valutazione"),
    path("valutazioni/", views.valutazioni_staff, name="valutazioni_staff"),
]
