// The Data API resource classes are generated: src/resources/generated.ts must be what the live server's
// /openapi.json generates, else someone changed the API without running `make sdk-types`.
// (src/openapi.ts is checked the same way by tests/e2e/test_typescript_sdk.py.)
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { RESOURCES_FILE, renderResources } from "../scripts/resources.mjs";
import { BASE_URL } from "./helpers.mjs";

/** A unified-style diff of two texts (the changed lines with two lines of context), at most `limit` lines. */
function diffLines(before, after, limit = 80) {
  const a = before.split("\n");
  const b = after.split("\n");
  // Longest common subsequence, row by row from the end (the files are a few hundred lines).
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const lines = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { lines.push({ mark: " ", text: a[i++] }); j++; }
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) lines.push({ mark: "-", text: a[i++] });
    else lines.push({ mark: "+", text: b[j++] });
  }
  const near = (k) => lines.slice(Math.max(0, k - 2), k + 3).some((entry) => entry.mark !== " ");
  const shown = [];
  lines.forEach((entry, k) => {
    if (!near(k)) return;
    if (shown.length && !near(k - 1)) shown.push("@@");
    shown.push(`${entry.mark}${entry.text}`);
  });
  return shown.slice(0, limit).join("\n");
}

test(`${RESOURCES_FILE} matches the live /openapi.json (else run \`make sdk-types\`)`, async () => {
  const response = await fetch(`${BASE_URL}/openapi.json`);
  assert.equal(response.status, 200);
  const fresh = renderResources(await response.json());
  const committed = await readFile(new URL(`../${RESOURCES_FILE}`, import.meta.url), "utf8");
  if (fresh !== committed) {
    assert.fail(`sdk/typescript/${RESOURCES_FILE} is stale: the API changed. Regenerate it with \`make sdk-types\`\n`
      + `(or: cd sdk/typescript && npm run generate -- <server>/openapi.json)\n`
      + `--- ${RESOURCES_FILE} (committed)\n+++ generated from /openapi.json\n${diffLines(committed, fresh)}`);
  }
});
