/* Stride API explorer: driven entirely by GET /api/v1/manifest. Plain JS, no build step, no dependencies.
   Everything user- or server-provided is inserted as text (never as HTML). */
"use strict";

(function () {
  const TOKEN_KEY = "stride.explorer.token";
  const STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
    413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
    500: "Internal Server Error", 503: "Service Unavailable",
  };
  const STATUS_HINT = {
    400: "The request itself is malformed (query parameters, filters or cursor).",
    401: "The token is missing, expired or invalid: paste a valid bearer token at the top.",
    403: "Your token is valid, but the person it names may not do this.",
    404: "No such record, or it is not visible to the person your token names.",
    405: "This entity does not offer that operation.",
    409: "The request conflicts with the record's current state.",
    412: "The record changed since you read it (If-Match / version mismatch).",
    422: "The body was understood but failed validation: fix the fields listed below.",
    503: "The database is unavailable; try again shortly.",
  };
  const ENVELOPE = new Set(["id", "tenant_id", "app_id", "created_at", "updated_at", "created_by", "updated_by",
    "source", "source_type", "is_deleted", "deleted_at", "deleted_by", "schema_version", "version"]);
  const REF_PREFIX = { person: "usr", group: "grp", review_cycle: "cyc" };

  const state = { manifest: null, entities: [], lastCreated: {}, list: null };
  let tabSeq = 0;

  // ------------------------------------------------------------------------------------ helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const $ = (sel, root) => (root || document).querySelector(sel);
  const pretty = (value) => JSON.stringify(value, null, 2);

  function token() { return $("#token").value.trim(); }

  function tokenClaims() {
    const parts = token().split(".");
    if (parts.length !== 3) return null;
    try {
      const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(b64 + "===".slice((b64.length + 3) % 4)))));
    } catch (_err) {
      return null;
    }
  }

  function updateTokenStatus() {
    const status = $("#token-status");
    const claims = tokenClaims();
    try { sessionStorage.setItem(TOKEN_KEY, token()); } catch (_err) { /* storage disabled */ }
    status.classList.toggle("ok", Boolean(claims));
    if (!token()) { status.textContent = "No token"; return; }
    if (!claims) { status.textContent = "Token set (not a readable JWT)"; return; }
    const expires = claims.exp ? new Date(claims.exp * 1000) : null;
    const expired = expires && expires < new Date();
    status.textContent = `tenant ${claims.tenant_id || "?"} · ${claims.sub || "?"}` +
      (expires ? (expired ? " · EXPIRED" : ` · until ${expires.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`) : "");
    status.title = status.textContent;
  }

  function entityByName(name) { return state.entities.find((e) => e.name === name); }

  function currentPeriod() {
    const now = new Date();
    return `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
  }

  function idPlaceholder(ref) {
    const target = entityByName(ref);
    const prefix = target ? target.id_prefix : (REF_PREFIX[ref] || "rec");
    return `${prefix}_01HXEXAMPLE`;
  }

  /** An example value for a field: live ids where we know them (last created record, token's person). */
  function example(field, entity, live) {
    if (field.reference) {
      if (live) {
        if (field.reference === "person" && tokenClaims()) return field.format === "string-array" ? [tokenClaims().sub] : tokenClaims().sub;
        if (state.lastCreated[field.reference]) return state.lastCreated[field.reference];
      }
      const id = idPlaceholder(field.reference);
      return field.format === "string-array" || field.format === "array" ? [id] : id;
    }
    if (field.enum && field.enum.length) return field.enum[0];
    if (field.pattern && field.pattern.includes("Q[1-4]")) return currentPeriod();
    switch (field.format) {
      case "date-time": return new Date().toISOString().replace(/\.\d+Z$/, "Z");
      case "int32": return 1;
      case "double": return field.name === "target" ? 100 : 0;
      case "percent": return 0;
      case "string-array": return ["example"];
      case "array": case "questions": return [];
      case "object": return {};
      default: break;
    }
    if (field.type === "boolean") return false;
    if (field.type === "number") return 0;
    if (["title", "name"].includes(field.name)) return `Example ${entity.name} from the explorer`;
    return `example ${field.name}`;
  }

  function createExample(entity, live) {
    const body = {};
    for (const f of entity.fields) if (f.required && !f.read_only) body[f.name] = example(f, entity, live);
    return body;
  }

  function updateExample(entity) {
    const f = entity.fields.find((x) => !x.read_only && ["title", "name"].includes(x.name)) ||
      entity.fields.find((x) => !x.read_only && !ENVELOPE.has(x.name) && x.type === "string" && !x.reference);
    return f ? { [f.name]: `Updated ${entity.name}` } : {};
  }

  // ------------------------------------------------------------------------------------ tabs
  function tabs(label, items, onSelect) {
    const id = `t${++tabSeq}`;
    const list = el("div", { role: "tablist", "aria-label": label });
    const panels = [];
    const buttons = items.map((item, i) => {
      const button = el("button", {
        type: "button", role: "tab", id: `${id}-tab-${i}`, "aria-controls": `${id}-panel-${i}`,
        "aria-selected": i === 0 ? "true" : "false", tabindex: i === 0 ? "0" : "-1", "data-tab": item.key,
      }, item.label);
      panels.push(el("div", { role: "tabpanel", id: `${id}-panel-${i}`, "aria-labelledby": `${id}-tab-${i}`,
        hidden: i !== 0, "data-panel": item.key }, item.panel));
      return button;
    });
    function select(i, focus) {
      buttons.forEach((b, j) => {
        b.setAttribute("aria-selected", i === j ? "true" : "false");
        b.tabIndex = i === j ? 0 : -1;
        panels[j].hidden = i !== j;
      });
      if (focus) buttons[i].focus();
      if (onSelect) onSelect(items[i].key, panels[i]);
    }
    buttons.forEach((b, i) => {
      b.addEventListener("click", () => select(i, false));
      b.addEventListener("keydown", (ev) => {
        const n = buttons.length;
        if (ev.key === "ArrowRight") { ev.preventDefault(); select((i + 1) % n, true); }
        if (ev.key === "ArrowLeft") { ev.preventDefault(); select((i - 1 + n) % n, true); }
        if (ev.key === "Home") { ev.preventDefault(); select(0, true); }
        if (ev.key === "End") { ev.preventDefault(); select(n - 1, true); }
      });
      list.append(b);
    });
    return { node: el("div", { class: "tabs" }, list, panels), select };
  }

  function codeBlock(text, label) {
    const pre = el("pre", { class: "code", tabindex: "0", "aria-label": label }, el("code", { text }));
    const copy = el("button", { type: "button", class: "copy", "aria-label": `Copy ${label}` }, "Copy");
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(text); copy.textContent = "Copied"; } catch (_err) { copy.textContent = "Select & copy"; }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    return el("div", { class: "code-wrap" }, pre, copy);
  }

  // ------------------------------------------------------------------------------------ SDK snippets
  function tsValue(value, indent) {
    return JSON.stringify(value, null, 2).replace(/"([a-z_][a-z0-9_]*)":/g, "$1:").split("\n").join("\n" + indent);
  }

  function pyValue(value) {
    return JSON.stringify(value).replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False").replace(/\bnull\b/g, "None");
  }

  function listExample(entity) {
    const status = entity.fields.find((f) => f.name === "status" && f.enum);
    return status ? { [status.name]: status.enum[Math.min(1, status.enum.length - 1)], limit: 20 } : { limit: 20 };
  }

  function snippets(entity) {
    const ops = new Set(entity.operations);
    const ts = entity.sdk.typescript, py = entity.sdk.python;
    const sample = createExample(entity, false);
    const patch = updateExample(entity);
    const id = `${entity.id_prefix}_01HXEXAMPLE`;
    const filters = listExample(entity);
    const origin = location.origin;

    const t = [`import { Client } from "@stride/sdk";`,
      `const client = new Client({ baseUrl: "${origin}", token: process.env.STRIDE_TOKEN });`, ""];
    const p = ["import os", "from stride import Client", "",
      `client = Client(base_url="${origin}", token=os.environ["STRIDE_TOKEN"])`, ""];
    const c = ['export STRIDE_TOKEN="<your token>"', ""];
    const url = `${origin}${entity.path}`;
    const auth = '-H "Authorization: Bearer $STRIDE_TOKEN"';
    if (ops.has("list")) {
      t.push("// list — returns only the records your token may see; add filters/search:",
        `await ${ts}.list()`, `await ${ts}.list(${tsValue(filters, "")})`, "");
      p.push("# list — returns only the records your token may see; add filters/search:",
        `${py}.list()`, `${py}.list(${Object.entries(filters).map(([k, v]) => `${k}=${pyValue(v)}`).join(", ")})`, "");
      const qs = new URLSearchParams(Object.entries(filters).map(([k, v]) => [k, String(v)])).toString();
      c.push("# list (filters as query parameters; follow next_cursor with &cursor=…)",
        `curl -s "${url}?${qs}" \\\n  ${auth}`, "");
    }
    if (ops.has("get")) {
      t.push("// get:", `await ${ts}.get("${id}")`, "");
      p.push("# get:", `${py}.get("${id}")`, "");
      c.push("# get", `curl -s "${url}/${id}" \\\n  ${auth}`, "");
    }
    if (ops.has("create")) {
      t.push("// create:", `await ${ts}.create(${tsValue(sample, "")})`, "");
      const kwargs = Object.entries(sample).map(([k, v]) => `    ${k}=${pyValue(v)},`);
      p.push("# create:", `${py}.create(`, ...kwargs, ")", "");
      c.push("# create", `curl -s -X POST "${url}" \\\n  ${auth} \\\n  -H "Content-Type: application/json" \\\n  -d '${JSON.stringify(sample)}'`, "");
    }
    if (ops.has("update")) {
      t.push("// update (partial; only the keys sent change):", `await ${ts}.update("${id}", ${tsValue(patch, "")})`, "");
      p.push("# update (partial; only the keys sent change):",
        `${py}.update("${id}", ${Object.entries(patch).map(([k, v]) => `${k}=${pyValue(v)}`).join(", ")})`, "");
      c.push("# update", `curl -s -X PATCH "${url}/${id}" \\\n  ${auth} \\\n  -H "Content-Type: application/json" \\\n  -d '${JSON.stringify(patch)}'`, "");
    }
    if (ops.has("delete")) {
      t.push("// delete (soft delete):", `await ${ts}.delete("${id}")`, "");
      p.push("# delete (soft delete):", `${py}.delete("${id}")`, "");
      c.push("# delete", `curl -s -X DELETE "${url}/${id}" \\\n  ${auth}`, "");
    }
    return { typescript: t.join("\n").trim(), python: p.join("\n").trim(), curl: c.join("\n").trim() };
  }

  // ------------------------------------------------------------------------------------ navigation
  function renderNav() {
    const nav = $("#nav");
    nav.replaceChildren();
    for (const domain of state.manifest.domains) {
      nav.append(el("h2", { id: `nav-${domain.name}` }, domain.title));
      nav.append(el("ul", { "aria-labelledby": `nav-${domain.name}` }, domain.entities.map((e) =>
        el("li", {}, el("a", { href: `#/${domain.name}/${e.name}`, "data-entity": e.name }, e.name,
          el("span", { class: "sdkns" }, `${e.sdk.typescript}.*`))))));
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

  function renderHome() {
    markNav(null);
    document.title = "Stride API explorer";
    const main = $("#main");
    main.replaceChildren(
      el("h1", { tabindex: "-1" }, "Stride API explorer"),
      el("p", { class: "lede" }, "Browse the Data API by domain and entity, read each entity's schema and SDK calls, " +
        "and try every operation live with a bearer token. Paste a token at the top, or pick a demo person when one is offered."),
      el("div", { class: "domains" }, state.manifest.domains.map((d) => el("section", { class: "card", "aria-labelledby": `home-${d.name}` },
        el("h2", { id: `home-${d.name}` }, d.title, " ", el("code", { class: "muted" }, `client.${d.name}`)),
        el("p", { class: "muted" }, d.description),
        el("ul", {}, d.entities.map((e) => el("li", {},
          el("a", { href: `#/${d.name}/${e.name}` }, e.name), " — ", e.description)))))),
      el("p", { class: "muted" }, `API version ${state.manifest.version} · `, el("a", { href: "/docs" }, "OpenAPI reference"),
        " · ", el("a", { href: "/api/v1/manifest" }, "raw manifest")),
    );
  }

  // ------------------------------------------------------------------------------------ entity page
  function schemaTable(entity) {
    const rows = entity.fields.map((f) => el("tr", { "data-field": f.name, class: ENVELOPE.has(f.name) ? "envelope" : null },
      el("td", { class: "field" }, el("code", {}, f.name)),
      el("td", { class: "type" }, f.type, f.format && f.format !== f.type ? el("span", { class: "fmt" }, f.format) : null,
        f.reference ? el("span", { class: "fmt" }, `→ ${f.reference}`) : null),
      el("td", { class: "required" }, f.required ? el("span", { class: "badge req" }, "required") : el("span", { class: "muted", "aria-label": "no" }, "—")),
      el("td", { class: "read-only" }, f.read_only ? el("span", { class: "badge ro" }, "read-only") : el("span", { class: "muted", "aria-label": "no" }, "—")),
      el("td", { class: "description" }, f.description || "", f.pattern ? el("span", { class: "fmt" }, "pattern ", el("code", {}, f.pattern)) : null),
      el("td", { class: "enum" }, f.enum ? el("div", { class: "chips" }, f.enum.map((v) => el("span", { class: "chip" }, v))) : null),
    ));
    return el("div", { class: "table-wrap" }, el("table", { "aria-label": `${entity.name} fields` },
      el("thead", {}, el("tr", {}, ["Field", "Type", "Required", "Read-only", "Description", "Enum values"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows)));
  }

  function renderEntity(domain, entity) {
    markNav(entity.name);
    document.title = `${entity.name} · Stride API explorer`;
    state.list = null;
    const code = snippets(entity);
    const sdk = tabs("SDK language", [
      { key: "typescript", label: "TypeScript", panel: codeBlock(code.typescript, "TypeScript snippet") },
      { key: "python", label: "Python", panel: codeBlock(code.python, "Python snippet") },
      { key: "curl", label: "curl", panel: codeBlock(code.curl, "curl snippet") },
    ]);
    const main = $("#main");
    main.replaceChildren(
      el("article", { "aria-labelledby": "entity-title", "data-entity": entity.name },
        el("p", { class: "crumb" }, `${domain.title} · `, el("code", {}, `client.${domain.name}`)),
        el("h1", { id: "entity-title", tabindex: "-1" }, entity.name),
        el("p", { class: "lede" }, entity.description),
        el("dl", { class: "meta" },
          el("dt", {}, "REST path"), el("dd", {}, el("code", { id: "rest-path" }, entity.path)),
          el("dt", {}, "Operations"), el("dd", {}, el("div", { class: "ops", id: "operations" }, entity.operations.map((o) => el("span", { class: "op" }, o)))),
          el("dt", {}, "SDK"), el("dd", {}, el("code", {}, `${entity.sdk.typescript}.*`), " · ", el("code", {}, `${entity.sdk.python}.*`)),
          el("dt", {}, "Id prefix"), el("dd", {}, el("code", {}, `${entity.id_prefix}_…`))),
        el("p", { class: "jump" }, el("a", { href: "#console" , onclick: jump("console") }, "Try it"),
          el("a", { href: "#schema", onclick: jump("schema") }, "Schema"), el("a", { href: "#sdk", onclick: jump("sdk") }, "SDK snippets")),
        el("section", { class: "card", id: "console", "aria-labelledby": "console-h" },
          el("h2", { id: "console-h" }, "Try it"), consoleFor(entity)),
        el("section", { class: "card", id: "schema", "aria-labelledby": "schema-h" },
          el("h2", { id: "schema-h" }, "Schema"),
          el("p", { class: "hint" }, "Read-only fields are stamped or computed by the server and ignored when sent. Required means required on create."),
          schemaTable(entity)),
        el("section", { class: "card", id: "sdk", "aria-labelledby": "sdk-h" },
          el("h2", { id: "sdk-h" }, "SDK"), sdk.node),
      ),
    );
    $("#entity-title").focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function jump(id) {
    return (ev) => { ev.preventDefault(); const target = document.getElementById(id); target.scrollIntoView({ behavior: "smooth" }); const h = target.querySelector("h2"); if (h) { h.tabIndex = -1; h.focus({ preventScroll: true }); } };
  }

  // ------------------------------------------------------------------------------------ console
  function consoleFor(entity) {
    const response = el("div", { class: "response", id: "response", "aria-live": "polite", "aria-labelledby": "response-h" },
      el("h3", { id: "response-h" }, "Response"), el("p", { class: "muted" }, "Send a request to see the HTTP status and the JSON answer here."));
    const forms = {
      list: listForm, get: getForm, create: createForm, update: updateForm, delete: deleteForm,
    };
    const labels = { list: "List", get: "Get", create: "Create", update: "Update", delete: "Delete" };
    const items = entity.operations.filter((op) => forms[op]).map((op) => ({ key: op, label: labels[op], panel: forms[op](entity, response) }));
    const opTabs = tabs(`${entity.name} operations`, items, (key, panel) => {
      if (key === "create") { const ta = $("textarea", panel); if (ta && !ta.dataset.edited) ta.value = pretty(createExample(entity, true)); }
      if (key === "update" || key === "get" || key === "delete") {
        const input = $("input[name=id]", panel);
        if (input && !input.value && state.lastCreated[entity.name]) input.value = state.lastCreated[entity.name];
      }
    });
    const consoleNode = el("div", { class: "console-grid" }, el("div", {}, opTabs.node), response);
    consoleNode.selectOp = opTabs.select;
    state.selectOp = (op) => { const i = items.findIndex((x) => x.key === op); if (i >= 0) opTabs.select(i, false); };
    return consoleNode;
  }

  function submitOnCtrlEnter(form) {
    form.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.tagName === "TEXTAREA") {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    return form;
  }

  function idRow(entity, formKey) {
    return el("div", { class: "field-row" },
      el("label", { for: `${formKey}-id` }, `${entity.name} id`),
      el("input", { type: "text", id: `${formKey}-id`, name: "id", required: true, spellcheck: "false",
        placeholder: `${entity.id_prefix}_…`, autocomplete: "off", value: state.lastCreated[entity.name] || null }));
  }

  function listForm(entity, response) {
    const filterable = entity.fields.filter((f) => !["json", "array", "object", "questions"].includes(f.format) || f.format === "string-array").map((f) => f.name);
    const datalist = el("datalist", { id: "filter-keys" },
      ["q", "mine", "sort", "include_deleted", "count", ...filterable].map((k) => el("option", { value: k })));
    const rows = el("div", { class: "filters" });
    let n = 0;
    function addRow(key, value) {
      const i = ++n;
      const row = el("div", { class: "filter" },
        el("input", { type: "text", name: "key", "aria-label": `Filter ${i} field`, placeholder: "field (e.g. status)", list: "filter-keys", value: key || null, spellcheck: "false" }),
        el("span", { class: "eq", "aria-hidden": "true" }, "="),
        el("input", { type: "text", name: "value", "aria-label": `Filter ${i} value`, placeholder: "value", value: value || null, spellcheck: "false" }),
        el("button", { type: "button", class: "small", "aria-label": `Remove filter ${i}`, onclick: () => row.remove() }, "✕"));
      rows.append(row);
      return row;
    }
    addRow();
    const form = el("form", { class: "op-form", "data-op": "list" },
      el("p", { class: "hint" }, "Filters are sent as query parameters: ", el("code", {}, "field=value"), ", ",
        el("code", {}, "field=a,b"), ", ", el("code", {}, "field[gte]=10"), ", plus ", el("code", {}, "q"), ", ",
        el("code", {}, "mine=true"), ", ", el("code", {}, "sort=-created_at"), "."),
      el("span", { class: "label", id: "filters-label" }, "Filters"), datalist, rows,
      el("div", { class: "actions" },
        el("button", { type: "button", class: "small", onclick: () => $("input", addRow()).focus() }, "+ Add filter")),
      el("div", { class: "field-row" }, el("label", { for: "list-limit" }, "Limit (1–200)"),
        el("input", { type: "number", id: "list-limit", name: "limit", min: "1", max: "200", value: "20", style: "max-width:120px" })),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send list request")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const params = new URLSearchParams();
      for (const row of rows.querySelectorAll(".filter")) {
        const key = $("input[name=key]", row).value.trim();
        if (key) params.append(key, $("input[name=value]", row).value.trim());
      }
      const limit = $("#list-limit", form).value.trim();
      if (limit) params.set("limit", limit);
      state.list = { entity, params, page: 1 };
      runList(entity, response, params);
    });
    return form;
  }

  async function runList(entity, response, params) {
    const qs = params.toString();
    const result = await call("GET", entity.path + (qs ? `?${qs}` : ""));
    showResult(entity, response, result, { list: true });
  }

  function getForm(entity, response) {
    const form = el("form", { class: "op-form", "data-op": "get" }, idRow(entity, "get"),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send get request")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const id = $("input[name=id]", form).value.trim();
      showResult(entity, response, await call("GET", `${entity.path}/${encodeURIComponent(id)}`), {});
    });
    return form;
  }

  function jsonBody(form, response, entity) {
    const text = $("textarea", form).value;
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (err) {
      showResult(entity, response, { status: 0, method: "—", url: "(not sent)", problem: true,
        body: { title: "Invalid JSON in the request body", detail: `${err.message}. Fix the JSON and send again.` } }, {});
      return { ok: false };
    }
  }

  function createForm(entity, response) {
    const optional = entity.fields.filter((f) => !f.required && !f.read_only && !ENVELOPE.has(f.name)).map((f) => f.name);
    const textarea = el("textarea", { id: "create-body", name: "body", spellcheck: "false", rows: "10", "aria-describedby": "create-hint" });
    textarea.value = pretty(createExample(entity, true));
    textarea.addEventListener("input", () => { textarea.dataset.edited = "1"; });
    const form = submitOnCtrlEnter(el("form", { class: "op-form", "data-op": "create" },
      el("div", { class: "field-row" }, el("label", { for: "create-body" }, `New ${entity.name} (JSON)`), textarea,
        el("p", { class: "hint", id: "create-hint" }, "Prefilled with the required writable fields. Ctrl+Enter sends. ",
          optional.length ? `Optional: ${optional.join(", ")}.` : "")),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send create request"),
        el("button", { type: "button", onclick: () => { textarea.value = pretty(createExample(entity, true)); delete textarea.dataset.edited; textarea.focus(); } }, "Reset example"))));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = jsonBody(form, response, entity);
      if (!body.ok) return;
      showResult(entity, response, await call("POST", entity.path, body.value), { created: true });
    });
    return form;
  }

  function updateForm(entity, response) {
    const textarea = el("textarea", { id: "update-body", name: "body", spellcheck: "false", rows: "6", "aria-describedby": "update-hint" });
    textarea.value = pretty(updateExample(entity));
    const form = submitOnCtrlEnter(el("form", { class: "op-form", "data-op": "update" }, idRow(entity, "update"),
      el("div", { class: "field-row" }, el("label", { for: "update-body" }, "JSON patch"), textarea,
        el("p", { class: "hint", id: "update-hint" }, "Only the keys sent change; null clears a field. Add \"version\": n for optimistic locking. Ctrl+Enter sends.")),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Send update request"))));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = jsonBody(form, response, entity);
      if (!body.ok) return;
      const id = $("input[name=id]", form).value.trim();
      showResult(entity, response, await call("PATCH", `${entity.path}/${encodeURIComponent(id)}`, body.value), {});
    });
    return form;
  }

  function deleteForm(entity, response) {
    const form = el("form", { class: "op-form", "data-op": "delete" }, idRow(entity, "delete"),
      el("p", { class: "hint" }, "A soft delete: the record disappears from lists (see it again with include_deleted=true)."),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "danger" }, "Send delete request")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const id = $("input[name=id]", form).value.trim();
      showResult(entity, response, await call("DELETE", `${entity.path}/${encodeURIComponent(id)}`), {});
    });
    return form;
  }

  async function call(method, url, body) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const type = res.headers.get("content-type") || "";
      const text = await res.text();
      let parsed = null;
      try { parsed = text ? JSON.parse(text) : null; } catch (_err) { parsed = text; }
      return { status: res.status, method, url, body: parsed, problem: type.includes("application/problem+json"),
        requestId: res.headers.get("x-request-id") };
    } catch (err) {
      return { status: 0, method, url, problem: true, body: { title: "Network error", detail: String(err) } };
    }
  }

  function keyColumns(entity) {
    const names = entity.fields.map((f) => f.name);
    const cols = ["id"];
    for (const n of ["title", "name"]) if (names.includes(n)) { cols.push(n); break; }
    for (const n of ["status", "kind", "period", "progress_pct", "person_id", "objective_id"]) {
      if (names.includes(n) && cols.length < 4) cols.push(n);
    }
    return cols;
  }

  function cell(value) {
    if (value === null || value === undefined) return el("span", { class: "muted" }, "—");
    if (typeof value === "object") return el("code", {}, JSON.stringify(value));
    return String(value);
  }

  function resultsTable(entity, response, body) {
    const rows = Array.isArray(body.data) ? body.data : [];
    const cols = keyColumns(entity);
    const wrap = el("div", { class: "results" });
    if (!rows.length) { wrap.append(el("p", { class: "empty" }, "No records match (or none are visible to your token).")); }
    else {
      wrap.append(el("div", { class: "table-wrap" }, el("table", { "aria-label": `${entity.name} results` },
        el("thead", {}, el("tr", {}, cols.map((c) => el("th", { scope: "col" }, c)))),
        el("tbody", {}, rows.map((r) => el("tr", { "data-id": r.id }, cols.map((c) => el("td", {},
          c === "id" ? el("button", { type: "button", class: "linkish", title: "Get this record",
            onclick: async () => { openRecord(entity, response, r.id); } }, r.id) : cell(r[c])))))))));
    }
    const list = state.list;
    const nav = el("div", { class: "page-nav" }, `Page ${list ? list.page : 1} · ${rows.length} record${rows.length === 1 ? "" : "s"}` +
      (body.total !== undefined ? ` of ${body.total}` : ""));
    if (body.next_cursor && list) {
      nav.append(el("button", { type: "button", class: "small", id: "next-page", onclick: () => {
        const params = new URLSearchParams(list.params);
        params.set("cursor", body.next_cursor);
        state.list = { ...list, params, page: list.page + 1 };
        runList(entity, response, params);
      } }, "Next page →"));
    } else {
      nav.append(el("span", {}, "· last page"));
    }
    wrap.append(nav);
    return wrap;
  }

  async function openRecord(entity, response, id) {
    for (const input of document.querySelectorAll("form[data-op] input[name=id]")) input.value = id;
    showResult(entity, response, await call("GET", `${entity.path}/${encodeURIComponent(id)}`), {});
  }

  function problemBox(result) {
    const p = result.body && typeof result.body === "object" ? result.body : { title: String(result.body || "Error") };
    const box = el("div", { class: "problem", role: "alert" },
      el("p", { class: "ptitle" }, p.title || "Error"),
      p.detail ? el("p", { class: "pdetail" }, p.detail) : null,
      STATUS_HINT[result.status] ? el("p", { class: "hint" }, STATUS_HINT[result.status]) : null);
    if (Array.isArray(p.errors) && p.errors.length) {
      box.append(el("ul", { class: "perrors", "aria-label": "Field errors" }, p.errors.map((e) =>
        el("li", {}, el("code", {}, e.field || "(body)"), " → ", e.message || ""))));
    }
    if (p.request_id || result.requestId) box.append(el("p", { class: "hint" }, `Request id ${p.request_id || result.requestId}`));
    return box;
  }

  function showResult(entity, response, result, opts) {
    const klass = `s${String(result.status)[0]}`;
    const head = el("h3", { id: "response-h" }, "Response",
      el("span", { class: `status ${klass}`, id: "response-status" }, result.status ? `${result.status} ${STATUS_TEXT[result.status] || ""}`.trim() : "not sent"));
    const parts = [head, el("p", { class: "reqline" }, `${result.method} ${result.url}`)];
    const ok = result.status >= 200 && result.status < 300;
    if (!ok && (result.problem || result.status >= 400 || result.status === 0)) parts.push(problemBox(result));
    if (ok && opts.list && result.body) parts.push(resultsTable(entity, response, result.body));
    if (ok && opts.created && result.body && result.body.id) {
      state.lastCreated[entity.name] = result.body.id;
      for (const input of document.querySelectorAll("form[data-op] input[name=id]")) input.value = result.body.id;
      parts.push(el("p", { class: "created" }, `Created ${entity.name} `, el("code", {}, result.body.id),
        ". Its id is now prefilled in Get, Update and Delete", entity.name === "Objective" ? " and in KeyResult's create example." : "."));
    }
    if (result.status === 204) parts.push(el("p", { class: "muted" }, "No content: the request succeeded."));
    if (result.body !== null && result.body !== undefined) {
      const pre = el("pre", { class: "code", tabindex: "0", id: "response-json", "aria-label": "Response JSON" },
        el("code", { text: typeof result.body === "string" ? result.body : pretty(result.body) }));
      parts.push(opts.list && ok ? el("details", { class: "raw" }, el("summary", {}, "Response JSON"), pre) : pre);
    }
    response.replaceChildren(...parts);
  }

  // ------------------------------------------------------------------------------------ demo tokens
  async function setupDemo() {
    try {
      const res = await fetch("/api/v1/explorer/demo-people", { headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const people = (await res.json()).data || [];
      if (!people.length) return;
      const select = $("#demo-person");
      select.replaceChildren(...people.map((p) => el("option", { value: p.id }, `${p.name} — ${p.access_level}${p.job_title ? `, ${p.job_title}` : ""}`)));
      const form = $("#demo-form");
      form.hidden = false;
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const r = await fetch("/api/v1/explorer/demo-token", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ person_id: select.value }) });
        if (!r.ok) { $("#token-status").textContent = `Demo token failed (${r.status})`; return; }
        $("#token").value = (await r.json()).token;
        updateTokenStatus();
      });
    } catch (_err) { /* no demo helpers here */ }
  }

  // ------------------------------------------------------------------------------------ boot
  async function boot() {
    const input = $("#token");
    try { input.value = sessionStorage.getItem(TOKEN_KEY) || ""; } catch (_err) { /* storage disabled */ }
    input.addEventListener("input", updateTokenStatus);
    $("#token-form").addEventListener("submit", (ev) => ev.preventDefault());
    $("#token-toggle").addEventListener("click", (ev) => {
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      ev.currentTarget.textContent = show ? "Hide" : "Show";
      ev.currentTarget.setAttribute("aria-pressed", String(show));
    });
    updateTokenStatus();
    setupDemo();
    try {
      const res = await fetch("/api/v1/manifest", { headers: { Accept: "application/json" } });
      if (!res.ok) throw new Error(`GET /api/v1/manifest answered ${res.status}`);
      state.manifest = await res.json();
    } catch (err) {
      $("#main").replaceChildren(el("div", { class: "problem", role: "alert" }, el("p", { class: "ptitle" }, "Could not load the manifest"), el("p", {}, String(err))));
      $("#nav").replaceChildren();
      return;
    }
    state.entities = state.manifest.domains.flatMap((d) => d.entities);
    renderNav();
    window.addEventListener("hashchange", route);
    route();
  }

  document.addEventListener("DOMContentLoaded", boot);
})();
