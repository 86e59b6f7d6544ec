// The document page's keyboard: j/k the next and previous questioned cell, n the next open
// document, a the note of "accept as printed" (Enter there accepts). Keys typed into a field
// are the field's. Plain script, no library: the page works without it, only slower.
(function () {
  var page = document.getElementById("document");
  if (!page) return;
  function go(url) { if (url) window.location.href = url; }
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
      if (event.key === "Escape") t.blur();
      return;
    }
    if (event.key === "j") go(page.dataset.nextCell);
    else if (event.key === "k") go(page.dataset.prevCell);
    else if (event.key === "n") go(page.dataset.nextDocument);
    else if (event.key === "a") {
      var note = document.getElementById("accept-note");
      if (note) { event.preventDefault(); note.focus(); }
    } else return;
  });
  // The selected cell's field, ready to type into.
  var selected = document.querySelector("td.selected input");
  if (selected && window.location.hash === "#panel") selected.focus();
})();
