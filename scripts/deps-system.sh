#!/usr/bin/env bash
# System libraries and tools the portal and its tests need: Pango (WeasyPrint), Chromium (browser
# tests), poppler/qpdf (PDF checks), gettext (translations), wrk (benchmarks), xmlsec1 (SPID). Installed with apt-get
# when running as root (CI, containers); otherwise we say what to install.
set -u
need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
# Cairo: the dashboard's charts as PNG (cairosvg).
ldconfig -p 2>/dev/null | grep -q 'libcairo.so.2' || need+=(libcairo2)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# Deployment tests (tests/deploy): Debian's nginx with the brotli modules, openssl for a test certificate,
# pg_dump/pg_restore for the backups.
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] || need+=(libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pg_restore >/dev/null 2>&1 || need+=(postgresql-client)
# SPID/CIE (alternanza.spid): xmlsec1 signs and verifies SAML messages (pysaml2, spid-sp-test).
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1 libxmlsec1-openssl libxmlsec1-dev)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
