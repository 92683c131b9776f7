/* Stride API explorer, shared helpers: DOM building, the bearer token, tabs and code blocks.
   Everything user- or server-provided is inserted as text (never as HTML). */
"use strict";

(function (SX) {
  const TOKEN_KEY = "stride.explorer.token";
  const NAMES_KEY = "stride.explorer.names";

  // The envelope every entity carries (CONTRACT §2.2); shown after the entity's own fields.
  SX.ENVELOPE = new Set(["id", "tenant_id", "app_id", "created_at", "updated_at", "created_by", "updated_by",
    "source", "source_type", "is_deleted", "deleted_at", "deleted_by", "schema_version", "version"]);

  // lastCreated: ids created in this session; sampleIds: a visible record per entity, for example bodies.
  SX.state = { manifest: null, entities: [], lastCreated: {}, sampleIds: {}, list: null };

  SX.el = function el(tag, attrs, ...children) {
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
  };
  SX.$ = (sel, root) => (root || document).querySelector(sel);
  SX.pretty = (value) => JSON.stringify(value, null, 2);
  SX.entityByName = (name) => SX.state.entities.find((e) => e.name === name);

  // ------------------------------------------------------------------ the token
  SX.token = () => SX.$("#token").value.trim();

  SX.tokenClaims = function tokenClaims() {
    const parts = SX.token().split(".");
    if (parts.length !== 3) return null;
    try {
      const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (_err) {
      return null;
    }
  };

  function storage(fn, fallback) {
    try { return fn(sessionStorage); } catch (_err) { return fallback; } // storage may be disabled
  }

  /** Remember who a demo token's `sub` is, so the status line can name the person. */
  SX.rememberName = function rememberName(sub, label) {
    storage((s) => {
      const names = JSON.parse(s.getItem(NAMES_KEY) || "{}");
      names[sub] = label;
      s.setItem(NAMES_KEY, JSON.stringify(names));
    });
  };

  function nameOf(sub) {
    return storage((s) => JSON.parse(s.getItem(NAMES_KEY) || "{}")[sub], undefined);
  }

  SX.restoreToken = () => storage((s) => s.getItem(TOKEN_KEY) || "", "");

  SX.updateTokenStatus = function updateTokenStatus() {
    const status = SX.$("#token-status");
    const claims = SX.tokenClaims();
    storage((s) => s.setItem(TOKEN_KEY, SX.token()));
    SX.state.sampleIds = {}; // another token may see other records
    status.className = "token-status";
    status.removeAttribute("title");
    if (!SX.token()) { status.textContent = "No token"; status.classList.add("none"); return; }
    if (!claims) { status.textContent = "Not a readable JWT"; status.classList.add("bad"); return; }
    const expires = claims.exp ? new Date(claims.exp * 1000) : null;
    const expired = expires && expires < new Date();
    const sub = String(claims.sub || "?");
    const who = nameOf(sub) || (sub.length > 16 ? `${sub.slice(0, 8)}…${sub.slice(-4)}` : sub);
    status.textContent = `${who} · ${claims.tenant_id || "?"}` + (expired ? " · expired" : "");
    status.classList.add(expired ? "bad" : "ok");
    status.title = `sub ${claims.sub} · tenant ${claims.tenant_id}` +
      (expires ? ` · ${expired ? "expired" : "expires"} ${expires.toLocaleString()}` : "");
  };

  // ------------------------------------------------------------------ widgets
  let tabSeq = 0;

  /** WAI-ARIA tabs: arrow keys, Home and End move between tabs; Tab goes into the panel. */
  SX.tabs = function tabs(label, items, onSelect) {
    const id = `t${++tabSeq}`;
    const list = SX.el("div", { role: "tablist", "aria-label": label });
    const panels = [];
    const buttons = items.map((item, i) => {
      const button = SX.el("button", {
        type: "button", role: "tab", id: `${id}-tab-${i}`, "aria-controls": `${id}-panel-${i}`,
        "aria-selected": i === 0 ? "true" : "false", tabindex: i === 0 ? "0" : "-1", "data-tab": item.key,
      }, item.label);
      panels.push(SX.el("div", { role: "tabpanel", id: `${id}-panel-${i}`, "aria-labelledby": `${id}-tab-${i}`,
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
    const keys = { ArrowRight: (i, n) => (i + 1) % n, ArrowLeft: (i, n) => (i - 1 + n) % n, Home: () => 0, End: (_i, n) => n - 1 };
    buttons.forEach((b, i) => {
      b.addEventListener("click", () => select(i, false));
      b.addEventListener("keydown", (ev) => {
        if (!keys[ev.key]) return;
        ev.preventDefault();
        select(keys[ev.key](i, buttons.length), true);
      });
      list.append(b);
    });
    return { node: SX.el("div", { class: "tabs" }, list, panels), select };
  };

  SX.codeBlock = function codeBlock(text, label) {
    const pre = SX.el("pre", { class: "code", tabindex: "0", "aria-label": label }, SX.el("code", { text }));
    const copy = SX.el("button", { type: "button", class: "copy", "aria-label": `Copy ${label}` }, "Copy");
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(text); copy.textContent = "Copied"; } catch (_err) { copy.textContent = "Select & copy"; }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    return SX.el("div", { class: "code-wrap" }, pre, copy);
  };
})(window.StrideExplorer = window.StrideExplorer || {});
