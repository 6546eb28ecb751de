// Runs @octokit/fixtures-server for the Octokit.net tests, bound to 127.0.0.1 on a free port, and prints
// "listening http://127.0.0.1:<port>" once ready. Usage: node fixtures-server.mjs [extra-glob ...]
//
// Scenarios: the recorded stock ones from @octokit/fixtures, relaxed for Octokit.net (see relax() below), plus the
// hand-written ones in ./fixtures/*.json and any extra globs (tests write scenarios whose bodies depend on their data).
import express from "express";
import fixtureServerMiddleware from "@octokit/fixtures-server";
import { globSync } from "tinyglobby";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const stockRoot = join(here, "node_modules", "@octokit", "fixtures", "scenarios", "api.github.com");

const fixtures = {};
for (const file of globSync("*/normalized-fixture.json", { cwd: stockRoot, absolute: true })) {
  fixtures[basename(dirname(file))] = JSON.parse(readFileSync(file, "utf8")).map(relax);
}
for (const glob of [join(here, "fixtures", "*.json"), ...process.argv.slice(2)]) {
  for (const file of globSync(glob.replaceAll("\\", "/"), { absolute: true })) {
    fixtures[basename(file, ".json")] = JSON.parse(readFileSync(file, "utf8")).map(complete);
  }
}

// Octokit.net differs from octokit.js in ways that do not matter to GitHub but do to nock's exact matching; method,
// path, query and body stay strict.
function relax(step) {
  const s = structuredClone(step);
  // It sends "Token" with a capital T and labels JSON bodies as urlencoded: match on host only.
  s.reqheaders = { host: s.reqheaders.host };
  // It requests /git/refs, not /git/refs/.
  if (s.path.endsWith("/git/refs/")) s.path = s.path.slice(0, -1);
  // ReferenceUpdate always serialises "force": false.
  if (s.method === "patch" && s.path.includes("/git/refs/") && s.body && typeof s.body === "object" && !("force" in s.body)) {
    s.body = { ...s.body, force: false };
  }
  // ReleaseAssetUpload has no label, so uploads carry ?name= only.
  if (s.scope.startsWith("https://uploads.github.com")) s.path = s.path.replace(/&label=[^&]*/, "");
  return s;
}

// Hand-written steps may leave out what every step needs the same way.
function complete(step) {
  const host = new URL(step.scope).hostname;
  return {
    body: "",
    responseIsBinary: false,
    ...step,
    ...(step.body?.content?.text !== undefined ? { body: committedFile(step.body) } : {}),
    reqheaders: { host },
    headers: { "content-type": "application/json; charset=utf-8", ...(step.headers ?? {}) },
  };
}

// A contents-API write whose file is given as text ({"content": {"text": "..."}}, ScenarioWriter.FileText): GitHub
// receives it base64-encoded, and the file may quote URLs from earlier responses, which the fixtures server rewrote to
// itself (https://HOST/... became http://127.0.0.1:PORT/HOST/ID/...). The matcher decodes the content and undoes
// exactly that rewrite before comparing it with the text, so a scenario states the real URLs; all else is exact.
function committedFile(expected) {
  const { content, ...rest } = expected;
  const served = /http:\/\/127\.0\.0\.1:\d+\/([^/]+)\/[0-9a-z]+\//g;
  return (body) => {
    if (body === null || typeof body !== "object" || typeof body.content !== "string") return false;
    const { content: actual, ...others } = body;
    const text = Buffer.from(actual, "base64").toString("utf8").replace(served, "https://$1/");
    return text === content.text && JSON.stringify(sortKeys(others)) === JSON.stringify(sortKeys(rest));
  };
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const app = express();
// Octokit.net sends JSON as application/x-www-form-urlencoded; nock would then compare every expected value as a
// string ("false" vs false). Re-label it so bodies are compared as JSON.
app.use((req, _res, next) => {
  const type = req.headers["content-type"];
  if (type && type.startsWith("application/x-www-form-urlencoded")) req.headers["content-type"] = "application/json; charset=utf-8";
  next();
});
app.get("/ping", (_req, res) => res.json({ ok: true }));

const server = app.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const fixturesUrl = `http://127.0.0.1:${port}`;
  app.use(fixtureServerMiddleware({ port, fixturesUrl, logLevel: "warn", ttl: 120000, fixtures }));
  process.stdout.write(`listening ${fixturesUrl}\n`);
});
// The test that started us closes our stdin when it is done; exit then, so no server outlives its test.
process.stdin.on("end", () => server.close(() => process.exit(0)));
process.stdin.resume();
