/**
 * Shared set-up for the policy pack's end-to-end tests: makes sure the compiled pack (policy/bin, what
 * `npm run build` produces and package.json `main` points at) exists and is newer than its sources, and builds
 * CapturedResources the way the offline preview captures them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CapturedResource, CapturedResourceOptions } from "../../../tools/lib/resource-graph";
import { startPolicyPack, type PolicyAnalyzer, type StartPolicyPackOptions } from "../../../tools/analyzer";

export const REPO = join(__dirname, "..", "..", "..");
export const POLICY_DIR = join(REPO, "policy");
const COMPILED = join(POLICY_DIR, "bin", "index.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "bin" && entry.name !== "node_modules")
        newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith(".ts")) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the pack with `node tools/build.mjs` when policy/bin/index.js is missing or older than a source file of
 * the pack (policy/**.ts or components/lib/**.ts). Throws a clear error when the build fails or produces nothing.
 */
export function ensurePolicyPackBuilt(): void {
  const sources = Math.max(newestSource(POLICY_DIR), newestSource(join(REPO, "components", "lib")));
  if (existsSync(COMPILED) && statSync(COMPILED).mtimeMs >= sources) return;
  try {
    execFileSync(process.execPath, [join(REPO, "tools", "build.mjs")], {
      cwd: REPO,
      stdio: "pipe",
      timeout: 180_000,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(
      `the policy pack is not built (policy/bin/index.js missing or stale) and \`node tools/build.mjs\` failed: ` +
        `${err.stderr?.toString().trim() || err.message}. Run \`npm run build\` and look at its errors.`,
    );
  }
  if (!existsSync(COMPILED)) {
    throw new Error("`node tools/build.mjs` ran but produced no policy/bin/index.js; run `npm run build`.");
  }
}

const NO_OPTIONS: CapturedResourceOptions = {
  protect: false,
  ignoreChanges: [],
  retainOnDelete: false,
  deleteBeforeReplace: false,
  replaceOnChanges: [],
};

/** A custom resource as the preview captures it; outputs default to the inputs plus an id. */
export function captured(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<Omit<CapturedResource, "type" | "name" | "inputs" | "options">> & {
    options?: Partial<CapturedResourceOptions>;
  } = {},
): CapturedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::ml-platform::${type}::${name}`,
    custom: true,
    parent: "urn:pulumi:dev::ml-platform::pulumi:pulumi:Stack::ml-platform-dev",
    dependencies: [],
    propertyDependencies: {},
    outputs: { ...inputs, id: `${name}-id` },
    ...extra,
    inputs,
    options: { ...NO_OPTIONS, ...extra.options },
  };
}

/**
 * Starts the compiled pack as the CLI does (building it first when stale) in a `before` hook of the enclosing
 * describe, and closes it in `after`. Returns an accessor, since the pack exists only once the hook has run.
 */
export function usePolicyPack(stack?: StartPolicyPackOptions["stack"]): () => PolicyAnalyzer {
  let pack: PolicyAnalyzer | undefined;
  before(async () => {
    ensurePolicyPackBuilt();
    pack = await startPolicyPack({ policyPackDir: POLICY_DIR, ...(stack ? { stack } : {}) });
  });
  after(async () => {
    await pack?.close();
  });
  return () => {
    if (!pack) throw new Error("the policy pack is not running: call usePolicyPack inside a describe block");
    return pack;
  };
}
