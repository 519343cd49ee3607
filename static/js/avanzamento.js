/* A job's page (a file import): poll its JSON status, move the progress bar, reload when it is done.
   Without JavaScript the page offers a plain "Aggiorna lo stato" link instead. */
(function () {
  "use strict";
  var radice = document.getElementById("avanzamento");
  if (!radice || radice.dataset.finito === "1" || !window.fetch) { return; }
  var barra = document.getElementById("avanzamento-barra");
  var fase = document.getElementById("avanzamento-fase");
  var stato = document.getElementById("avanzamento-stato");
  var attesa = 1500;

  function aggiorna() {
    fetch(radice.dataset.urlStato, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (risposta) {
        if (!risposta.ok) { throw new Error(String(risposta.status)); }
        return risposta.json();
      })
      .then(function (dati) {
        if (dati.finito) { window.location.reload(); return; }
        if (barra) { barra.value = dati.progresso; barra.textContent = dati.progresso + "%"; }
        if (fase) { fase.textContent = dati.progresso + "%" + (dati.righe ? " – " + dati.righe.toLocaleString() : ""); }
        if (stato) { stato.textContent = dati.stato_etichetta; }
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
