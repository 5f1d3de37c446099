#!/usr/bin/env node
// Runs the real Pulumi CLI for a stack with this repo's policy pack and that stack's policy config:
//
//   node tools/deploy/pulumi.mjs <up|preview|refresh|destroy> <stack> [more pulumi args]
//   → pulumi <command> --stack <stack> --policy-pack policy --policy-pack-config policy/config/<stack>.json ...
//
// Behind the npm scripts `up:dev`, `up:prod`, `preview:cloud:dev`, `preview:cloud:prod`. Plain JavaScript, so it
// starts instantly and needs nothing but Node. When `pulumi` is not on PATH it fails with how to install it (the
// offline `npm run preview` needs no CLI at all).
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COMMANDS = new Set(["up", "preview", "refresh", "destroy"]);
// Policy packs only apply to commands that plan resources.
const POLICY_COMMANDS = new Set(["up", "preview"]);

function fail(message, code = 2) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

/** The `pulumi` executable on PATH (with PATHEXT on Windows), or undefined. */
export function findOnPath(name, env = process.env) {
  const dirs = (env.PATH ?? "").split(delimiter).filter(Boolean);
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const [command, stack, ...rest] = process.argv.slice(2);
if (!command || !COMMANDS.has(command) || !stack) {
  fail(
    "usage: node tools/deploy/pulumi.mjs <up|preview|refresh|destroy> <stack> [pulumi args...]\n" +
      "  e.g. npm run up:dev, npm run preview:cloud:prod -- --diff",
  );
}

const pulumi = findOnPath("pulumi");
if (!pulumi) {
  fail(
    [
      "the Pulumi CLI (`pulumi`) is not on your PATH.",
      "",
      "Install it (https://www.pulumi.com/docs/install/), for example:",
      "  curl -fsSL https://get.pulumi.com | sh        # Linux, macOS",
      "  brew install pulumi/tap/pulumi                # macOS (Homebrew)",
      "  winget install pulumi                         # Windows",
      "then open a new shell and check with `pulumi version`.",
      "",
      "To keep state in a local directory without a Pulumi Cloud account: `pulumi login --local`,",
      `then \`pulumi stack init ${stack}\` once.`,
      "",
      "No CLI needed for the offline check: `npm run preview` shows the plan, policy verdicts and cost.",
    ].join("\n"),
    127,
  );
}

if (!existsSync(join(root, `Pulumi.${stack}.yaml`))) {
  fail(`unknown stack "${stack}": there is no Pulumi.${stack}.yaml in ${root}`);
}
const args = [command, "--stack", stack];
if (POLICY_COMMANDS.has(command)) {
  const policyConfig = join("policy", "config", `${stack}.json`);
  if (!existsSync(join(root, policyConfig))) {
    fail(`no policy config for stack "${stack}": ${policyConfig} is missing`);
  }
  // The CLI's policy runner loads package.json `main`; without the compiled pack it would fail to load.
  const policyPackage = JSON.parse(readFileSync(join(root, "policy", "package.json"), "utf8"));
  const main = join(root, "policy", policyPackage.main ?? "index.js");
  if (!existsSync(main)) {
    fail(`the policy pack is not built (${main} is missing): run \`npm run build\` first`);
  }
  args.push("--policy-pack", "policy", "--policy-pack-config", policyConfig);
}
args.push(...rest);

process.stderr.write(`$ pulumi ${args.join(" ")}\n`);
const child = spawn(pulumi, args, { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) {
  // Pulumi handles Ctrl-C itself (a second one cancels); just pass the signal on.
  process.on(signal, () => child.kill(signal));
}
child.on("error", (err) => fail(`cannot start ${pulumi}: ${err.message}`));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (osConstants.signals[signal] ?? 1)));
