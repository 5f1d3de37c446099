// `npm run bench:lambda`: the inference function's bundle size, cold start and warm overhead, against the
// SageMaker runtime emulator on loopback. Prints figures, both cold baselines and the targets:
//   bundle ≤ 230 KB minified;
//   cold ratio ≤ 0.65: bundle import + first invocation, against the plain SDK (a fresh process importing
//     @aws-sdk/client-sagemaker-runtime from node_modules and sending one InvokeEndpointCommand: what a function
//     using the Lambda runtime's built-in SDK does); the same handler unbundled is printed beside it;
//   warm, loopback stand-in (answers in well under a millisecond): the handler's p50 minus the bare SDK call's,
//     < 250 µs;
//   warm, stand-in answering after 50 ms (a real endpoint takes tens to hundreds): p50 ratio ≤ 1.01.
// Run after `npm run build` (the npm script does both).
//
// Options (environment): BENCH_COLD_RUNS (default 31), BENCH_WARM_ITERATIONS (5000), BENCH_WARM_ROUNDS (2),
// BENCH_DELAYED_ITERATIONS (1000), BENCH_DELAY_MS (50).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { SageMakerEmulator } from "../../test/lambda/support/sagemaker-emulator";
import { functionUrlEvent } from "../../test/lambda/support/sagemaker-function";
import {
  buildUnbundled,
  buildVariants,
  type ColdSample,
  kb,
  lambdaBuildOptions,
  median,
  ms,
  quantile,
  ROOT,
  runChild,
  signed,
  sizeByPackage,
  us,
  type WarmResult,
} from "./lambda-support";

const BUNDLE = join(ROOT, "dist", "lambda", "index.mjs");
const META = join(ROOT, "dist", "lambda", "meta.json");
const WORK = join(ROOT, "dist", "bench-lambda");
const COLD_CHILD = join(__dirname, "lambda-cold-child.mjs");
const SDK_COLD_CHILD = join(__dirname, "lambda-sdk-cold-child.mjs");
const WARM_CHILD = join(__dirname, "lambda-warm-child.mjs");

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 31);
const WARM_ITERATIONS = Number(process.env.BENCH_WARM_ITERATIONS ?? 5000);
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 2);
const WARM_UP = 500;
const DELAYED_ITERATIONS = Number(process.env.BENCH_DELAYED_ITERATIONS ?? 1000);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 50);
const POWERTOOLS_IMPORT_RUNS = 11;

const TARGET_BUNDLE_KB = 230;
const TARGET_COLD_RATIO = 0.65;
const TARGET_WARM_ADDED_MS = 0.25;
const TARGET_DELAYED_P50_RATIO = 1.01;

const IMAGE_URL = "https://images.example.com/dogs/beagle.jpg";
// A Function URL / HTTP API event: the most parsing the handler does on its success path.
const EVENT = functionUrlEvent(JSON.stringify({ url: IMAGE_URL }));

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");

/** Runs the warm child once; checks that the emulator saw every call and the handler logged each. */
async function warmRound(
  emulator: SageMakerEmulator,
  env: NodeJS.ProcessEnv,
  modules: string[],
  iterations: number,
  warmUp: number,
  loggingCallers: number,
): Promise<WarmResult> {
  const log = join(WORK, "warm-stdout.log");
  emulator.requests.length = 0;
  const result = await runChild<WarmResult>(
    WARM_CHILD,
    [JSON.stringify(EVENT), String(iterations), String(warmUp), ...modules],
    env,
    log,
  );
  const calls = (modules.length + 1) * (iterations + warmUp);
  if (emulator.requests.length !== calls) {
    throw new Error(
      `the emulator saw ${emulator.requests.length} requests in the warm loop, expected ${calls}`,
    );
  }
  const lines = readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{")).length;
  if (lines < 2 * loggingCallers * (iterations + warmUp)) {
    throw new Error(
      `the handler wrote ${lines} JSON lines, expected a log line and an EMF line per invocation`,
    );
  }
  return result;
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE) || !existsSync(META))
    throw new Error("dist/lambda is missing: run `npm run build` first");
  mkdirSync(WORK, { recursive: true });
  console.log(`load average at start: ${loadAverage()} (1, 5, 15 min; the machine has 2 cores)`);
  const results: Record<string, unknown> = { loadAverageAtStart: loadavg() };

  // ---- size ----
  const options = await lambdaBuildOptions();
  const bundle = readFileSync(BUNDLE);
  const replica = await build({ ...options, write: false });
  if (!Buffer.from(replica.outputFiles[0].contents).equals(bundle)) {
    throw new Error("dist/lambda/index.mjs is not what tools/build.mjs builds now: run `npm run build`");
  }
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  const variants = await buildVariants(options, WORK);
  const uncut = variants.find((v) => v.name === "without the module replacements");
  if (uncut === undefined) throw new Error("variant missing");
  console.log("\n# Lambda bundle (dist/lambda/index.mjs)");
  console.log(
    `size: ${kb(bundle.length)} minified, ${kb(gzipped)} gzipped (level 9)  [target ≤ ${TARGET_BUNDLE_KB} KB]`,
  );
  console.log(
    `without tools/build.mjs's module replacements and plugins (the SDK as published): ${kb(uncut.bytes)}`,
  );
  console.log("by package (bytes in output):");
  for (const [name, bytes] of sizeByPackage(JSON.parse(readFileSync(META, "utf8")) as Metafile)) {
    console.log(`  ${name.padEnd(48)} ${kb(bytes).padStart(9)}`);
  }
  results.bundleBytes = bundle.length;
  results.gzippedBytes = gzipped;
  results.uncutBytes = uncut.bytes;
  const unbundled = await buildUnbundled(options, WORK);

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

  try {
    // ---- cold ----
    // Each sample is a fresh process; the sides alternate, so that load on the machine affects all alike.
    const sides: [label: string, run: () => Promise<ColdSample>][] = [
      ["bundle (dist/lambda/index.mjs)", coldOf(BUNDLE)],
      ["bundle without the module replacements", coldOf(uncut.file)],
      ["same handler unbundled (node_modules)", coldOf(unbundled)],
      ["plain SDK from node_modules, one call", () => runChild<ColdSample>(SDK_COLD_CHILD, [IMAGE_URL], env)],
    ];
    function coldOf(file: string) {
      return () => runChild<ColdSample>(COLD_CHILD, [pathToFileURL(file).href, JSON.stringify(EVENT)], env);
    }
    const cold = new Map<string, ColdSample[]>(sides.map(([label]) => [label, []]));
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const [label, run] of sides) {
        const sample = await run();
        if (sample.status !== 200) throw new Error(`cold run of "${label}" answered ${sample.status}`);
        cold.get(label)?.push(sample);
      }
    }
    const coldMedian = (label: string, key: keyof ColdSample) =>
      median((cold.get(label) ?? []).map((s) => s[key] as number));
    const [bundleSide, , unbundledSide, sdkSide] = sides.map(([label]) => label);
    const coldRatio = coldMedian(bundleSide, "totalMs") / coldMedian(sdkSide, "totalMs");
    const cpuRatio = coldMedian(bundleSide, "totalCpuMs") / coldMedian(sdkSide, "totalCpuMs");
    console.log(`\n# Cold start: medians of ${COLD_RUNS} fresh node processes per row, rows alternating`);
    console.log(`${"".padEnd(42)}    import   first call   import + first   CPU time   ratio to plain SDK`);
    for (const [label] of sides) {
      console.log(
        `  ${label.padEnd(40)} ${ms(coldMedian(label, "importMs")).padStart(9)} ${ms(coldMedian(label, "firstInvocationMs")).padStart(12)} ${ms(coldMedian(label, "totalMs")).padStart(16)} ${ms(coldMedian(label, "totalCpuMs")).padStart(10)}   ${(coldMedian(label, "totalMs") / coldMedian(sdkSide, "totalMs")).toFixed(3)}`,
      );
    }
    console.log(
      `  cold ratio, bundle / plain SDK (import + first call): ${coldRatio.toFixed(3)}  [target ≤ ${TARGET_COLD_RATIO}]; ` +
        `in CPU time ${cpuRatio.toFixed(3)}`,
    );
    console.log(
      `  bundle / same handler unbundled (the earlier baseline): ${(coldMedian(bundleSide, "totalMs") / coldMedian(unbundledSide, "totalMs")).toFixed(3)}`,
    );
    results.cold = {
      runs: COLD_RUNS,
      medians: Object.fromEntries(
        sides.map(([label]) => [
          label,
          {
            importMs: coldMedian(label, "importMs"),
            firstInvocationMs: coldMedian(label, "firstInvocationMs"),
            totalMs: coldMedian(label, "totalMs"),
            totalCpuMs: coldMedian(label, "totalCpuMs"),
          },
        ]),
      ),
      ratioToPlainSdk: coldRatio,
      cpuRatioToPlainSdk: cpuRatio,
    };

    // ---- Powertools' share of size and import ----
    console.log(
      `\n# What Powertools adds (size; median import time over ${POWERTOOLS_IMPORT_RUNS} fresh processes)`,
    );
    const powertoolsRows = [
      { name: "full bundle", file: BUNDLE, bytes: bundle.length },
      ...variants.filter((v) => v !== uncut),
    ];
    const importOnly = new Map<string, number[]>(powertoolsRows.map((v) => [v.name, []]));
    for (let i = 0; i < POWERTOOLS_IMPORT_RUNS; i++) {
      for (const v of powertoolsRows) {
        const sample = await runChild<ColdSample>(COLD_CHILD, [pathToFileURL(v.file).href, "-"], env);
        importOnly.get(v.name)?.push(sample.importMs);
      }
    }
    const base = powertoolsRows.find((v) => v.name === "without Logger and Metrics");
    const baseImport = median(importOnly.get(base?.name ?? "") ?? []);
    for (const v of powertoolsRows) {
      const load = median(importOnly.get(v.name) ?? []);
      console.log(
        `  ${v.name.padEnd(28)} ${kb(v.bytes).padStart(9)}  import ${ms(load).padStart(8)}   vs neither: ${signed(kb(v.bytes - (base?.bytes ?? 0)))}, ${signed(ms(load - baseImport))}`,
      );
    }

    // ---- warm, loopback ----
    // The bundle, the same bundle with Logger and Metrics stubbed out, and the bare SDK call, rotated in one
    // process per round.
    const noPowertools = base?.file ?? BUNDLE;
    const modules = [
      `handler=${pathToFileURL(BUNDLE).href}`,
      `noPowertools=${pathToFileURL(noPowertools).href}`,
    ];
    const warm: Record<string, number[]> = { handler: [], noPowertools: [], sdk: [] };
    const cpu: Record<string, number[]> = { handler: [], noPowertools: [], sdk: [] };
    for (let round = 0; round < WARM_ROUNDS; round++) {
      emulator.reset();
      const result = await warmRound(emulator, env, modules, WARM_ITERATIONS, WARM_UP, 1);
      for (const name of Object.keys(warm)) {
        warm[name].push(...result.samples[name]);
        cpu[name].push(result.cpuMicros[name]);
      }
    }
    const p50 = (name: string) => quantile(warm[name], 0.5);
    const p99 = (name: string) => quantile(warm[name], 0.99);
    const cpuPerCall = (name: string) => median(cpu[name]);
    const addedP50 = p50("handler") - p50("sdk");
    console.log(
      `\n# Warm, loopback stand-in: ${WARM_ROUNDS} process(es) × ${WARM_ITERATIONS} sequential calls of each, rotated, after ${WARM_UP} warm-up`,
    );
    console.log(`${"".padEnd(50)}      p50        p99   CPU/call   p50 over SDK`);
    const row = (label: string, name: string) =>
      console.log(
        `  ${label.padEnd(48)} ${ms(p50(name)).padStart(9)} ${ms(p99(name)).padStart(10)} ${`${cpuPerCall(name).toFixed(0)} µs`.padStart(10)}   ${signed(us(p50(name) - p50("sdk"))).padStart(8)}`,
      );
    row("handler (bundle; log line + EMF to a file)", "handler");
    row("same, Logger and Metrics stubbed out", "noPowertools");
    row("bare SDK InvokeEndpointCommand + body read", "sdk");
    console.log(
      `  handler's added p50 over the bare SDK call: ${us(addedP50)}  [target < ${us(TARGET_WARM_ADDED_MS)}]; ` +
        `p50 ratio ${(p50("handler") / p50("sdk")).toFixed(3)}, p99 ratio ${(p99("handler") / p99("sdk")).toFixed(3)}`,
    );
    console.log(
      `  Powertools Logger + Metrics per invocation: ${signed(us(p50("handler") - p50("noPowertools")))} at p50, ` +
        `${signed((cpuPerCall("handler") - cpuPerCall("noPowertools")).toFixed(0))} µs CPU`,
    );
    results.warm = {
      iterations: WARM_ITERATIONS * WARM_ROUNDS,
      ...Object.fromEntries(
        Object.keys(warm).map((name) => [
          name,
          { p50: p50(name), p99: p99(name), cpuMicros: cpuPerCall(name) },
        ]),
      ),
      addedP50Micros: addedP50 * 1000,
    };

    // ---- warm, a stand-in answering after DELAY_MS ----
    emulator.respond([], { kind: "success", delayMs: DELAY_MS });
    const delayed = await warmRound(
      emulator,
      env,
      [modules[0]],
      DELAYED_ITERATIONS,
      Math.min(20, DELAYED_ITERATIONS),
      1,
    );
    emulator.reset();
    const delayedP50 = (name: string) => quantile(delayed.samples[name], 0.5);
    const delayedRatio = delayedP50("handler") / delayedP50("sdk");
    // Each handler call and the SDK call next to it ran under nearly the same load: the median of their ratios
    // shows how much of the p50 ratio's distance from 1 is load drifting between samples.
    const pairedRatio = median(delayed.samples.handler.map((value, i) => value / delayed.samples.sdk[i]));
    console.log(
      `\n# Warm, stand-in answering after ${DELAY_MS} ms: ${DELAYED_ITERATIONS} calls of each, rotated`,
    );
    console.log(
      `  p50: handler ${ms(delayedP50("handler"))}, bare SDK call ${ms(delayedP50("sdk"))}; ` +
        `ratio ${delayedRatio.toFixed(4)}  [target ≤ ${TARGET_DELAYED_P50_RATIO}]`,
    );
    console.log(
      `  p25–p75: handler ${ms(quantile(delayed.samples.handler, 0.25))}–${ms(quantile(delayed.samples.handler, 0.75))}, ` +
        `SDK ${ms(quantile(delayed.samples.sdk, 0.25))}–${ms(quantile(delayed.samples.sdk, 0.75))}; ` +
        `median ratio of neighbouring calls ${pairedRatio.toFixed(4)}`,
    );
    results.delayed = {
      delayMs: DELAY_MS,
      iterations: DELAYED_ITERATIONS,
      handlerP50: delayedP50("handler"),
      sdkP50: delayedP50("sdk"),
      p50Ratio: delayedRatio,
      pairedMedianRatio: pairedRatio,
    };

    // ---- verdict ----
    const checks: [string, boolean][] = [
      [`bundle ${kb(bundle.length)} ≤ ${TARGET_BUNDLE_KB} KB`, bundle.length <= TARGET_BUNDLE_KB * 1000],
      [
        `cold ratio to the plain SDK ${coldRatio.toFixed(3)} ≤ ${TARGET_COLD_RATIO}`,
        coldRatio <= TARGET_COLD_RATIO,
      ],
      [
        `warm added p50 on loopback ${us(addedP50)} < ${us(TARGET_WARM_ADDED_MS)}`,
        addedP50 < TARGET_WARM_ADDED_MS,
      ],
      [
        `warm p50 ratio at ${DELAY_MS} ms ${delayedRatio.toFixed(4)} ≤ ${TARGET_DELAYED_P50_RATIO}`,
        delayedRatio <= TARGET_DELAYED_P50_RATIO,
      ],
    ];
    console.log("\n# Targets");
    for (const [label, met] of checks) console.log(`  ${met ? "met   " : "MISSED"} ${label}`);
    results.loadAverageAtEnd = loadavg();
    writeFileSync(join(WORK, "results.json"), JSON.stringify(results, null, 2));
    console.log(
      `\n(node ${process.version}; load average at end: ${loadAverage()}; figures also in dist/bench-lambda/results.json, ` +
        `warm logs ${kb(statSync(join(WORK, "warm-stdout.log")).size)} in dist/bench-lambda/warm-stdout.log)`,
    );
  } finally {
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
