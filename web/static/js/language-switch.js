// On a page whose form is marked [data-language-switch], choosing a language sends that
// form with switch_language=<code> instead of following the link: the page comes back in
// the new language with everything typed (nothing is stored, no field is marked wrong).
// Without JavaScript, or on a page without such a form, the link is followed.
(function () {
  var form = document.querySelector("form[data-language-switch]");
  if (!form) { return; }
  document.querySelectorAll(".language-switch a[hreflang]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "switch_language";
      input.value = link.getAttribute("hreflang");
      form.appendChild(input);
      form.submit();
    });
  });
})();
