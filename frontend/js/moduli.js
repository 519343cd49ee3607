// The error summary of a form that came back with errors takes the focus, so keyboard and screen-reader
// users hear what is wrong first (Designers Italia pattern). Without JavaScript it is still the first
// thing of the form. Links of the summary move the focus to their field.
document.addEventListener("DOMContentLoaded", function () {
  var riepilogo = document.querySelector("[data-riepilogo-errori]");
  if (riepilogo) {
    riepilogo.focus();
  }
  document.querySelectorAll("[data-riepilogo-errori] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (evento) {
      var campo = document.getElementById(link.getAttribute("href").slice(1));
      if (campo) {
        evento.preventDefault();
        campo.focus();
        campo.scrollIntoView({ block: "center" });
      }
    });
  });
});
