/* Choosing records by search (alternanza/core/scelta.py): the text input of every [data-scelta] box
 * becomes Bootstrap Italia's accessible autocomplete (accessible-autocomplete: role="combobox",
 * aria-expanded, aria-activedescendant, a listbox and a live region announcing the number of results).
 * Several choices: the chosen records become chips with a remove button. The data submitted is the same
 * as without JavaScript: `name` (typed text), `name_scelta` (ids), so the server resolves both alike. */
import SelectAutocomplete from 'bootstrap-italia/src/js/plugins/select-autocomplete'

// A chunk of its own (build.mjs), loaded by bootstrap-italia.js only on pages with a [data-scelta] box: the
// autocomplete is most of Bootstrap Italia's JavaScript and the public pages have none.

function crea(tag, classe, testo) {
  var el = document.createElement(tag);
  if (classe) el.className = classe;
  if (testo) el.textContent = testo;
  return el;
}

function chip(box, nome, id, etichetta) {
  var t = box.dataset;
  var li = crea('li', 'scelta-chip');
  var c = crea('div', 'chip chip-simple chip-lg');
  c.appendChild(crea('span', 'chip-label', etichetta));
  var b = crea('button', '');
  b.type = 'button';
  b.setAttribute('aria-label', t.tRimuovi + ' ' + etichetta);
  var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  var use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', t.sceltaIcone + '#it-close');
  svg.appendChild(use);
  b.appendChild(svg);
  b.addEventListener('click', function () {
    var lista = li.parentNode;
    li.remove();
    if (lista && !lista.children.length) lista.hidden = true;
    var campo = document.getElementById(box.dataset.sceltaInput);
    if (campo) campo.focus();
  });
  c.appendChild(b);
  li.appendChild(c);
  var nascosto = crea('input');
  nascosto.type = 'hidden';
  nascosto.name = nome + '_scelta';
  nascosto.value = id;
  li.appendChild(nascosto);
  return li;
}

function inizializza(box) {
  if (box.dataset.sceltaPronta) return;
  box.dataset.sceltaPronta = '1';
  var t = box.dataset;
  var nome = t.sceltaNome;
  var multipla = box.hasAttribute('data-scelta-multipla');
  var originale = box.querySelector('[data-scelta-testo]');
  if (!originale) return;
  var id = originale.id;
  t.sceltaInput = id;
  var perEtichetta = new Map();
  var altri = false;

  // Chips for what is already chosen (the checkboxes of the page without JavaScript).
  var lista = null;
  if (multipla) {
    lista = crea('ul', 'scelta-chips list-unstyled');
    lista.setAttribute('aria-label', t.tScelti);
    var gruppo = box.querySelector('.scelta-scelti');
    if (gruppo) {
      gruppo.querySelectorAll('input[type=checkbox]:checked').forEach(function (c) {
        lista.appendChild(chip(box, nome, c.value, c.dataset.etichetta));
      });
      gruppo.remove();
    }
    lista.hidden = !lista.children.length;
    box.insertBefore(lista, box.firstChild);
  }

  var contenitore = crea('div', 'scelta-autocomplete');
  originale.parentNode.replaceChild(contenitore, originale);
  var descrizione = originale.getAttribute('aria-describedby');

  function conferma(etichetta) {
    var scelto = perEtichetta.get(etichetta);
    if (scelto === undefined) return;
    var risultati = box.querySelector('[data-scelta-risultati]');
    if (risultati) risultati.remove();
    if (multipla) {
      var gia = lista.querySelector('input[value="' + scelto + '"]');
      if (!gia) lista.appendChild(chip(box, nome, scelto, etichetta));
      lista.hidden = false;
      // Empty the input for the next search once accessible-autocomplete has written the choice.
      setTimeout(function () {
        var campo = document.getElementById(id);
        campo.value = '';
        campo.dispatchEvent(new Event('input', { bubbles: true }));
      }, 0);
    } else {
      var nascosto = box.querySelector('[data-scelta-id]');
      if (!nascosto) {
        nascosto = crea('input');
        nascosto.type = 'hidden';
        nascosto.name = nome + '_scelta';
        nascosto.setAttribute('data-scelta-id', '');
        box.appendChild(nascosto);
      }
      nascosto.value = scelto;
    }
  }

  // One request per pause in typing, and only the answer to the latest one is shown: answers to
  // earlier queries arriving late would replace the list under the user's arrow keys.
  var ultima = 0;
  var attesa = null;
  function sorgente(testo, mostra) {
    var n = ++ultima;
    clearTimeout(attesa);
    attesa = setTimeout(function () {
      fetch(t.sceltaUrl + '?q=' + encodeURIComponent(testo), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      })
        .then(function (r) { return r.ok ? r.json() : { risultati: [], altri: false }; })
        .then(function (dati) {
          if (n !== ultima) return;
          altri = dati.altri;
          mostra(dati.risultati.map(function (r) {
            perEtichetta.set(r.etichetta, r.id);
            return r.etichetta;
          }));
        })
        .catch(function () { if (n === ultima) mostra([]); });
    }, 150);
  }

  new SelectAutocomplete(contenitore, {
    id: id,
    name: nome,
    defaultValue: multipla ? '' : originale.value,
    minLength: 2,
    source: sorgente,
    onConfirm: conferma,
    required: originale.required,
    tNoResults: function () { return t.tNoResults || t.tNessuno; },
    tStatusQueryTooShort: function () { return t.tBreve; },
    tStatusNoResults: function () { return t.tNessuno; },
    tAssistiveHint: function () { return t.tIstruzioni; },
    tStatusResults: function (n, opzione) {
      var frase = n === 1 ? t.tUno : t.tMolti.replace('{n}', n);
      return frase + (altri ? ' ' + t.tAltri : '') + ' ' + (opzione || '');
    },
  });
  // Keep the help text and errors tied to the new input.
  setTimeout(function () {
    var campo = document.getElementById(id);
    if (campo && descrizione) {
      var proprio = campo.getAttribute('aria-describedby');
      campo.setAttribute('aria-describedby', (proprio ? proprio + ' ' : '') + descrizione);
    }
    if (campo && originale.getAttribute('aria-invalid')) campo.setAttribute('aria-invalid', 'true');
  }, 0);
}

document.querySelectorAll('[data-scelta]').forEach(inizializza);
