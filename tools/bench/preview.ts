/**
 * `npm run bench:preview`: the offline preview of both stacks end to end, as a user runs it, timed over 5 runs
 * (after one warm-up run that fills the file cache). Prints the median wall time and where it goes:
 *
 * - process start-up: node, the TypeScript loader and the preview's own modules, before the preview starts;
 * - program runs: wall time until the last stack's program run (child process) has finished; both stacks run in
 *   parallel, and the policy pack starts at the same time;
 * - waiting for the pack: the policy pack (the CLI's runner) starts alongside the program runs; this is the time,
 *   if any, between the last run finishing and the pack being ready;
 * - analysis: Configure, Analyze per resource and AnalyzeStack, per stack, one stack at a time on the shared pack
 *   (the first stack's analysis may overlap the second stack's run);
 * - cost, output and shutdown: the rest.
 *
 * `npm run preview` also runs `npm run build` first (the Lambda bundle and the compiled policy pack), timed once
 * here and reported separately. Target: ≤ 5 s wall for both stacks on 2 cores.
 *
 * Then the change preview (preview-diff.ts): with a base from --base-json (target: ≤ 25 % over the plain preview)
 * and from --base HEAD (a git worktree).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { PreviewReport } from "../preview/preview";
import { benchChangePreview } from "./preview-diff";

const ROOT = join(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 5_000;

interface Sample {
  wallMs: number;
  report: PreviewReport;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runOnce(): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["-r", join(ROOT, "tools/lib/esbuild-register.js"), join(ROOT, "tools/preview/cli.ts"), "--json"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = performance.now() - started;
      try {
        const report = JSON.parse(stdout) as PreviewReport;
        if (code !== report.exitCode)
          throw new Error(`exit code ${code} but the report says ${report.exitCode}`);
        if (report.exitCode === 2) {
          throw new Error(
            `the preview failed: ${report.stacks.map((s) => s.error?.message ?? s.status).join("; ")}`,
          );
        }
        resolve({ wallMs, report });
      } catch (err) {
        reject(
          new Error(`preview run failed (exit ${code}): ${(err as Error).message}\n${stderr.slice(-2000)}`),
        );
      }
    });
  });
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0).padStart(3)} %`;
}

async function main(): Promise<void> {
  const buildStarted = performance.now();
  const build = spawnSync(process.execPath, [join(ROOT, "tools/build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
  const buildMs = performance.now() - buildStarted;

  console.log(`Offline preview benchmark: both stacks, ${RUNS} runs after 1 warm-up, ${cpus().length} cores`);
  await runOnce(); // warm-up: file cache, esbuild binary
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await runOnce();
    samples.push(s);
    console.log(
      `  run ${i + 1}: ${fmt(s.wallMs)}  (programs ${fmt(s.report.timings.programsWallMs)}, pack start-up ` +
        `${fmt(s.report.timings.packStartupMs ?? 0)}, analysis ${fmt(s.report.timings.analysisMs)})`,
    );
  }
  const wall = median(samples.map((s) => s.wallMs));
  const total = median(samples.map((s) => s.report.timings.totalMs));
  const programs = median(samples.map((s) => s.report.timings.programsWallMs));
  const packStartup = median(samples.map((s) => s.report.timings.packStartupMs ?? 0));
  const packReady = median(samples.map((s) => s.report.timings.packReadyMs ?? 0));
  const analysis = median(samples.map((s) => s.report.timings.analysisMs));
  const startup = wall - total;
  const waitForPack = Math.max(0, packReady - programs);
  const rest = Math.max(0, total - programs - waitForPack - analysis);
  const last = samples[samples.length - 1].report;
  const perStack = last.stacks.map(
    (s) =>
      `${s.stack}: ${s.resources.length} resources, program ${fmt(s.timings.programMs)}, analysis ${fmt(s.timings.analysisMs)}`,
  );

  console.log("");
  console.log(`Median wall time, both stacks end to end: ${fmt(wall)} (target ≤ ${fmt(TARGET_MS)})`);
  console.log(
    `  process start-up (node, loader, CLI modules)   ${fmt(startup).padStart(8)}  ${pct(startup, wall)}`,
  );
  console.log(
    `  program runs (both stacks in parallel)         ${fmt(programs).padStart(8)}  ${pct(programs, wall)}`,
  );
  console.log(
    `  waiting for the policy pack after the runs     ${fmt(waitForPack).padStart(8)}  ${pct(waitForPack, wall)}`,
  );
  console.log(
    `  policy analysis (Configure, Analyze, Stack)    ${fmt(analysis).padStart(8)}  ${pct(analysis, wall)}`,
  );
  console.log(
    `  cost estimate, output, shutdown                ${fmt(rest).padStart(8)}  ${pct(rest, wall)}`,
  );
  console.log(
    `  (policy pack start-up ${fmt(packStartup)} until its port, ready ${fmt(packReady)} after the start: ` +
      `it runs alongside the programs)`,
  );
  console.log(`  last run: ${perStack.join("; ")}`);
  console.log(
    `\`npm run preview\` also builds first (${fmt(buildMs)}): ${fmt(wall + buildMs)} including the build`,
  );
  console.log(wall <= TARGET_MS ? "within target" : "OVER target");
  await benchChangePreview(RUNS);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
