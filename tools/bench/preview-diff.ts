/**
 * The change-preview part of `npm run bench:preview`: the same preview of both stacks, with a base to compare
 * with, timed end to end as a user runs it:
 * - base from `--base-json` (a saved preview, what CI caches): target ≤ 25 % over the plain preview;
 * - base from `--base HEAD` (a temporary git worktree with linked node_modules, built and previewed with its own
 *   tools): reported, no target (it previews two trees).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const ROOT = join(__dirname, "..", "..");
export const DIFF_OVERHEAD_TARGET = 0.25;

interface Timed {
  readonly wallMs: number;
  readonly stdout: string;
}

function timeCli(args: readonly string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["-r", join(ROOT, "tools/lib/esbuild-register.js"), join(ROOT, "tools/preview/cli.ts"), ...args],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 2) reject(new Error(`preview ${args.join(" ")} failed (exit 2):\n${stderr.slice(-2000)}`));
      else resolve({ wallMs: performance.now() - started, stdout });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Runs the change-preview timings. Plain and --base-json runs alternate, so that the load of a shared machine
 * weighs on both alike; the overhead is the ratio of their medians.
 */
export async function benchChangePreview(runs: number): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "bench-diff-"));
  try {
    const baseJson = join(dir, "base.json");
    await timeCli(["--json", "--output", baseJson]);
    const fromJson: number[] = [];
    const plain: number[] = [];
    const diffMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      plain.push((await timeCli(["--json"])).wallMs);
      const t = await timeCli(["--base-json", baseJson, "--json"]);
      fromJson.push(t.wallMs);
      diffMs.push((JSON.parse(t.stdout) as { diff: { timings: { diffMs: number } } }).diff.timings.diffMs);
    }
    const worktreeRuns = Math.max(1, Math.min(2, runs));
    const fromGit: number[] = [];
    for (let i = 0; i < worktreeRuns; i++) fromGit.push((await timeCli(["--base", "HEAD", "--json"])).wallMs);

    const json = median(fromJson);
    const plainMs = median(plain);
    const overhead = json / plainMs - 1;
    console.log("");
    console.log(`Change preview, both stacks (${runs} runs each, alternating with the plain preview):`);
    console.log(`  plain preview                 ${fmt(plainMs).padStart(8)}`);
    console.log(
      `  --base-json <saved preview>   ${fmt(json).padStart(8)}  ${(overhead * 100).toFixed(0).padStart(3)} % over plain ` +
        `(target ≤ ${DIFF_OVERHEAD_TARGET * 100} %; the diff itself ${median(diffMs).toFixed(0)} ms)`,
    );
    console.log(
      `  --base HEAD (git worktree)    ${fmt(median(fromGit)).padStart(8)}  ` +
        `(worktree, linked node_modules, build and preview of the base alongside the working tree; ${worktreeRuns} runs)`,
    );
    const ok = overhead <= DIFF_OVERHEAD_TARGET;
    console.log(ok ? "change preview within target" : "change preview OVER target");
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
