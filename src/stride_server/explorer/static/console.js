/* Stride API explorer: the live "Try it" console (list with filters, get, create, update, delete) and the
   rendering of its answers: status, a table of records with cursor pagination, problem+json explained. */
"use strict";

(function (SX) {
  const { el, $, pretty, state } = SX;
  const STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
    413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
    500: "Internal Server Error", 503: "Service Unavailable",
  };
  const STATUS_HINT = {
    400: "The request itself is malformed (query parameters, filters or cursor).",
    401: "The token is missing, expired or invalid: paste a bearer token at the top of the page.",
    403: "Your token is valid, but the person it names may not do this.",
    404: "No such record, or it is not visible to the person your token names.",
    405: "This entity does not offer that operation.",
    409: "The request conflicts with the record's current state.",
    412: "The record changed since you read it (If-Match / version mismatch).",
    422: "The body was understood but failed validation: fix the fields listed and send again.",
    503: "The database is unavailable; try again shortly.",
  };
  const OPERATORS = [["", "="], ["ne", "≠"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"],
    ["in", "in"], ["contains", "contains"], ["is_null", "is null"]];
  const QUERY_PARAMS = [["q", "q (search text)"], ["mine", "mine"], ["sort", "sort"],
    ["include_deleted", "include_deleted"], ["count", "count"]];
  const QUERY_VALUES = { mine: ["true"], include_deleted: ["true"], count: ["true"], sort: ["-created_at", "created_at", "-updated_at"] };
  const LABELS = { list: "List", get: "Get", create: "Create", update: "Update", delete: "Delete" };

  SX.consoleFor = function consoleFor(entity) {
    const response = el("section", { class: "response", id: "response", "aria-live": "polite", "aria-labelledby": "response-h" },
      el("h3", { id: "response-h" }, "Response"),
      el("p", { class: "muted" }, "Send a request to see the HTTP status and the JSON answer here."));
    const forms = { list: listForm, get: getForm, create: createForm, update: updateForm, delete: deleteForm };
    const items = entity.operations.filter((op) => forms[op])
      .map((op) => ({ key: op, label: LABELS[op], panel: forms[op](entity, response) }));
    const opTabs = SX.tabs(`${entity.name} operations`, items, async (key, panel) => {
      const body = $("textarea", panel);
      if (key === "create" && body && !body.dataset.edited) {
        body.value = pretty(SX.createExample(entity, true));
        if (await findSampleIds(entity) && !body.dataset.edited) body.value = pretty(SX.createExample(entity, true));
      }
      const input = $("input[name=id]", panel);
      if (input && !input.value && state.lastCreated[entity.name]) input.value = state.lastCreated[entity.name];
    });
    return el("div", { class: "console-grid" }, el("div", { class: "console-forms" }, opTabs.node), response);
  };

  /** For the create example: an id of a record the token can see, for each required reference to an entity
      (a new KeyResult needs an existing Objective). True when one was found. */
  async function findSampleIds(entity) {
    if (!SX.token()) return false;
    const wanted = entity.fields.filter((f) => f.required && !f.read_only && SX.entityByName(f.reference) &&
      !state.lastCreated[f.reference] && !state.sampleIds[f.reference]);
    const found = await Promise.all(wanted.map(async (f) => {
      const result = await call("GET", `${SX.entityByName(f.reference).path}?limit=1`);
      const record = result.status === 200 && result.body && Array.isArray(result.body.data) && result.body.data[0];
      if (record) state.sampleIds[f.reference] = record.id;
      return Boolean(record);
    }));
    return found.some(Boolean);
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

  function idRow(entity, op) {
    return el("div", { class: "field-row" },
      el("label", { for: `${op}-id` }, `${entity.name} id`),
      el("input", { type: "text", id: `${op}-id`, name: "id", required: true, spellcheck: "false", class: "mono",
        placeholder: `${entity.id_prefix}_…`, autocomplete: "off", value: state.lastCreated[entity.name] || null }));
  }

  const sendButton = (op, klass) => el("button", { type: "submit", class: klass || "primary" }, `Send ${op} request`);

  // ------------------------------------------------------------------ list
  function filterRow(entity, i) {
    const filterable = entity.fields.filter((f) => !["array", "object", "questions"].includes(f.format));
    const field = el("select", { name: "key", "aria-label": `Filter ${i} field` },
      el("option", { value: "" }, "— field —"),
      el("optgroup", { label: "Fields" }, filterable.map((f) => el("option", { value: f.name }, f.name))),
      el("optgroup", { label: "Query" }, QUERY_PARAMS.map(([v, label]) => el("option", { value: v }, label))));
    const op = el("select", { name: "op", "aria-label": `Filter ${i} operator`, class: "op-select" },
      OPERATORS.map(([v, label]) => el("option", { value: v }, label)));
    const choices = el("datalist", { id: `filter-values-${i}` });
    const value = el("input", { type: "text", name: "value", "aria-label": `Filter ${i} value`, placeholder: "value",
      spellcheck: "false", autocomplete: "off", list: choices.id });
    field.addEventListener("change", () => {
      const f = entity.fields.find((x) => x.name === field.value);
      const isQuery = Boolean(QUERY_VALUES[field.value]) || field.value === "q";
      op.disabled = isQuery;
      if (isQuery) op.value = "";
      const values = f ? (f.enum || (f.type === "boolean" ? ["true", "false"] : [])) : (QUERY_VALUES[field.value] || []);
      choices.replaceChildren(...values.map((v) => el("option", { value: v })));
      value.placeholder = values.length ? values.slice(0, 3).join(", ") + (values.length > 3 ? ", …" : "") : "value";
    });
    const row = el("div", { class: "filter" }, field, op, value, choices,
      el("button", { type: "button", class: "icon", "aria-label": `Remove filter ${i}`, title: "Remove filter",
        onclick: () => row.remove() }, "✕"));
    return row;
  }

  function listForm(entity, response) {
    const rows = el("div", { class: "filters", role: "group", "aria-labelledby": "filters-label" });
    let n = 0;
    const addRow = () => { const row = filterRow(entity, ++n); rows.append(row); return row; };
    addRow();
    const form = el("form", { class: "op-form", "data-op": "list" },
      el("span", { class: "label", id: "filters-label" }, "Filters"), rows,
      el("div", { class: "actions" },
        el("button", { type: "button", class: "small", onclick: () => $("select", addRow()).focus() }, "+ Add filter")),
      el("p", { class: "hint" }, "A comma means any of (", el("code", {}, "status=a,b"), "); ", el("code", {}, "q"),
        " searches the text fields. Enter sends."),
      el("div", { class: "field-row inline" }, el("label", { for: "list-limit" }, "Page size"),
        el("input", { type: "number", id: "list-limit", name: "limit", min: "1", max: "200", value: "20" })),
      el("div", { class: "actions" }, sendButton("list")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const params = new URLSearchParams();
      for (const row of rows.querySelectorAll(".filter")) {
        const key = $("select[name=key]", row).value;
        const op = $("select[name=op]", row).value;
        if (key) params.append(op ? `${key}[${op}]` : key, $("input[name=value]", row).value.trim());
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
    showResult(entity, response, await call("GET", entity.path + (qs ? `?${qs}` : "")), { list: true });
  }

  // ------------------------------------------------------------------ get, create, update, delete
  function getForm(entity, response) {
    const form = el("form", { class: "op-form", "data-op": "get" }, idRow(entity, "get"),
      el("div", { class: "actions" }, sendButton("get")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      showResult(entity, response, await call("GET", `${entity.path}/${encodeURIComponent($("input[name=id]", form).value.trim())}`), {});
    });
    return form;
  }

  function readBody(form, response, entity) {
    try {
      return { ok: true, value: JSON.parse($("textarea", form).value) };
    } catch (err) {
      showResult(entity, response, { status: 0, method: "—", url: "(not sent)", problem: true,
        body: { title: "The request body is not valid JSON", detail: `${err.message}. Fix the JSON and send again.` } }, {});
      return { ok: false };
    }
  }

  /** Buttons that add an optional field (with an example value) to the JSON body. */
  function fieldAdders(entity, textarea, fields) {
    return el("div", { class: "adders" }, el("span", { class: "hint" }, "Add a field:"), fields.map((f) =>
      el("button", { type: "button", class: "chip-button", title: f.description || "", onclick: () => {
        let body;
        try { body = JSON.parse(textarea.value || "{}"); } catch (_err) { textarea.focus(); return; }
        if (!(f.name in body)) body[f.name] = SX.example(f, entity, true);
        textarea.value = pretty(body);
        textarea.dataset.edited = "1";
      } }, f.name)));
  }

  function createForm(entity, response) {
    const optional = entity.fields.filter((f) => !f.required && !f.read_only && !SX.ENVELOPE.has(f.name));
    const textarea = el("textarea", { id: "create-body", name: "body", spellcheck: "false", wrap: "off", rows: "9", "aria-describedby": "create-hint" });
    textarea.value = pretty(SX.createExample(entity, true));
    textarea.addEventListener("input", () => { textarea.dataset.edited = "1"; });
    const reset = () => { textarea.value = pretty(SX.createExample(entity, true)); delete textarea.dataset.edited; textarea.focus(); };
    const form = submitOnCtrlEnter(el("form", { class: "op-form", "data-op": "create" },
      el("div", { class: "field-row" }, el("label", { for: "create-body" }, `New ${entity.name} (JSON body)`), textarea,
        el("p", { class: "hint", id: "create-hint" }, "Prefilled with the required fields. Ctrl+Enter sends.")),
      optional.length ? fieldAdders(entity, textarea, optional) : null,
      el("div", { class: "actions" }, sendButton("create"), el("button", { type: "button", onclick: reset }, "Reset example"))));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = readBody(form, response, entity);
      if (body.ok) showResult(entity, response, await call("POST", entity.path, body.value), { created: true });
    });
    return form;
  }

  function updateForm(entity, response) {
    const textarea = el("textarea", { id: "update-body", name: "body", spellcheck: "false", wrap: "off", rows: "6", "aria-describedby": "update-hint" });
    textarea.value = pretty(SX.updateExample(entity));
    const form = submitOnCtrlEnter(el("form", { class: "op-form", "data-op": "update" }, idRow(entity, "update"),
      el("div", { class: "field-row" }, el("label", { for: "update-body" }, "Changes (JSON body)"), textarea,
        el("p", { class: "hint", id: "update-hint" }, "Only the keys sent change; null clears a field. Add \"version\": n to refuse a stale write. Ctrl+Enter sends.")),
      el("div", { class: "actions" }, sendButton("update"))));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = readBody(form, response, entity);
      const id = $("input[name=id]", form).value.trim();
      if (body.ok) showResult(entity, response, await call("PATCH", `${entity.path}/${encodeURIComponent(id)}`, body.value), {});
    });
    return form;
  }

  function deleteForm(entity, response) {
    const form = el("form", { class: "op-form", "data-op": "delete" }, idRow(entity, "delete"),
      el("p", { class: "hint" }, "A soft delete: the record leaves lists (list it again with include_deleted=true)."),
      el("div", { class: "actions" }, sendButton("delete", "danger")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      showResult(entity, response, await call("DELETE", `${entity.path}/${encodeURIComponent($("input[name=id]", form).value.trim())}`), {});
    });
    return form;
  }

  async function call(method, url, body) {
    const headers = { Accept: "application/json" };
    if (SX.token()) headers.Authorization = `Bearer ${SX.token()}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const started = performance.now();
    try {
      const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed = null;
      try { parsed = text ? JSON.parse(text) : null; } catch (_err) { parsed = text; }
      return { status: res.status, method, url, body: parsed, ms: Math.round(performance.now() - started),
        problem: (res.headers.get("content-type") || "").includes("application/problem+json") };
    } catch (err) {
      return { status: 0, method, url, problem: true, body: { title: "Network error", detail: String(err) } };
    }
  }

  // ------------------------------------------------------------------ answers
  function keyColumns(entity) {
    const names = entity.fields.map((f) => f.name);
    const cols = ["id"];
    const title = ["title", "name"].find((n) => names.includes(n));
    if (title) cols.push(title);
    for (const n of ["kind", "status", "period", "progress_pct", "current_completion_pct", "completed_at"]) {
      if (names.includes(n) && cols.length < 5) cols.push(n);
    }
    return cols;
  }

  function cell(value) {
    if (value === null || value === undefined) return el("span", { class: "muted" }, "—");
    if (typeof value === "object") return el("code", {}, JSON.stringify(value));
    return String(value);
  }

  function pageNav(entity, response, body, count) {
    const list = state.list;
    const page = list ? list.page : 1;
    const nav = el("div", { class: "page-nav" },
      el("span", {}, `Page ${page} · ${count} record${count === 1 ? "" : "s"}` + (body.total !== undefined ? ` of ${body.total}` : "") +
        (body.next_cursor ? "" : " · last page")));
    if (list && page > 1) {
      nav.append(el("button", { type: "button", class: "small", onclick: () => {
        const params = new URLSearchParams(list.params);
        params.delete("cursor");
        state.list = { ...list, params, page: 1 };
        runList(entity, response, params);
      } }, "← First page"));
    }
    if (body.next_cursor && list) {
      nav.append(el("button", { type: "button", class: "small", id: "next-page", onclick: () => {
        const params = new URLSearchParams(list.params);
        params.set("cursor", body.next_cursor);
        state.list = { ...list, params, page: list.page + 1 };
        runList(entity, response, params);
      } }, "Next page →"));
    }
    return nav;
  }

  function resultsTable(entity, response, body) {
    const rows = Array.isArray(body.data) ? body.data : [];
    const cols = keyColumns(entity);
    const wrap = el("div", { class: "results" });
    if (!rows.length) wrap.append(el("p", { class: "empty" }, "No records match (or none are visible to your token)."));
    else {
      wrap.append(el("div", { class: "table-wrap" }, el("table", { "aria-label": `${entity.name} records` },
        el("thead", {}, el("tr", {}, cols.map((c) => el("th", { scope: "col" }, c)))),
        el("tbody", {}, rows.map((r) => el("tr", { "data-id": r.id }, cols.map((c) => el("td", { class: `col-${c}` },
          c === "id" ? el("button", { type: "button", class: "linkish", title: "Get this record",
            onclick: () => openRecord(entity, response, r.id) }, r.id) : cell(r[c])))))))));
    }
    wrap.append(pageNav(entity, response, body, rows.length));
    return wrap;
  }

  async function openRecord(entity, response, id) {
    for (const input of document.querySelectorAll("form[data-op] input[name=id]")) input.value = id;
    showResult(entity, response, await call("GET", `${entity.path}/${encodeURIComponent(id)}`), {});
  }

  function problemBox(result) {
    const p = result.body && typeof result.body === "object" ? result.body : { title: String(result.body || "Error") };
    const errors = Array.isArray(p.errors) ? p.errors : [];
    const box = el("div", { class: "problem", role: "alert" }, el("p", { class: "ptitle" }, p.title || "Error"));
    // The detail repeats the field errors when there are some; list those instead.
    if (p.detail && !errors.length) box.append(el("p", { class: "pdetail" }, p.detail));
    if (errors.length) {
      box.append(el("ul", { class: "perrors", "aria-label": "Field errors" }, errors.map((e) =>
        el("li", {}, el("code", {}, e.field || "(body)"), el("span", {}, e.message || "")))));
    }
    if (STATUS_HINT[result.status]) box.append(el("p", { class: "hint" }, STATUS_HINT[result.status]));
    if (p.current && typeof p.current === "object") box.append(el("p", { class: "hint" }, `Current version on the server: ${p.current.version}.`));
    if (p.request_id) box.append(el("p", { class: "hint" }, "Request id ", el("code", {}, p.request_id)));
    return box;
  }

  function statusLine(result) {
    const klass = `s${String(result.status)[0]}`;
    return el("h3", { id: "response-h" }, "Response",
      el("span", { class: `status ${klass}`, id: "response-status" },
        result.status ? `${result.status} ${STATUS_TEXT[result.status] || ""}`.trim() : "not sent"),
      result.ms !== undefined ? el("span", { class: "ms" }, `${result.ms} ms`) : null);
  }

  function showResult(entity, response, result, opts) {
    const parts = [statusLine(result), el("p", { class: "reqline" }, el("strong", {}, result.method), " ", result.url)];
    const ok = result.status >= 200 && result.status < 300;
    if (!ok) parts.push(problemBox(result));
    if (ok && opts.list && result.body) parts.push(resultsTable(entity, response, result.body));
    if (ok && opts.created && result.body && result.body.id) {
      state.lastCreated[entity.name] = result.body.id;
      for (const input of document.querySelectorAll("form[data-op] input[name=id]")) input.value = result.body.id;
      const uses = SX.state.entities.filter((e) => e.fields.some((f) => f.reference === entity.name && !f.read_only)).map((e) => e.name);
      parts.push(el("p", { class: "created" }, `Created ${entity.name} `, el("code", {}, result.body.id),
        ". Get, Update and Delete now use it" + (uses.length ? `, and so do new ${uses.join(" and ")} examples.` : ".")));
    }
    if (result.status === 204) parts.push(el("p", { class: "muted" }, "No content: the request succeeded."));
    if (result.body !== null && result.body !== undefined && result.status !== 0) {
      const pre = el("pre", { class: "code", tabindex: "0", id: "response-json", "aria-label": "Response JSON" },
        el("code", { text: typeof result.body === "string" ? result.body : pretty(result.body) }));
      // A list's records are in the table above, so its raw JSON starts folded.
      parts.push(opts.list && ok ? el("details", { class: "raw" }, el("summary", {}, "Response JSON"), pre) : pre);
    }
    response.replaceChildren(...parts);
  }
})(window.StrideExplorer = window.StrideExplorer || {});
