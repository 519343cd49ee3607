/* Live progress of a newsletter send: polls the JSON status while the issue is sending.
   Without JavaScript the page refreshes itself (<noscript> meta refresh) or can be reloaded. */
(function () {
  "use strict";
  var sezione = document.getElementById("avanzamento");
  if (!sezione) { return; }
  var attivi = ["in_invio", "programmato"];
  if (attivi.indexOf(sezione.dataset.stato) === -1) { return; }
  var barra = document.getElementById("barra-invio");

  function aggiorna(dati) {
    Object.keys(dati).forEach(function (chiave) {
      var campo = sezione.querySelector('[data-campo="' + chiave + '"]');
      if (campo) { campo.textContent = dati[chiave]; }
    });
    if (barra) { barra.value = dati.percentuale; barra.textContent = dati.percentuale + "%"; }
    if (dati.stato !== sezione.dataset.stato) {
      // The state changed (started, finished, paused elsewhere): reload to show the right actions.
      window.location.reload();
      return false;
    }
    return true;
  }

  function interroga() {
    fetch(sezione.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (dati) { if (aggiorna(dati)) { window.setTimeout(interroga, 2000); } })
      .catch(function () { window.setTimeout(interroga, 10000); });
  }
  window.setTimeout(interroga, 2000);
})();
