/**
 * Where the base of a change preview comes from:
 * - `--base-json <file>`: a saved `npm run preview -- --json` output (what CI caches for main);
 * - `--base-dir <dir>`: a checkout of the project: its own preview runs there (`node tools/build.mjs`, then its
 *   tools/preview/cli.ts --json), so the base is previewed with its own program, components and policy pack;
 * - `--base <git-ref>`: a temporary `git worktree` of the ref, previewed as a --base-dir, then removed (also on
 *   Ctrl-C). Its dependencies: `npm ci` when its package-lock.json differs from the working tree's; otherwise a
 *   node_modules of links into the working tree's (see linkNodeModules), which takes milliseconds.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { PreviewReport } from "../preview";
import { PreviewUsageError } from "../preview";

export class BaseError extends PreviewUsageError {}

/** The base's build, install and preview processes still running. */
const running = new Set<ChildProcess>();

function stopRunning(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Reads and checks a saved preview report. */
export function readBaseJson(file: string): PreviewReport {
  if (!existsSync(file)) throw new BaseError(`--base-json: ${file} not found`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new BaseError(`--base-json: ${file} is not JSON: ${(err as Error).message}`);
  }
  return checkReport(data, `--base-json ${file}`);
}

function checkReport(data: unknown, what: string): PreviewReport {
  const r = data as Partial<PreviewReport> | null;
  if (!r || typeof r !== "object") throw new BaseError(`${what}: not a preview report (expected an object)`);
  if (r.schemaVersion !== 1) {
    throw new BaseError(
      `${what}: schemaVersion must be 1 (the output of \`npm run preview -- --json\`); got ${JSON.stringify(r.schemaVersion)}`,
    );
  }
  if (!Array.isArray(r.stacks)) throw new BaseError(`${what}: stacks must be an array`);
  for (const [i, s] of r.stacks.entries()) {
    if (typeof s?.stack !== "string" || !Array.isArray(s.resources)) {
      throw new BaseError(`${what}: stacks[${i}] must have a stack name and a resources array`);
    }
  }
  return r as PreviewReport;
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in `cwd` to completion; rejects only when it cannot be started. */
export type CommandRunner = (cmd: string, args: readonly string[], cwd: string) => Promise<CommandResult>;

function run(cmd: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so that an interrupted run can stop the whole tree (build, preview, policy pack).
    const child = spawn(cmd, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
      detached: true,
    });
    running.add(child);
    child.on("close", () => running.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export interface BasePreviewOptions {
  readonly skipPolicy?: boolean;
}

/** Runs the preview of the checkout in `dir` with its own tools and returns its JSON report. */
export async function previewDirectory(
  dir: string,
  options: BasePreviewOptions = {},
): Promise<PreviewReport> {
  const root = resolve(dir);
  const cli = join(root, "tools/preview/cli.ts");
  if (!existsSync(join(root, "Pulumi.yaml"))) throw new BaseError(`--base-dir: no Pulumi.yaml in ${root}`);
  if (!existsSync(cli))
    throw new BaseError(`--base-dir: ${root} has no tools/preview/cli.ts to preview it with`);
  if (!existsSync(join(root, "node_modules")))
    throw new BaseError(`--base-dir: ${root} has no node_modules (run npm ci there)`);
  const build = await run(process.execPath, [join(root, "tools/build.mjs")], root);
  if (build.code !== 0)
    throw new BaseError(`the base's build failed in ${root}:\n${build.stderr.slice(-2000)}`);
  const args = ["-r", join(root, "tools/lib/esbuild-register.js"), cli, "--json"];
  if (options.skipPolicy) args.push("--no-policy");
  const result = await run(process.execPath, args, root);
  let data: unknown;
  try {
    data = JSON.parse(result.stdout);
  } catch {
    throw new BaseError(
      `the base's preview in ${root} printed no report (exit ${result.code}):\n${result.stderr.slice(-2000)}`,
    );
  }
  return checkReport(data, `the base's preview in ${root}`);
}

function git(args: readonly string[], cwd: string): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new BaseError(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/**
 * Gives `worktree` a node_modules made of links into `source`'s, for an identical lockfile. Links that npm made for
 * workspace packages (relative, `../../components`) are recreated as the same relative links, so they point at the
 * worktree's own packages, not the working tree's; every other entry is an absolute link to the installed copy.
 */
export function linkNodeModules(source: string, worktree: string): void {
  const from = join(source, "node_modules");
  const to = join(worktree, "node_modules");
  mkdirSync(to, { recursive: true });
  const linkEntry = (src: string, dest: string) => {
    const stat = lstatSync(src);
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(src);
      symlinkSync(target, dest);
    } else symlinkSync(src, dest);
  };
  for (const entry of readdirSync(from)) {
    if (entry === ".cache" || entry === ".package-lock.json") continue;
    const src = join(from, entry);
    if (entry.startsWith("@") && readdirSync(src).some((e) => lstatSync(join(src, e)).isSymbolicLink())) {
      mkdirSync(join(to, entry));
      for (const e of readdirSync(src)) linkEntry(join(src, e), join(to, entry, e));
    } else linkEntry(src, join(to, entry));
  }
  // Workspace packages' own node_modules (dependencies npm could not hoist).
  for (const entry of readdirSync(source)) {
    const nested = join(source, entry, "node_modules");
    if (
      entry !== "node_modules" &&
      existsSync(nested) &&
      existsSync(join(worktree, entry)) &&
      !existsSync(join(worktree, entry, "node_modules"))
    ) {
      symlinkSync(nested, join(worktree, entry, "node_modules"));
    }
  }
}

export interface GitBase {
  readonly dir: string;
  readonly commit: string;
  /** How node_modules was provided. */
  readonly install: "linked" | "npm ci";
  readonly cleanup: () => void;
}

/**
 * Checks out `ref` in a temporary worktree with its dependencies; `cleanup` removes it (also run on SIGINT/SIGTERM).
 * `runInstall` runs the `npm ci` of a base whose lockfile differs (replaceable so that tests need no real install).
 */
export async function checkoutBase(
  ref: string,
  repoRoot: string,
  runInstall: CommandRunner = run,
): Promise<GitBase> {
  const commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], repoRoot);
  const dir = mkdtempSync(join(tmpdir(), "ml-platform-base-"));
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: repoRoot });
    rmSync(dir, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: repoRoot });
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopRunning();
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    git(["worktree", "add", "--detach", "--quiet", dir, commit], repoRoot);
    const lock = (root: string) =>
      existsSync(join(root, "package-lock.json"))
        ? readFileSync(join(root, "package-lock.json"), "utf8")
        : "";
    let install: GitBase["install"] = "linked";
    if (lock(dir) === lock(repoRoot) && existsSync(join(repoRoot, "node_modules")))
      linkNodeModules(repoRoot, dir);
    else {
      install = "npm ci";
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      let ci: CommandResult;
      try {
        ci = await runInstall(npm, ["ci", "--no-audit", "--no-fund"], dir);
      } catch (err) {
        throw new BaseError(`npm ci for the base ${ref} could not start: ${(err as Error).message}`);
      }
      if (ci.code !== 0) {
        throw new BaseError(
          `npm ci for the base ${ref} failed (exit ${ci.code}):\n${ci.stderr.slice(-2000)}`,
        );
      }
    }
    return { dir, commit, install, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}
