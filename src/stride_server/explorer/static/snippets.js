/* Stride API explorer: example bodies and the SDK snippets (TypeScript, Python, curl), read from the manifest. */
"use strict";

(function (SX) {
  const REF_PREFIX = { person: "usr", group: "grp", review_cycle: "cyc" };

  function currentPeriod() {
    const now = new Date();
    return `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
  }

  function idPlaceholder(ref) {
    const target = SX.entityByName(ref);
    return `${target ? target.id_prefix : (REF_PREFIX[ref] || "rec")}_01HXEXAMPLE`;
  }

  const isArray = (field) => ["string-array", "array"].includes(field.format);

  /** An example value for a field; `live` uses real ids (the last record created here, the token's person). */
  SX.example = function example(field, entity, live) {
    if (field.reference) {
      const claims = SX.tokenClaims();
      let id = idPlaceholder(field.reference);
      if (live && field.reference === "person" && claims && claims.sub) id = claims.sub;
      else if (live && SX.state.lastCreated[field.reference]) id = SX.state.lastCreated[field.reference];
      else if (live && SX.state.sampleIds[field.reference]) id = SX.state.sampleIds[field.reference];
      return isArray(field) ? [id] : id;
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
    if (["title", "name"].includes(field.name)) return `Example ${entity.name}`;
    return `example ${field.name}`;
  };

  SX.createExample = function createExample(entity, live) {
    const body = {};
    for (const f of entity.fields) if (f.required && !f.read_only) body[f.name] = SX.example(f, entity, live);
    return body;
  };

  SX.updateExample = function updateExample(entity) {
    const f = entity.fields.find((x) => !x.read_only && ["title", "name"].includes(x.name)) ||
      entity.fields.find((x) => !x.read_only && !SX.ENVELOPE.has(x.name) && x.type === "string" && !x.reference);
    return f ? { [f.name]: `Updated ${entity.name}` } : {};
  };

  function tsValue(value) {
    return JSON.stringify(value, null, 2).replace(/"([a-z_][a-z0-9_]*)":/g, "$1:");
  }

  function pyValue(value) {
    return JSON.stringify(value).replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False").replace(/\bnull\b/g, "None");
  }

  const pyKwargs = (obj) => Object.entries(obj).map(([k, v]) => `${k}=${pyValue(v)}`).join(", ");

  function listExample(entity) {
    const status = entity.fields.find((f) => f.name === "status" && f.enum && !f.read_only) ||
      entity.fields.find((f) => f.name === "status" && f.enum);
    return status ? { [status.name]: status.enum[Math.min(1, status.enum.length - 1)], limit: 20 } : { limit: 20 };
  }

  /** The three snippets for an entity, covering exactly the operations it offers. */
  SX.snippets = function snippets(entity) {
    const ops = new Set(entity.operations);
    const ts = entity.sdk.typescript, py = entity.sdk.python;
    const sample = SX.createExample(entity, false);
    const patch = SX.updateExample(entity);
    const id = `${entity.id_prefix}_01HXEXAMPLE`;
    const filters = listExample(entity);
    const origin = location.origin;
    const url = `${origin}${entity.path}`;
    const auth = '-H "Authorization: Bearer $STRIDE_TOKEN"';
    const json = '-H "Content-Type: application/json"';

    const t = ['import { Client } from "@stride/sdk";', "",
      `const client = new Client({ baseUrl: "${origin}", token: process.env.STRIDE_TOKEN });`, ""];
    const p = ["import os", "", "from stride import Client", "",
      `client = Client(base_url="${origin}", token=os.environ["STRIDE_TOKEN"])`, ""];
    const c = ['export STRIDE_TOKEN="<your token>"', ""];
    if (ops.has("list")) {
      t.push("// list — returns only the records your token may see; add filters/search:",
        `await ${ts}.list()`, `await ${ts}.list(${tsValue(filters)})`, "");
      p.push("# list — returns only the records your token may see; add filters/search:",
        `${py}.list()`, `${py}.list(${pyKwargs(filters)})`, "");
      const qs = new URLSearchParams(Object.entries(filters).map(([k, v]) => [k, String(v)])).toString();
      c.push("# list (filters are query parameters; follow next_cursor with &cursor=…)",
        `curl -s "${url}?${qs}" \\\n  ${auth}`, "");
    }
    if (ops.has("get")) {
      t.push("// get:", `await ${ts}.get("${id}")`, "");
      p.push("# get:", `${py}.get("${id}")`, "");
      c.push("# get", `curl -s "${url}/${id}" \\\n  ${auth}`, "");
    }
    if (ops.has("create")) {
      t.push("// create:", `await ${ts}.create(${tsValue(sample)})`, "");
      p.push("# create:", `${py}.create(`, ...Object.entries(sample).map(([k, v]) => `    ${k}=${pyValue(v)},`), ")", "");
      c.push("# create", `curl -s -X POST "${url}" \\\n  ${auth} \\\n  ${json} \\\n  -d '${JSON.stringify(sample)}'`, "");
    }
    if (ops.has("update")) {
      t.push("// update (partial: only the keys sent change):", `await ${ts}.update("${id}", ${tsValue(patch)})`, "");
      p.push("# update (partial: only the keys sent change):", `${py}.update("${id}", ${pyKwargs(patch)})`, "");
      c.push("# update", `curl -s -X PATCH "${url}/${id}" \\\n  ${auth} \\\n  ${json} \\\n  -d '${JSON.stringify(patch)}'`, "");
    }
    if (ops.has("delete")) {
      t.push("// delete (soft delete):", `await ${ts}.delete("${id}")`, "");
      p.push("# delete (soft delete):", `${py}.delete("${id}")`, "");
      c.push("# delete", `curl -s -X DELETE "${url}/${id}" \\\n  ${auth}`, "");
    }
    return { typescript: t.join("\n").trim(), python: p.join("\n").trim(), curl: c.join("\n").trim() };
  };
})(window.StrideExplorer = window.StrideExplorer || {});
