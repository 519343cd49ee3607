/* Job page: poll the JSON status and move the progress bar; reload the page when the job is done.
   Without JavaScript the page offers a plain "Aggiorna lo stato" link instead. */
(function () {
  "use strict";
  var radice = document.getElementById("report-job");
  if (!radice || radice.dataset.finito === "1" || !window.fetch) { return; }
  var url = radice.dataset.urlStato;
  var barra = document.getElementById("report-progresso");
  var fase = document.getElementById("report-fase");
  var stato = document.getElementById("report-stato");
  var attesa = 1500;

  function aggiorna() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (risposta) {
        if (!risposta.ok) { throw new Error(String(risposta.status)); }
        return risposta.json();
      })
      .then(function (dati) {
        if (barra) { barra.value = dati.progresso; barra.textContent = dati.progresso + "%"; }
        if (fase) { fase.textContent = dati.progresso + "%" + (dati.fase ? " – " + dati.fase : ""); }
        if (stato) { stato.textContent = dati.stato_etichetta; }
        if (dati.finito) { window.location.reload(); return; }
        attesa = 1500;
        window.setTimeout(aggiorna, attesa);
      })
      .catch(function () {
        attesa = Math.min(attesa * 2, 30000);
        window.setTimeout(aggiorna, attesa);
      });
  }
  window.setTimeout(aggiorna, attesa);
})();
