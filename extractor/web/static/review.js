// The workbench's keyboard, on the queue and on a document: n/p the next and previous document
// of the filter (on the queue, its first), j/k the next and previous questioned cell, t take
// the suggestion, s save, a the note of "accept as printed" (Enter there accepts), u undo the
// decision just made, q back to the filtered queue, ? the keys. Every link and form already
// carries the filter: a key only follows one or submits one. Keys typed into a field are the
// field's. Plain script, no library: the pages work without it, only slower.
(function () {
  var page = document.getElementById("document") || document.getElementById("queue");
  if (!page) return;
  var help = document.getElementById("keys");
  function go(url) { if (url) window.location.href = url; }
  function submit(id) {
    var form = document.getElementById(id);
    if (!form) return false;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
    return true;
  }
  function toggleHelp(show) { if (help) help.hidden = show === undefined ? !help.hidden : !show; }
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
      if (event.key === "Escape") t.blur();
      return;
    }
    var key = event.key;
    if (key === "?") toggleHelp();
    else if (key === "Escape") toggleHelp(false);
    else if (key === "n") go(page.dataset.nextDocument || page.dataset.firstDocument);
    else if (key === "p") go(page.dataset.previousDocument);
    else if (key === "j") go(page.dataset.nextCell);
    else if (key === "k") go(page.dataset.prevCell);
    else if (key === "q") go(page.dataset.queue);
    else if (key === "t") submit("take");
    else if (key === "s") submit("fix");
    else if (key === "u") submit("undo");
    else if (key === "a") {
      var note = document.getElementById("accept-note");
      if (note) note.focus();
    } else return;
    event.preventDefault();
  });
  // The selected cell's field, ready to type into.
  var selected = document.querySelector("td.selected input");
  if (selected && window.location.hash === "#panel") selected.focus();
})();
