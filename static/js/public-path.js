// Bootstrap Italia loads its fonts relative to this path (set in a file: the CSP forbids inline scripts).
window.__PUBLIC_PATH__ = "/static/fonts/";
