// The @actions/core oracle for the runner-protocol conformance test: runs a list of operations from a JSON file
// against the real @actions/core and writes each operation's result (value or error message) to a results file.
// Stdout and the GITHUB_* files are what the C# side compares byte for byte.
import * as core from "@actions/core";
import { readFileSync, writeFileSync } from "node:fs";

const [casePath, resultsPath] = process.argv.slice(2);
const ops = JSON.parse(readFileSync(casePath, "utf8"));
const results = [];

for (const [op, ...args] of ops) {
  try {
    let value = null;
    switch (op) {
      case "getInput": value = core.getInput(args[0], args[1]); break;
      case "getMultilineInput": value = core.getMultilineInput(args[0], args[1]); break;
      case "getBooleanInput": value = core.getBooleanInput(args[0], args[1]); break;
      case "getState": value = core.getState(args[0]); break;
      case "env": value = process.env[args[0]] ?? null; break;
      case "setOutput": core.setOutput(args[0], args[1]); break;
      case "exportVariable": core.exportVariable(args[0], args[1]); break;
      case "saveState": core.saveState(args[0], args[1]); break;
      case "addPath": core.addPath(args[0]); break;
      case "setSecret": core.setSecret(args[0]); break;
      case "debug": core.debug(args[0]); break;
      case "info": core.info(args[0]); break;
      case "error": core.error(args[0], args[1]); break;
      case "warning": core.warning(args[0], args[1]); break;
      case "notice": core.notice(args[0], args[1]); break;
      case "startGroup": core.startGroup(args[0]); break;
      case "endGroup": core.endGroup(); break;
      case "setCommandEcho": core.setCommandEcho(args[0]); break;
      case "setFailed": core.setFailed(args[0]); break;
      case "isDebug": value = core.isDebug(); break;
      case "summary": core.summary[args[0]](...args.slice(1)); break;
      case "summaryStringify": value = core.summary.stringify(); break;
      case "summaryWrite": await core.summary.write(args[0]); break;
      case "summaryClear": await core.summary.clear(); break;
      default: throw new Error(`oracle: unknown operation ${op}`);
    }
    results.push({ ok: value });
  } catch (e) {
    results.push({ error: e.message });
  }
}
writeFileSync(resultsPath, JSON.stringify({ results, exitCode: process.exitCode ?? 0 }));
