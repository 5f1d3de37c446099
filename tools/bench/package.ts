/**
 * `npm run bench:package`: how long the components package takes to start under the Pulumi CLI's plugin runner and
 * to answer GetSchema (what `pulumi package add` and every `pulumi preview` of a consuming program wait for).
 *
 * - Start-up: wall time from spawning `node <@pulumi/pulumi>/cmd/run-plugin <dir> <engine>` in the package's
 *   directory to reading the port it prints. With `main` → index.ts (as shipped) the runner registers ts-node with
 *   type-checking and compiles the package on load.
 * - GetSchema: the first call after start-up; the runner builds a TypeScript program from the package's
 *   tsconfig.json and infers the schema from the args types, whatever `main` points at.
 * - Compiled: a temporary copy of components/ whose `main` is an esbuild bundle (bin/index.js, @pulumi/* external),
 *   as the policy pack ships, so the runner loads JavaScript without type-checking. Its GetSchema still reads the
 *   TypeScript sources (the analyzer falls back to index.ts).
 *
 * Options: --runs N (per variant, default 1), --no-compiled, --json.
 */
import { build } from "esbuild";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startEngineServer } from "../provider-client/engine-server";
import { COMPONENTS_PACKAGE_DIR, startComponentPlugin } from "../provider-client/plugin-client";

const REPO = join(__dirname, "..", "..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface Sample {
  startupMs: number;
  getSchemaMs: number;
}

async function measure(packageDir: string): Promise<Sample> {
  const engine = await startEngineServer();
  try {
    const plugin = await startComponentPlugin({ packageDir, engineAddress: engine.address });
    try {
      const started = performance.now();
      const schema = await plugin.getSchema();
      const getSchemaMs = performance.now() - started;
      if (Object.keys(schema.resources as object).length !== 5)
        throw new Error("the schema lacks components");
      return { startupMs: plugin.startupMs, getSchemaMs };
    } finally {
      await plugin.close();
    }
  } finally {
    await engine.close();
  }
}

/** A copy of components/ whose package.json `main` is a compiled bundle; the caller removes it. */
async function compiledCopy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ml-platform-components-"));
  cpSync(COMPONENTS_PACKAGE_DIR, dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "bin"), { recursive: true });
  await build({
    entryPoints: [join(COMPONENTS_PACKAGE_DIR, "index.ts")],
    outfile: join(dir, "bin", "index.js"),
    bundle: true,
    // One @pulumi/pulumi: the runner's, so the component classes extend the ComponentResource it looks for.
    external: ["@pulumi/*"],
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
  });
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ ...manifest, main: "bin/index.js" }, null, 2));
  return dir;
}

function summary(samples: Sample[]) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    runs: samples.length,
    startupMs: Math.round(median(samples.map((s) => s.startupMs))),
    getSchemaMs: Math.round(median(samples.map((s) => s.getSchemaMs))),
  };
}

async function main(): Promise<void> {
  const runs = arg("runs", 1);
  const results: Record<string, ReturnType<typeof summary>> = {};
  const source: Sample[] = [];
  for (let i = 0; i < runs; i++) source.push(await measure(COMPONENTS_PACKAGE_DIR));
  results.typescript = summary(source);
  if (!process.argv.includes("--no-compiled")) {
    const dir = await compiledCopy();
    try {
      const compiled: Sample[] = [];
      for (let i = 0; i < runs; i++) compiled.push(await measure(dir));
      results.compiled = summary(compiled);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ cpus: cpus().length, results }, null, 2));
    return;
  }
  console.log(`components package under run-plugin (${cpus().length} CPUs, median of ${runs})`);
  for (const [variant, r] of Object.entries(results)) {
    console.log(
      `  ${variant.padEnd(10)} start-up ${String(r.startupMs).padStart(6)} ms   GetSchema ${String(r.getSchemaMs).padStart(6)} ms`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
