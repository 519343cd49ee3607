from django.urls import path

from distretti import views, views_importazione

app_name = "distretti"

urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("distretti/<slug:slug>/", views.dettaglio, name="dettaglio"),
    path("scuole/<str:codice>/", views.scuola, name="scuola"),
    path("cerca/scuole/", views.cerca_scuole, name="cerca_scuole"),
    path("cerca/comuni/", views.cerca_comuni, name="cerca_comuni"),
    path("importa-anagrafe/", views_importazione.importa, name="importa"),
]
