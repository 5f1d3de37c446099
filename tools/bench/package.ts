/**
 * `npm run bench:package`: how long the components package takes to start under the Pulumi CLI's plugin runner and
 * to answer GetSchema (what `pulumi package add` and every `pulumi preview` of a consuming program wait for).
 *
 * - Start-up: wall time from spawning `node <@pulumi/pulumi>/cmd/run-plugin <dir> <engine>` in the package's
 *   directory to reading the port it prints.
 * - GetSchema: the first call after start-up; the runner builds a TypeScript program from the package's
 *   tsconfig.json and infers the schema from the args types, whatever `main` points at.
 * - compiled: components/plugin as shipped, whose `main` is the esbuild bundle `npm run build` writes
 *   (bin/index.js, @pulumi/* external), so the runner loads JavaScript without type-checking.
 * - typescript: a temporary copy of components/plugin whose `main` is index.ts: the runner registers ts-node with
 *   type-checking and compiles the package's sources on load.
 *
 * Options: --runs N (per variant, default 1), --no-typescript, --json.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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

/** A copy of components/plugin whose package.json `main` is its TypeScript entry point; the caller removes it. */
function typeScriptCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "ml-platform-components-"));
  cpSync(COMPONENTS_PACKAGE_DIR, dir, {
    recursive: true,
    filter: (src) => !src.includes("node_modules") && !src.startsWith(join(COMPONENTS_PACKAGE_DIR, "bin")),
  });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ ...manifest, main: "index.ts" }, null, 2));
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
  const compiled: Sample[] = [];
  for (let i = 0; i < runs; i++) compiled.push(await measure(COMPONENTS_PACKAGE_DIR));
  results.compiled = summary(compiled);
  if (!process.argv.includes("--no-typescript")) {
    const dir = typeScriptCopy();
    try {
      const source: Sample[] = [];
      for (let i = 0; i < runs; i++) source.push(await measure(dir));
      results.typescript = summary(source);
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
