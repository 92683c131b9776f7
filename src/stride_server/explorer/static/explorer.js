/* Stride API explorer: the pages (home, one per entity), navigation, demo tokens and start-up.
   Driven entirely by GET /api/v1/manifest; plain JS, no build step, no dependencies. */
"use strict";

(function (SX) {
  const { el, $, state } = SX;
  const LEVELS = ["executive", "head", "manager", "lead", "employee"];
  const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const entityHref = (domain, entity) => `#/${domain.name}/${entity.name}`;

  // ------------------------------------------------------------------ navigation
  function renderNav() {
    const nav = $("#nav");
    nav.replaceChildren();
    for (const domain of state.manifest.domains) {
      nav.append(el("h2", { id: `nav-${domain.name}` }, domain.title));
      nav.append(el("ul", { "aria-labelledby": `nav-${domain.name}` }, domain.entities.map((e) =>
        el("li", {}, el("a", { href: entityHref(domain, e), "data-entity": e.name },
          el("span", { class: "name" }, e.name),
          el("span", { class: "sdkns", title: `${e.sdk.typescript} · ${e.sdk.python}` }, e.sdk.typescript.replace(/^client\./, "")))))));
    }
  }

  function markNav(name) {
    for (const a of document.querySelectorAll("#nav a")) {
      if (a.dataset.entity === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  }

  function route() {
    if (!state.manifest) return;
    const [, domainName, entityName] = location.hash.replace(/^#/, "").split("/");
    const domain = state.manifest.domains.find((d) => d.name === domainName);
    const entity = domain && domain.entities.find((e) => e.name === entityName);
    if (entity) renderEntity(domain, entity);
    else renderHome();
  }

  function linkToEntity(name) {
    for (const domain of state.manifest.domains) {
      const entity = domain.entities.find((e) => e.name === name);
      if (entity) return el("a", { href: entityHref(domain, entity) }, name);
    }
    return name;
  }

  // ------------------------------------------------------------------ home
  function renderHome() {
    markNav(null);
    document.title = "Stride API explorer";
    const demo = !$("#demo-form").hidden;
    $("#main").replaceChildren(
      el("h1", { tabindex: "-1" }, "Stride API explorer"),
      el("p", { class: "lede" }, "The Data API by domain and entity: each page shows the REST path, the operations, " +
        "the schema and SDK calls, and a console that sends real requests with your token."),
      el("div", { class: "domains" }, state.manifest.domains.map((d) => el("section", { class: "card", "aria-labelledby": `home-${d.name}` },
        el("h2", { id: `home-${d.name}` }, d.title, " ", el("code", { class: "muted" }, `client.${d.name}`)),
        el("p", { class: "muted" }, d.description),
        el("ul", {}, d.entities.map((e) => el("li", {},
          el("a", { href: entityHref(d, e) }, e.name), el("span", { class: "muted" }, ` — ${e.description}`))))))),
      el("section", { class: "card start", "aria-labelledby": "start-h" },
        el("h2", { id: "start-h" }, "Getting started"),
        el("ol", {},
          el("li", {}, el("strong", {}, "Get a token. "), demo
            ? "Pick a demo person at the top right and press “Use demo token” (each access level sees different records)."
            : ["Paste a bearer token at the top; mint one with ", el("code", {}, "stride token --tenant <tenant> --sub <person id>"), "."]),
          el("li", {}, el("strong", {}, "Open an entity "), "in the list on the left: its page starts with the REST path and operations."),
          el("li", {}, el("strong", {}, "Try it: "), "list with filters, get, create, update or delete. Errors come back as " +
            "problem+json and are explained next to the response, field by field.")),
        el("p", { class: "hint" }, "Keyboard: Tab moves between controls, Enter sends a form (Ctrl+Enter from a JSON body), " +
          "arrow keys switch tabs.")),
      el("p", { class: "muted footer" }, `API version ${state.manifest.version} · `, el("a", { href: "/docs" }, "OpenAPI reference"),
        " · ", el("a", { href: "/api/v1/manifest" }, "raw manifest")),
    );
  }

  // ------------------------------------------------------------------ entity page
  function typeCell(f) {
    const extra = f.format && !["id", f.type].includes(f.format) ? el("span", { class: "fmt" }, f.format) : null;
    const ref = f.reference ? el("span", { class: "fmt" }, "→ ", linkToEntity(f.reference)) : null;
    return el("td", { class: "type" }, f.type, extra, ref);
  }

  function fieldRow(f) {
    const no = () => el("span", { class: "muted", "aria-label": "no" }, "—");
    return el("tr", { "data-field": f.name },
      el("th", { class: "field", scope: "row" }, el("code", {}, f.name)),
      typeCell(f),
      el("td", { class: "required" }, f.required ? el("span", { class: "badge req" }, "required") : no()),
      el("td", { class: "read-only" }, f.read_only ? el("span", { class: "badge ro" }, "read-only") : no(),
        f.computed ? el("span", { class: "fmt" }, "computed") : null),
      el("td", { class: "description" }, f.description || "",
        f.pattern ? el("span", { class: "fmt" }, "pattern ", el("code", {}, f.pattern)) : null),
      el("td", { class: "enum" }, f.enum ? el("div", { class: "chips" }, f.enum.map((v) => el("span", { class: "chip" }, v))) : null));
  }

  function schemaTable(entity) {
    const own = entity.fields.filter((f) => !SX.ENVELOPE.has(f.name));
    const envelope = entity.fields.filter((f) => SX.ENVELOPE.has(f.name));
    const group = (label, fields) => el("tbody", {},
      el("tr", { class: "group" }, el("th", { colspan: "6", scope: "colgroup" }, label)), fields.map(fieldRow));
    return el("div", { class: "table-wrap" }, el("table", { class: "schema", "aria-label": `${entity.name} fields` },
      el("colgroup", {}, ["c-field", "c-type", "c-req", "c-ro", "c-desc", "c-enum"].map((c) => el("col", { class: c }))),
      el("thead", {}, el("tr", {}, ["Field", "Type", "Required", "Read-only", "Description", "Enum values"].map((h) => el("th", { scope: "col" }, h)))),
      group(`${entity.name} fields`, own),
      group("Envelope — on every entity, stamped by the server (source and source_type are settable)", envelope)));
  }

  function renderEntity(domain, entity) {
    markNav(entity.name);
    document.title = `${entity.name} · Stride API explorer`;
    state.list = null;
    const code = SX.snippets(entity);
    const sdk = SX.tabs("SDK language", [
      { key: "typescript", label: "TypeScript", panel: SX.codeBlock(code.typescript, "TypeScript snippet") },
      { key: "python", label: "Python", panel: SX.codeBlock(code.python, "Python snippet") },
      { key: "curl", label: "curl", panel: SX.codeBlock(code.curl, "curl snippet") },
    ]);
    const jump = (id, label) => el("a", { href: `#${id}`, onclick: jumpTo(id) }, label);
    $("#main").replaceChildren(
      el("article", { "aria-labelledby": "entity-title", "data-entity": entity.name },
        el("header", { class: "entity-head" },
          el("p", { class: "crumb" }, el("a", { href: "#/" }, "Explorer"), " / ", domain.title),
          el("h1", { id: "entity-title", tabindex: "-1" }, entity.name),
          el("p", { class: "lede" }, entity.description),
          el("dl", { class: "meta" },
            el("div", {}, el("dt", {}, "REST path"), el("dd", {}, el("code", { id: "rest-path" }, entity.path))),
            el("div", {}, el("dt", {}, "Operations"), el("dd", {}, el("div", { class: "ops", id: "operations" },
              entity.operations.map((o) => el("span", { class: `op op-${o}` }, o))))),
            el("div", {}, el("dt", {}, "SDK"), el("dd", { class: "sdk-names" },
              el("span", {}, el("abbr", { title: "TypeScript" }, "TS"), el("code", {}, entity.sdk.typescript)),
              el("span", {}, el("abbr", { title: "Python" }, "Py"), el("code", {}, entity.sdk.python)))),
            el("div", {}, el("dt", {}, "Id prefix"), el("dd", {}, el("code", {}, `${entity.id_prefix}_…`)))),
          el("nav", { class: "jump", "aria-label": "On this page" }, jump("console", "Try it"), jump("schema", "Schema"), jump("sdk", "SDK snippets"))),
        el("section", { class: "card", id: "console", "aria-labelledby": "console-h" },
          el("h2", { id: "console-h" }, "Try it"), SX.consoleFor(entity)),
        el("section", { class: "card", id: "schema", "aria-labelledby": "schema-h" },
          el("h2", { id: "schema-h" }, "Schema"),
          el("p", { class: "hint" }, "Required means required on create. Read-only and computed fields are set by the server; " +
            "sent in a body they are ignored."),
          schemaTable(entity)),
        el("section", { class: "card", id: "sdk", "aria-labelledby": "sdk-h" },
          el("h2", { id: "sdk-h" }, "SDK snippets"), sdk.node),
      ),
    );
    $("#entity-title").focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function jumpTo(id) {
    return (ev) => {
      ev.preventDefault();
      const target = document.getElementById(id);
      target.scrollIntoView({ behavior: "smooth" });
      const heading = target.querySelector("h2");
      if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    };
  }

  // ------------------------------------------------------------------ demo tokens (embedded mode only)
  async function setupDemo() {
    let people = [];
    try {
      const res = await fetch("/api/v1/explorer/demo-people", { headers: { Accept: "application/json" } });
      if (res.ok) people = (await res.json()).data || [];
    } catch (_err) { /* no demo helpers on this server */ }
    if (!people.length) return;
    const select = $("#demo-person");
    const byLevel = LEVELS.map((level) => [level, people.filter((p) => p.access_level === level)]).filter(([, ps]) => ps.length);
    select.replaceChildren(...byLevel.map(([level, ps]) => el("optgroup", { label: capitalize(level) },
      ps.map((p) => el("option", { value: p.id, title: p.job_title || null, "data-label": `${p.name} (${p.access_level})` },
        p.name)))));
    const form = $("#demo-form");
    form.hidden = false;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await fetch("/api/v1/explorer/demo-token", { method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify({ person_id: select.value }) });
      if (!res.ok) { $("#token-status").textContent = `Demo token failed (${res.status})`; return; }
      const minted = await res.json();
      SX.rememberName(minted.person_id, select.selectedOptions[0].dataset.label);
      $("#token").value = minted.token;
      SX.updateTokenStatus();
    });
    if (!location.hash.startsWith("#/") || location.hash === "#/") route(); // the home page mentions the picker
  }

  // ------------------------------------------------------------------ start-up
  async function boot() {
    const input = $("#token");
    input.value = SX.restoreToken();
    input.addEventListener("input", SX.updateTokenStatus);
    $("#token-form").addEventListener("submit", (ev) => ev.preventDefault());
    $("#token-toggle").addEventListener("click", (ev) => {
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      ev.currentTarget.textContent = show ? "Hide" : "Show";
      ev.currentTarget.setAttribute("aria-pressed", String(show));
    });
    SX.updateTokenStatus();
    try {
      const res = await fetch("/api/v1/manifest", { headers: { Accept: "application/json" } });
      if (!res.ok) throw new Error(`GET /api/v1/manifest answered ${res.status}`);
      state.manifest = await res.json();
    } catch (err) {
      $("#main").replaceChildren(el("div", { class: "problem", role: "alert" },
        el("p", { class: "ptitle" }, "Could not load the manifest"), el("p", {}, String(err))));
      $("#nav").replaceChildren();
      return;
    }
    state.entities = state.manifest.domains.flatMap((d) => d.entities);
    renderNav();
    window.addEventListener("hashchange", route);
    route();
    setupDemo();
  }

  document.addEventListener("DOMContentLoaded", boot);
})(window.StrideExplorer = window.StrideExplorer || {});
