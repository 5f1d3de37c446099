import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..", "..");
export const PROGRAMS = join(ROOT, "test", "fixtures", "programs");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the preview CLI as `npm run preview` does (without npm and the build), in a child process. */
export function runPreviewCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode(
    ["-r", join(ROOT, "tools/lib/esbuild-register.js"), join(ROOT, "tools/preview/cli.ts"), ...args],
    env,
  );
}

export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

let built = false;
/** `npm run build`: the compiled policy pack and the Lambda bundle the program checks for. Once per mocha run. */
export function buildOnce(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [join(ROOT, "tools/build.mjs")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stderr}`);
  built = true;
}

/** Explains a failed expectation on a CLI run with its output. */
export function describeRun(run: CliResult): string {
  return `exit ${run.code}\n--- stdout (tail) ---\n${run.stdout.slice(-4000)}\n--- stderr ---\n${run.stderr.slice(-4000)}`;
}
