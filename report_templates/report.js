// The report's toolbar: filter the findings by status and section, search them, expand or collapse evidence.
// Progressive enhancement: without this script every finding is shown and the toolbar stays hidden.
(function () {
  "use strict";
  const $ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const toolbar = document.getElementById("toolbar");
  if (!toolbar) return;
  const rows = $("tr.finding");
  const sections = $("section.findings");
  const buttons = $("button[data-filter-status]", toolbar);
  const select = document.getElementById("filter-section");
  const search = document.getElementById("filter-search");
  const showing = document.getElementById("showing");
  const empty = document.getElementById("no-match");
  // Underscores as spaces, so "care settings" finds the missing element care_settings.
  const norm = (text) => text.toLowerCase().replace(/_/g, " ").replace(/\s+/g, " ");
  const haystacks = rows.map((row) => norm($("[data-search]", row).map((el) => el.textContent).join(" \n ")));

  function apply() {
    const statuses = buttons.filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset.filterStatus);
    const section = select.value;
    const terms = norm(search.value).split(" ").filter(Boolean);
    let shown = 0;
    rows.forEach((row, i) => {
      const visible = (!statuses.length || statuses.includes(row.dataset.status))
        && (!section || section === row.dataset.checklist + "/" + row.dataset.section)
        && terms.every((term) => haystacks[i].includes(term));
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    sections.forEach((s) => { s.hidden = !s.querySelector("tr.finding:not([hidden])"); });
    const filters = [];
    if (statuses.length) filters.push("status: " + statuses.map((s) => s.replace(/_/g, " ")).join(", "));
    if (section) filters.push("section: " + select.options[select.selectedIndex].text);
    if (terms.length) filters.push("search: \u201c" + search.value.trim() + "\u201d");
    showing.textContent = "Showing " + shown + " of " + rows.length + " requirements"
      + (filters.length ? " (" + filters.join("; ") + ")" : "");
    empty.hidden = shown > 0;
    toolbar.classList.toggle("filtered", filters.length > 0);
    toolbar.classList.toggle("by-status", statuses.length > 0);
    toHash(statuses, section, search.value.trim());
  }

  // The filters live in the URL's fragment (#status=not_met,partial&section=...&q=...): a filtered view can be
  // shared or bookmarked, and opens filtered. A fragment naming a place (#r-..., #s-...) is the browser's.
  const isFilterHash = (hash) => hash.includes("=");

  function toHash(statuses, section, query) {
    const params = new URLSearchParams();
    if (statuses.length) params.set("status", statuses.join(","));
    if (section) params.set("section", section);
    if (query) params.set("q", query);
    const hash = params.toString();
    if (!hash && location.hash && !isFilterHash(location.hash)) return;
    if ("#" + hash === location.hash || (!hash && !location.hash)) return;
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function fromHash() {
    if (!isFilterHash(location.hash)) return false;
    const params = new URLSearchParams(location.hash.slice(1));
    const wanted = (params.get("status") || "").split(",");
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(wanted.includes(b.dataset.filterStatus))));
    const section = params.get("section") || "";
    select.value = Array.from(select.options).some((o) => o.value === section) ? section : "";
    search.value = params.get("q") || "";
    return true;
  }

  function reset() {
    buttons.forEach((b) => b.setAttribute("aria-pressed", "false"));
    select.value = "";
    search.value = "";
    apply();
  }

  function only(status) {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.filterStatus === status)));
    select.value = "";
    search.value = "";
    apply();
    document.getElementById("findings").scrollIntoView();
  }

  buttons.forEach((b) => b.addEventListener("click", () => {
    b.setAttribute("aria-pressed", String(b.getAttribute("aria-pressed") !== "true"));
    apply();
  }));
  select.addEventListener("change", apply);
  search.addEventListener("input", apply);
  document.getElementById("filter-reset").addEventListener("click", reset);
  const details = $("#findings details");
  document.getElementById("expand-all").addEventListener("click", () => details.forEach((d) => { d.open = true; }));
  document.getElementById("collapse-all").addEventListener("click", () => details.forEach((d) => { d.open = false; }));

  // The summary's status counts set the filter.
  $("#summary [data-filter-status]").forEach((el) => {
    el.tabIndex = 0;
    el.setAttribute("role", "button");
    el.title = "Show only these requirements";
    el.addEventListener("click", () => only(el.dataset.filterStatus));
    el.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); only(el.dataset.filterStatus); }
    });
  });

  // A link to a requirement or section that the filters hide clears them first.
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("a[href^='#']");
    const target = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (target && target.closest("[hidden]")) reset();
  });

  // Print every passage, then restore what the reader had open.
  let closed = [];
  window.addEventListener("beforeprint", () => {
    closed = details.filter((d) => !d.open);
    closed.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    closed.forEach((d) => { d.open = false; });
    closed = [];
  });

  window.addEventListener("hashchange", () => { if (fromHash()) apply(); });

  document.documentElement.classList.add("js");
  toolbar.hidden = false;
  fromHash();
  apply();
})();
