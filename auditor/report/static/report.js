/* Auditor report: clicking a highlighted number opens its card. Vanilla JS, no network. */
(function () {
  "use strict";

  function openCard(id, focus) {
    var card = document.getElementById(id);
    if (!card || card.tagName !== "DETAILS") { return; }
    var group = card.parentElement ? card.parentElement.closest("details.group") : null;
    if (group) { group.open = true; }
    card.open = true;
    document.querySelectorAll("details.card.selected").forEach(function (c) { c.classList.remove("selected"); });
    card.classList.add("selected");
    revealCard(card);
    if (focus) {
      var summary = card.querySelector("summary");
      if (summary) { summary.focus({ preventScroll: true }); }
    }
  }

  // Scroll the card list (not the page) when the list is beside the text; else bring the card into view.
  function revealCard(card) {
    var panel = card.closest(".cards");
    if (panel && panel.scrollHeight > panel.clientHeight) {
      var top = card.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
      panel.scrollTop = Math.max(0, top - 8);
    }
    var box = card.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 40) {
      card.scrollIntoView({ block: "start" });
    }
  }

  function flashClaim(id) {
    var claim = document.getElementById(id);
    if (!claim) { return; }
    claim.scrollIntoView({ block: "center" });
    claim.classList.remove("flash");
    void claim.offsetWidth;
    claim.classList.add("flash");
    claim.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var claim = target.closest("a.claim");
    if (claim) {
      event.preventDefault();
      openCard(claim.getAttribute("data-card"), true);
      return;
    }
    var back = target.closest("a.to-text");
    if (back) {
      event.preventDefault();
      flashClaim(back.getAttribute("data-claim"));
    }
  });

  if (window.location.hash.indexOf("#card-") === 0) {
    openCard(decodeURIComponent(window.location.hash.slice(1)), false);
  }
})();
