/* The portal's Bootstrap Italia JavaScript: only the components its pages use, from the package's
 * ES module sources (node_modules/bootstrap-italia/src/js), bundled by build.mjs (esbuild) into one ES
 * module that base.html loads with <script type="module"> (deferred: it never blocks rendering).
 * - TrackFocus (plugins/init.js): the focus ring for keyboard users only (data-focus-mouse);
 * - NavBarCollapsible: the header menu on phones (data-bs-toggle="navbarcollapsible" in base.html);
 * - SelectAutocomplete, with the portal's scelta.js: only on pages with a [data-scelta] field, as a
 *   separate chunk fetched on demand.
 * Not loaded: the font loader (the fonts are declared in the CSS; it would inject a <style> the CSP
 * blocks), Video.js, and every component the templates do not use. Before adding markup of another
 * component, import it here and run `make assets`. */
import init from 'bootstrap-italia/src/js/plugins/init'
import NavBarCollapsible from 'bootstrap-italia/src/js/plugins/navbar-collapsible'

// The portal's own form behaviour (the error summary takes the focus), in this file rather than a
// script of its own: one request fewer before the first screen's images on a phone.
import './moduli.js'

init()
window.bootstrap = Object.assign(window.bootstrap || {}, { NavBarCollapsible })

if (document.querySelector('[data-scelta]')) {
  import('./scelta.js')
}
