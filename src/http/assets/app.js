// baogao search page: search as you type, keyboard navigation, copy a citation.
// The page works without this file; it only makes it quicker to use.
(function () {
  "use strict";
  const form = document.getElementById("search");
  const input = document.getElementById("q");
  const results = document.getElementById("results");

  // Search as you type: fetch the server-rendered results block and swap it in.
  let timer = null;
  let latest = 0;
  if (form && input && results) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!input.value.trim()) { results.innerHTML = ""; return; }
        const params = new URLSearchParams(new FormData(form));
        const ticket = ++latest;
        fetch("/search?" + params.toString() + "&fragment=1")
          .then(function (response) { return response.text(); })
          .then(function (html) {
            if (ticket !== latest) { return; }
            results.innerHTML = html;
            history.replaceState(null, "", "/search?" + params.toString());
          })
          .catch(function () { /* keep the last results; the form still submits */ });
      }, 250);
    });
    // Changing a filter runs the search again (and refreshes the section list for a report).
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.name === "doc") {
          const section = form.querySelector("select[name=section]");
          if (section) { section.value = ""; }
        }
        form.submit();
      });
    });
  }

  // Keyboard: "/" focuses the search box; arrow keys (or j/k) move between results.
  document.addEventListener("keydown", function (event) {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    if (event.key === "/" && !typing && input) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    const links = Array.from(document.querySelectorAll(".hit a.citation"));
    if (!links.length) { return; }
    const down = event.key === "ArrowDown" || (!typing && event.key === "j");
    const up = event.key === "ArrowUp" || (!typing && event.key === "k");
    if (!down && !up) { return; }
    event.preventDefault();
    const at = links.indexOf(document.activeElement);
    const next = down ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next].focus();
  });

  // Copy "text —— citation" for quoting.
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      const text = button.getAttribute("data-copy");
      const done = function () {
        const note = button.parentElement.querySelector(".copied");
        if (note) { note.hidden = false; }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else {
        fallbackCopy(text);
        done();
      }
    });
  });

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }
})();
