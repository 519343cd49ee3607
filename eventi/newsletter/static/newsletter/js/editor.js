/* Live preview of an issue's body: the Markdown is POSTed (with the form's CSRF token) to the portal,
   which answers with the sanitised HTML the e-mail will carry. Without JavaScript the "Anteprima del
   testo" button submits the form and the page shows the same preview. */
(function () {
  "use strict";
  var sezione = document.getElementById("anteprima-testo");
  var modulo = document.getElementById("modulo-numero");
  if (!sezione || !modulo || !window.fetch) { return; }
  var campo = modulo.querySelector("textarea[name=corpo]");
  var riquadro = sezione.querySelector("[data-anteprima]");
  if (!campo || !riquadro) { return; }
  var attesa = null;
  var ultimo = null;

  function suggerimento() {
    // An empty body: say where the text will appear instead of leaving an empty box.
    var p = document.createElement("p");
    p.className = "text-muted mb-0";
    p.textContent = riquadro.dataset.vuoto || "";
    riquadro.replaceChildren(p);
  }

  function aggiorna() {
    if (campo.value === ultimo) { return; }
    ultimo = campo.value;
    if (!campo.value.trim()) { suggerimento(); return; }
    var dati = new FormData();
    dati.append("corpo", campo.value);
    dati.append("csrfmiddlewaretoken", modulo.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(sezione.dataset.url, { method: "POST", body: dati, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { riquadro.innerHTML = html; })  // sanitised by the server (nh3)
      .catch(function () { ultimo = null; });
  }

  campo.addEventListener("input", function () {
    window.clearTimeout(attesa);
    attesa = window.setTimeout(aggiorna, 400);
  });
  aggiorna();
}());
