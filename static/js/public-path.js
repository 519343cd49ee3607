// Bootstrap Italia loads its fonts relative to this path (set in a file: the CSP forbids inline scripts).
window.__PUBLIC_PATH__ = "/static/fonts/";
// Video.js (inside the Bootstrap Italia bundle) would inject a <style> element, which the CSP blocks.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
