// How long a sign-up form stayed open, in milliseconds: a robot fills it at once, and the
// subscription service refuses less than two seconds. Without JavaScript the field stays
// empty and the form still works.
document.querySelectorAll("form[data-duree]").forEach(function (form) {
  var opened = Date.now();
  form.addEventListener("submit", function () {
    var field = form.querySelector("input[name='duree']");
    if (field) { field.value = String(Date.now() - opened); }
  });
});
