// The HOKS form without this file works as well: these only make it smoother.
(function () {
  "use strict";
  var form = document.querySelector("form.lomake");
  if (!form) { return; }

  // Removing a part asks first (the text is the page's, in its language).
  var question = form.getAttribute("data-confirm-remove");
  var changed = false;
  var sending = false;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (question && button && button.name === "poista" && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    sending = true;
  });

  // Leaving with unsaved changes asks the browser's own question.
  form.addEventListener("input", function () { changed = true; });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !sending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A refused save: the list of problems first, for the keyboard and the screen reader.
  var problems = document.querySelector(".error-summary");
  if (problems) {
    problems.focus();
    return;
  }

  // After adding a part the page opens at it: put the cursor in its first field.
  if (window.location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    var first = target && target.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }
})();
