// Helpers for `npm run bench:lambda` (tools/bench/lambda.ts): statistics and formatting, the child processes it
// forks, and the builds it compares with the function's bundle.
import { fork } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";

export const ROOT = join(__dirname, "..", "..");

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}
export const median = (values: number[]) => quantile(values, 0.5);

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (value: number) => `${value.toFixed(value < 10 ? 3 : 1)} ms`;
export const us = (valueMs: number) => `${(valueMs * 1000).toFixed(0)} µs`;
/** A difference with its sign: "+3.1 KB", "-5.420 ms" (noise can make a cost come out negative). */
export const signed = (text: string) => (text.startsWith("-") ? text : `+${text}`);

/** What lambda-cold-child.mjs and lambda-sdk-cold-child.mjs report. */
export interface ColdSample {
  importMs: number;
  firstInvocationMs: number;
  totalMs: number;
  /** User + system CPU time of the process over import + first invocation. */
  totalCpuMs: number;
  sinceProcessStartMs: number;
  status?: number;
}

/** What lambda-warm-child.mjs reports: latencies (ms) and mean CPU time per call (µs), by caller. */
export interface WarmResult {
  samples: Record<string, number[]>;
  cpuMicros: Record<string, number>;
}

/** Forks a child script; its stdout (the function's log lines) goes to `stdoutFile`, or is drained. */
export function runChild<T>(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdoutFile?: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const stdout = stdoutFile === undefined ? "pipe" : openSync(stdoutFile, "w");
    // execArgv [] keeps ts-node (which runs the bench) out of the children; cwd ROOT lets the plain-SDK child
    // resolve @aws-sdk/client-sagemaker-runtime from node_modules.
    const child = fork(script, args, {
      cwd: ROOT,
      env,
      execArgv: [],
      stdio: ["ignore", stdout, "inherit", "ipc"],
    });
    if (typeof stdout === "number") closeSync(stdout);
    child.stdout?.resume();
    let result: T | undefined;
    child.on("message", (message) => (result = message as T));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${script} exited with ${code}`));
    });
  });
}

// The bench runs as CommonJS (ts-node), where TypeScript would turn `import()` into `require()`.
const importEsm = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<any>;

/** The Lambda bundle's esbuild options from tools/build.mjs, so the bench builds what `npm run build` builds. */
export async function lambdaBuildOptions(): Promise<BuildOptions> {
  const module = await importEsm(pathToFileURL(join(ROOT, "tools", "build.mjs")).href);
  return module.lambdaBuildOptions as BuildOptions;
}

/** Replaces a package with a no-op stand-in, to measure what the real one costs. */
function stub(packageName: string, contents: string): Plugin {
  const filter = new RegExp(`^${packageName.replace(/[/@-]/g, "\\$&")}$`);
  return {
    name: `stub-${packageName}`,
    setup(b) {
      b.onResolve({ filter }, () => ({ path: packageName, namespace: "bench-stub" }));
      b.onLoad({ filter, namespace: "bench-stub" }, () => ({ contents, loader: "js" }));
    },
  };
}
const LOGGER_STUB = stub(
  "@aws-lambda-powertools/logger",
  // LogFormatter and LogItem: lambda/log-format.ts extends them.
  "export class Logger { info() {} warn() {} error() {} } export class LogFormatter {} export class LogItem {}",
);
const METRICS_STUB = stub(
  "@aws-lambda-powertools/metrics",
  'export const MetricUnit = { Milliseconds: "Milliseconds", Count: "Count" };' +
    // Every method lambda/observability.ts calls, so that nothing throws (a throw would cost more than Metrics).
    "export class Metrics { addMetric() {} publishStoredMetrics() {} isDisabled() { return true; } " +
    "hasStoredMetrics() { return false; } serializeMetrics() { return {}; } clearMetrics() {} clearDimensions() {} " +
    "clearMetadata() {} }",
);

export interface Variant {
  name: string;
  file: string;
  bytes: number;
}

/**
 * The builds compared with the bundle: the same entry point with Powertools Logger and/or Metrics stubbed out,
 * and with none of the build's module replacements and plugins (the SDK as published, bundled).
 */
export async function buildVariants(options: BuildOptions, workDir: string): Promise<Variant[]> {
  const plans: [string, Plugin[]][] = [
    ["without Logger", [...(options.plugins ?? []), LOGGER_STUB]],
    ["without Metrics", [...(options.plugins ?? []), METRICS_STUB]],
    ["without Logger and Metrics", [...(options.plugins ?? []), LOGGER_STUB, METRICS_STUB]],
    ["without the module replacements", []],
  ];
  const variants: Variant[] = [];
  for (const [name, plugins] of plans) {
    const file = join(workDir, `variant-${name.replace(/\W+/g, "-")}.mjs`);
    await build({ ...options, metafile: false, outfile: file, plugins });
    variants.push({ name, file, bytes: readFileSync(file).length });
  }
  return variants;
}

/** The same handler unbundled: lambda/ compiled, every package loaded from node_modules at run time. */
export async function buildUnbundled(options: BuildOptions, workDir: string): Promise<string> {
  const file = join(workDir, "unbundled", "index.mjs");
  await build({
    ...options,
    minify: false,
    metafile: false,
    plugins: [],
    packages: "external",
    outfile: file,
  });
  return file;
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  if (input.startsWith("node-builtin:")) return "node: built-ins (process.getBuiltinModule wrappers)";
  return input.startsWith("lambda/") ? "lambda/ (the function's own code)" : input;
}

/** Bytes in the bundle by package, the SDK's many packages in two groups, largest first. */
export function sizeByPackage(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs)[0];
  const groups = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    const group = name.startsWith("@smithy/")
      ? "@smithy/* (SDK runtime)"
      : name.startsWith("@aws-sdk/") && name !== "@aws-sdk/client-sagemaker-runtime"
        ? "@aws-sdk/* (core, credentials, middleware)"
        : name;
    groups.set(group, (groups.get(group) ?? 0) + bytesInOutput);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}
