// `npm run bench:lambda`: the inference function's bundle size, cold start and warm overhead, against the
// SageMaker runtime emulator on loopback. Prints figures and the targets (bundle ≤ 360 KB, cold ratio ≤ 0.65,
// warm p50 ratio ≤ 1.15). Run after `npm run build` (the npm script does both).
//
// Options (environment): BENCH_COLD_RUNS (default 21), BENCH_WARM_ITERATIONS (5000), BENCH_WARM_ROUNDS (2),
// BENCH_WARM_BREAKDOWN (1; 0 skips the warm breakdown).
import { fork } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import { SageMakerEmulator } from "../../test/support/sagemaker-emulator";
import { functionUrlEvent } from "../../test/support/sagemaker-function";

const ROOT = join(__dirname, "..", "..");
const BUNDLE = join(ROOT, "dist", "lambda", "index.mjs");
const META = join(ROOT, "dist", "lambda", "meta.json");
const WORK = join(ROOT, "dist", "bench-lambda");
const COLD_CHILD = join(__dirname, "lambda-cold-child.mjs");
const WARM_CHILD = join(__dirname, "lambda-warm-child.mjs");

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const WARM_ITERATIONS = Number(process.env.BENCH_WARM_ITERATIONS ?? 5000);
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 2);
const WARM_UP = 500;
const WARM_BREAKDOWN = process.env.BENCH_WARM_BREAKDOWN !== "0";

const TARGET_BUNDLE_KB = 360;
const TARGET_COLD_RATIO = 0.65;
const TARGET_WARM_P50_RATIO = 1.15;

const IMAGE_URL = "https://images.example.com/dogs/beagle.jpg";
// A Function URL / HTTP API event: the most parsing the handler does on its success path.
const EVENT = functionUrlEvent(JSON.stringify({ url: IMAGE_URL }));

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 3 : 1)} ms`;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}
const median = (values: number[]) => quantile(values, 0.5);
/** A difference with its sign: "+3.1 KB", "-5.420 ms" (noise can make a cost come out negative). */
const signed = (text: string) => (text.startsWith("-") ? text : `+${text}`);

// The build options of tools/build.mjs (which builds on import, so it is not imported here). The bench checks
// that its copy reproduces dist/lambda/index.mjs byte for byte, so the two cannot drift apart silently.
const LAMBDA_OPTIONS = {
  entryPoints: [join(ROOT, "lambda", "index.ts")],
  bundle: true,
  platform: "node" as const,
  format: "esm" as const,
  target: "node20",
  mainFields: ["module", "main"],
  minify: true,
  sourcemap: false,
  metafile: true,
  logLevel: "warning" as const,
};

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
    "export class Metrics { addMetric() {} publishStoredMetrics() {} }",
);

/**
 * Stand-ins for the warm breakdown, each a handler built from parts of the real one and bundled like it: the bare
 * SDK call; the same with the function's deadline (AbortSignal.timeout passed as abortSignal); the same with the
 * function's own Powertools code (lambda/observability.ts) writing a success line and EMF document of the same
 * shape as the handler's. They isolate what the deadline and Powertools cost, from what the rest costs.
 */
function breakdownSource(parts: { deadline: boolean; powertools: boolean }): string {
  return `
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
${parts.powertools ? 'import { emitInvocation } from "./lambda/observability";' : ""}
const client = new SageMakerRuntimeClient({});
export async function handler(event, context) {
  const started = performance.now();
  const { url } = JSON.parse(event.body);
  const command = new InvokeEndpointCommand({
    EndpointName: process.env.ENDPOINT_NAME,
    ContentType: "application/json",
    Accept: "application/json",
    Body: JSON.stringify({ url }),
  });
  const output = await client.send(command${parts.deadline ? ", { abortSignal: AbortSignal.timeout(10000) }" : ""});
  const body = await output.Body.transformToString("utf-8");
  ${
    parts.powertools
      ? `const latencyMs = performance.now() - started;
  const m = output.$metadata;
  emitInvocation(200, {
    requestId: context.awsRequestId, coldStart: false, status: 200, latencyMs: Math.round(latencyMs * 1000) / 1000,
    eventShape: "http-v2", urlHost: url.slice(8, url.indexOf("/", 8)), sdkAttempts: m.attempts,
    sdkTotalRetryDelayMs: m.totalRetryDelay, sagemakerRequestId: m.requestId,
    invokedVariant: output.InvokedProductionVariant,
  }, latencyMs);`
      : "void started;"
  }
  return { statusCode: 200, headers: { "content-type": "application/json" }, body };
}
`;
}
const BREAKDOWN_VARIANTS: [name: string, label: string, parts: { deadline: boolean; powertools: boolean }][] =
  [
    ["sdkBundled", "bare SDK call, bundled like the function", { deadline: false, powertools: false }],
    [
      "deadline",
      "  + the deadline (AbortSignal.timeout as abortSignal)",
      { deadline: true, powertools: false },
    ],
    ["powertools", "  + Powertools only (lambda/observability.ts)", { deadline: false, powertools: true }],
    ["required", "  + deadline + Powertools, no validation", { deadline: true, powertools: true }],
  ];

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  return input.startsWith("lambda/") ? "lambda/ (the function's own code)" : input;
}

function breakdown(metafile: Metafile): [string, number][] {
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

interface ColdSample {
  importMs: number;
  firstInvocationMs: number;
  totalMs: number;
  sinceProcessStartMs: number;
  status?: number;
}

/** Forks a child script; its stdout (the function's log lines) goes to `stdoutFile`, or is drained. */
function runChild<T>(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdoutFile?: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const stdout = stdoutFile === undefined ? "pipe" : openSync(stdoutFile, "w");
    // execArgv [] keeps ts-node (which runs this script) out of the children.
    const child = fork(script, args, { env, execArgv: [], stdio: ["ignore", stdout, "inherit", "ipc"] });
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

async function main(): Promise<void> {
  if (!existsSync(BUNDLE) || !existsSync(META))
    throw new Error("dist/lambda is missing: run `npm run build` first");
  mkdirSync(WORK, { recursive: true });

  // ---- size ----
  const bundle = readFileSync(BUNDLE);
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  const replica = await build({ ...LAMBDA_OPTIONS, write: false, outfile: join(WORK, "replica.mjs") });
  if (!Buffer.from(replica.outputFiles[0].contents).equals(bundle)) {
    throw new Error("the bench's copy of the build options no longer reproduces dist/lambda/index.mjs");
  }
  console.log("# Lambda bundle (dist/lambda/index.mjs)");
  console.log(
    `size: ${kb(bundle.length)} minified, ${kb(gzipped)} gzipped (level 9)  [target ≤ ${TARGET_BUNDLE_KB} KB]`,
  );
  console.log("by package (bytes in output):");
  for (const [name, bytes] of breakdown(JSON.parse(readFileSync(META, "utf8")) as Metafile)) {
    console.log(`  ${name.padEnd(48)} ${kb(bytes).padStart(9)}`);
  }

  // What Powertools adds: the same build with Logger and/or Metrics replaced by no-op stand-ins.
  const variants: [string, Plugin[]][] = [
    ["without Logger", [LOGGER_STUB]],
    ["without Metrics", [METRICS_STUB]],
    ["without Logger and Metrics", [LOGGER_STUB, METRICS_STUB]],
  ];
  const variantFiles: [string, string][] = [["full bundle", BUNDLE]];
  const variantSizes = new Map<string, number>([["full bundle", bundle.length]]);
  for (const [name, plugins] of variants) {
    const outfile = join(WORK, `variant-${name.replace(/\W+/g, "-")}.mjs`);
    await build({ ...LAMBDA_OPTIONS, metafile: false, outfile, plugins });
    variantSizes.set(name, readFileSync(outfile).length);
    variantFiles.push([name, outfile]);
  }

  // The same handler unbundled: lambda/ compiled, every package loaded from node_modules at run time.
  const unbundled = join(WORK, "unbundled", "index.mjs");
  await build({
    ...LAMBDA_OPTIONS,
    minify: false,
    metafile: false,
    packages: "external",
    outfile: unbundled,
  });

  // ---- emulator and environment ----
  const emulator = await SageMakerEmulator.start();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "dummy-session-token",
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: emulator.url,
    AWS_CONFIG_FILE: join(WORK, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(WORK, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ENDPOINT_NAME: "dog-breeds",
    ALLOWED_IMAGE_HOSTS: "images.example.com",
    AWS_LAMBDA_FUNCTION_NAME: "image-classifier",
  };
  const results: Record<string, unknown> = { bundleBytes: bundle.length, gzippedBytes: gzipped };

  try {
    // ---- cold ----
    const eventArg = JSON.stringify(EVENT);
    const cold: Record<"bundled" | "unbundled", ColdSample[]> = { bundled: [], unbundled: [] };
    for (let i = 0; i < COLD_RUNS; i++) {
      // Alternate, so that load on the machine affects both sides alike.
      for (const [side, file] of [
        ["bundled", BUNDLE],
        ["unbundled", unbundled],
      ] as const) {
        const sample = await runChild<ColdSample>(COLD_CHILD, [pathToFileURL(file).href, eventArg], env);
        if (sample.status !== 200) throw new Error(`cold ${side} invocation answered ${sample.status}`);
        cold[side].push(sample);
      }
    }
    const coldMedian = (side: "bundled" | "unbundled", key: keyof ColdSample) =>
      median(cold[side].map((s) => s[key] as number));
    const coldRatio = coldMedian("bundled", "totalMs") / coldMedian("unbundled", "totalMs");
    console.log(
      `\n# Cold start: median of ${COLD_RUNS} fresh node processes each (import + first invocation)`,
    );
    console.log(
      "                       import     first invocation   import + first   process start → answered",
    );
    for (const side of ["bundled", "unbundled"] as const) {
      console.log(
        `  ${side.padEnd(18)} ${ms(coldMedian(side, "importMs")).padStart(9)}  ${ms(coldMedian(side, "firstInvocationMs")).padStart(14)}  ${ms(coldMedian(side, "totalMs")).padStart(14)}  ${ms(coldMedian(side, "sinceProcessStartMs")).padStart(14)}`,
      );
    }
    console.log(
      `  ratio bundled/unbundled (import + first): ${coldRatio.toFixed(3)}  [target ≤ ${TARGET_COLD_RATIO}]`,
    );
    results.cold = {
      runs: COLD_RUNS,
      bundledMs: coldMedian("bundled", "totalMs"),
      unbundledMs: coldMedian("unbundled", "totalMs"),
      ratio: coldRatio,
    };

    // Powertools' share of the cold import (import only, 11 processes per variant).
    console.log("\n# What Powertools adds (size; median import time over 11 fresh processes)");
    const importOnly = new Map<string, number>();
    for (const [name, file] of variantFiles) {
      const samples: number[] = [];
      for (let i = 0; i < 11; i++) {
        samples.push((await runChild<ColdSample>(COLD_CHILD, [pathToFileURL(file).href, "-"], env)).importMs);
      }
      importOnly.set(name, median(samples));
    }
    const baseSize = variantSizes.get("without Logger and Metrics") ?? 0;
    const baseImport = importOnly.get("without Logger and Metrics") ?? 0;
    for (const [name] of variantFiles) {
      const size = variantSizes.get(name) ?? 0;
      const load = importOnly.get(name) ?? 0;
      console.log(
        `  ${name.padEnd(28)} ${kb(size).padStart(9)}  import ${ms(load).padStart(8)}   vs neither: ${signed(kb(size - baseSize))}, ${signed(ms(load - baseImport))}`,
      );
    }
    results.powertools = Object.fromEntries(
      variantFiles.map(([name]) => [name, { bytes: variantSizes.get(name), importMs: importOnly.get(name) }]),
    );

    // ---- warm ----
    // The bundle, the same bundle with Logger and Metrics stubbed out (to show what they cost), and the bare SDK
    // call, rotated in one process per round.
    const noPowertools = variantFiles.find(([name]) => name === "without Logger and Metrics")?.[1] ?? BUNDLE;
    const modules = [
      `handler=${pathToFileURL(BUNDLE).href}`,
      `noPowertools=${pathToFileURL(noPowertools).href}`,
    ];
    type WarmResult = { samples: Record<string, number[]>; cpuMicros: Record<string, number> };
    const warm: Record<string, number[]> = { handler: [], noPowertools: [], sdk: [] };
    const cpu: Record<string, number[]> = { handler: [], noPowertools: [], sdk: [] };
    const warmLog = join(WORK, "warm-stdout.log");
    let logBytes = 0;
    let logLines = 0;
    for (let round = 0; round < WARM_ROUNDS; round++) {
      emulator.reset();
      const result = await runChild<WarmResult>(
        WARM_CHILD,
        [JSON.stringify(EVENT), String(WARM_ITERATIONS), String(WARM_UP), ...modules],
        env,
        warmLog,
      );
      for (const name of Object.keys(warm)) {
        warm[name].push(...result.samples[name]);
        cpu[name].push(result.cpuMicros[name]);
      }
      // The emulator must have seen every call, and the handler must have logged each, or the loop measured
      // something else.
      if (emulator.requests.length !== 3 * (WARM_ITERATIONS + WARM_UP)) {
        throw new Error(`emulator saw ${emulator.requests.length} requests in the warm loop`);
      }
      emulator.requests.length = 0;
      logBytes += statSync(warmLog).size;
      logLines += readFileSync(warmLog, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("{")).length;
    }
    if (logLines < 2 * WARM_ROUNDS * (WARM_ITERATIONS + WARM_UP)) {
      throw new Error(
        `the handler wrote ${logLines} JSON lines, expected a log line and an EMF line per invocation`,
      );
    }
    const p50 = (name: string) => quantile(warm[name], 0.5);
    const p99 = (name: string) => quantile(warm[name], 0.99);
    const cpuPerCall = (name: string) => median(cpu[name]);
    const warmRatio = p50("handler") / p50("sdk");
    console.log(
      `\n# Warm: ${WARM_ROUNDS} process(es) × ${WARM_ITERATIONS} sequential invocations of each, rotated, after ${WARM_UP} warm-up`,
    );
    console.log(
      "                                                     p50        p99   CPU/call   p50 ratio to SDK",
    );
    const row = (label: string, name: string) =>
      console.log(
        `  ${label.padEnd(48)} ${ms(p50(name)).padStart(9)} ${ms(p99(name)).padStart(10)} ${`${cpuPerCall(name).toFixed(0)} µs`.padStart(10)}   ${(p50(name) / p50("sdk")).toFixed(3)}`,
      );
    row("handler (bundle; log line + EMF to a file)", "handler");
    row("same, Logger and Metrics stubbed out", "noPowertools");
    row("bare SDK InvokeEndpointCommand + body read", "sdk");
    console.log(
      `  ratio handler/SDK: p50 ${warmRatio.toFixed(3)}  [target ≤ ${TARGET_WARM_P50_RATIO}], p99 ${(p99("handler") / p99("sdk")).toFixed(3)}`,
    );
    console.log(
      `  Powertools Logger + Metrics per invocation: ${signed(((p50("handler") - p50("noPowertools")) * 1000).toFixed(0))} µs at p50, ${signed((cpuPerCall("handler") - cpuPerCall("noPowertools")).toFixed(0))} µs CPU`,
    );
    console.log(`  the handler wrote ${logLines} JSON lines (${kb(logBytes)}) of logs and EMF`);
    results.warm = {
      iterations: WARM_ITERATIONS * WARM_ROUNDS,
      handler: { p50: p50("handler"), p99: p99("handler"), cpuMicros: cpuPerCall("handler") },
      noPowertools: {
        p50: p50("noPowertools"),
        p99: p99("noPowertools"),
        cpuMicros: cpuPerCall("noPowertools"),
      },
      sdk: { p50: p50("sdk"), p99: p99("sdk"), cpuMicros: cpuPerCall("sdk") },
      p50Ratio: warmRatio,
    };

    // ---- warm breakdown ----
    // Separate processes, so the figures above keep their three-way rotation: the handler, its Powertools-stubbed
    // build and the stand-ins, rotated with the bare SDK call as above.
    let warmBreakdown: Record<string, { p50: number; ratio: number }> | undefined;
    if (WARM_BREAKDOWN) {
      const parts: string[] = [`handler=${pathToFileURL(BUNDLE).href}`, modules[1]];
      for (const [name, , variantParts] of BREAKDOWN_VARIANTS) {
        const outfile = join(WORK, `breakdown-${name}.mjs`);
        await build({
          ...LAMBDA_OPTIONS,
          entryPoints: undefined,
          stdin: { contents: breakdownSource(variantParts), resolveDir: ROOT, loader: "js" },
          metafile: false,
          outfile,
        });
        parts.push(`${name}=${pathToFileURL(outfile).href}`);
      }
      const samples: Record<string, number[]> = {};
      const breakdownLog = join(WORK, "warm-breakdown-stdout.log");
      for (let round = 0; round < WARM_ROUNDS; round++) {
        emulator.reset();
        const result = await runChild<WarmResult>(
          WARM_CHILD,
          [JSON.stringify(EVENT), String(WARM_ITERATIONS), String(WARM_UP), ...parts],
          env,
          breakdownLog,
        );
        if (emulator.requests.length !== (parts.length + 1) * (WARM_ITERATIONS + WARM_UP)) {
          throw new Error(`emulator saw ${emulator.requests.length} requests in the breakdown loop`);
        }
        emulator.requests.length = 0;
        // The handler and the two stand-ins with Powertools must each have written a log line and an EMF
        // document per call, or the breakdown timed something else.
        const lines = readFileSync(breakdownLog, "utf8")
          .split("\n")
          .filter((line) => line.startsWith("{")).length;
        if (lines < 2 * 3 * (WARM_ITERATIONS + WARM_UP)) {
          throw new Error(`the breakdown loop wrote ${lines} JSON lines, expected 2 per call of 3 callers`);
        }
        for (const [name, values] of Object.entries(result.samples)) (samples[name] ??= []).push(...values);
      }
      const sdkP50 = quantile(samples.sdk, 0.5);
      const ratioOf = (name: string) => quantile(samples[name], 0.5) / sdkP50;
      warmBreakdown = Object.fromEntries(
        Object.keys(samples).map((name) => [
          name,
          { p50: quantile(samples[name], 0.5), ratio: ratioOf(name) },
        ]),
      );
      console.log(
        `\n# Warm breakdown: ${WARM_ROUNDS} more process(es), each rotating the handler, stand-ins built from its parts and the bare SDK call`,
      );
      console.log("                                                     p50   p50 ratio to SDK");
      const rows: [string, string][] = [
        ...BREAKDOWN_VARIANTS.map(([name, label]): [string, string] => [label, name]),
        ["the handler, Logger and Metrics stubbed out", "noPowertools"],
        ["the handler", "handler"],
        ["bare SDK InvokeEndpointCommand (node_modules)", "sdk"],
      ];
      for (const [label, name] of rows) {
        console.log(
          `  ${label.padEnd(48)} ${ms(quantile(samples[name], 0.5)).padStart(9)}   ${ratioOf(name).toFixed(3)}`,
        );
      }
      const base = ratioOf("sdkBundled");
      const deadline = ratioOf("deadline") - base;
      const powertools = ratioOf("powertools") - base;
      const rest = ratioOf("noPowertools") - ratioOf("deadline");
      console.log(
        `  of the handler's ${(ratioOf("handler") - 1).toFixed(3)} over the SDK call: bundling ${(base - 1).toFixed(3)}, ` +
          `deadline ${deadline.toFixed(3)}, Powertools Logger + Metrics ${powertools.toFixed(3)}, ` +
          `validation and the rest ${rest.toFixed(3)} (sum ${(base - 1 + deadline + powertools + rest).toFixed(3)})`,
      );
      console.log(
        `  Powertools alone takes ${((powertools / (TARGET_WARM_P50_RATIO - 1)) * 100).toFixed(0)} % of the ${TARGET_WARM_P50_RATIO} target's budget; ` +
          `the two required parts alone (deadline + Powertools, nothing else) measure ${ratioOf("required").toFixed(3)}`,
      );
      results.warmBreakdown = warmBreakdown;
    }

    // ---- verdict ----
    const checks: [string, boolean][] = [
      [`bundle ${kb(bundle.length)} ≤ ${TARGET_BUNDLE_KB} KB`, bundle.length <= TARGET_BUNDLE_KB * 1000],
      [`cold ratio ${coldRatio.toFixed(3)} ≤ ${TARGET_COLD_RATIO}`, coldRatio <= TARGET_COLD_RATIO],
      [
        `warm p50 ratio ${warmRatio.toFixed(3)} ≤ ${TARGET_WARM_P50_RATIO}`,
        warmRatio <= TARGET_WARM_P50_RATIO,
      ],
    ];
    console.log("\n# Targets");
    for (const [label, met] of checks) console.log(`  ${met ? "met   " : "MISSED"} ${label}`);
    writeFileSync(join(WORK, "results.json"), JSON.stringify(results, null, 2));
    console.log(`\n(node ${process.version}; figures also in dist/bench-lambda/results.json)`);
  } finally {
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
