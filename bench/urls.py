"""The portal's URLs plus /_bench/floor: a trivial view through the full middleware stack, the
framework floor every page is compared to."""

from django.http import HttpResponse
from django.urls import path

from alternanza.urls import urlpatterns as urlpatterns_portale


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("_bench/floor", floor, name="bench_floor"), *urlpatterns_portale]
