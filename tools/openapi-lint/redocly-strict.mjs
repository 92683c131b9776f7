// `redocly lint` failing on warnings as well as errors (its own exit status counts errors only):
// runs it with the JSON format, prints every problem, and exits 1 when any is left unignored.
// Usage: node redocly-strict.mjs <document>  (run from this directory, next to redocly.yaml)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const document = process.argv[2];
if (!document) {
  console.error("usage: node redocly-strict.mjs <openapi document>");
  process.exit(2);
}
const run = spawnSync(`${here}node_modules/.bin/redocly`,
  ["lint", "--config", `${here}redocly.yaml`, "--format", "json", "--max-problems", "10000", document],
  { cwd: here, encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(run.stdout + run.stderr);
  console.error(`redocly lint gave no JSON report (exit status ${run.status})`);
  process.exit(1);
}
for (const problem of report.problems) {
  if (problem.ignored) continue;
  const where = (problem.location ?? []).map((location) => location.pointer).join(", ");
  console.log(`${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}`);
}
const { errors, warnings, ignored } = report.totals;
console.log(`redocly (recommended): ${errors} errors, ${warnings} warnings, ${ignored} ignored`);
process.exit(errors + warnings > 0 ? 1 : 0);
