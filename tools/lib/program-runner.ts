/**
 * Runs a Pulumi program for one stack under Pulumi's mock runtime and returns the resource graph the engine would
 * have seen (tools/lib/resource-graph.ts).
 *
 * The Pulumi runtime is process-global (config, the monitor, the root stack resource), so each run happens in a
 * fresh child process (program-runner-child.ts). The parent reads the project and stack files, hands the child a
 * flat config map, and collects the captured graph over IPC. Several stacks can run in parallel.
 *
 *   const result = await runProgram({ stack: "dev" });
 *   if (result.ok) console.log(result.stack.resources.length);
 *   else console.error(result.kind, result.message);
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { CapturedResource, CapturedStack } from "./resource-graph";
import { readProject, readStackFile, StackFileError } from "./stack-files";

/** The repository root: the default project dir. */
export const REPO_ROOT = resolve(__dirname, "..", "..");

export interface RunProgramOptions {
  /** Stack name; its config comes from `Pulumi.<stack>.yaml` unless `config` or `configFile` is given. */
  readonly stack: string;
  /** Directory holding Pulumi.yaml and the stack files. Default: the repository root. */
  readonly projectDir?: string;
  /** Program entry point. Default: `main` in Pulumi.yaml, else `<projectDir>/index.ts`. */
  readonly programPath?: string;
  /**
   * Explicit config, replacing the stack file (project defaults from Pulumi.yaml still apply). Keys are fully
   * qualified (`ml-platform:endpoint`, `aws:region`) or bare (prefixed with the project name); structured values are
   * JSON strings, as the Pulumi CLI passes them.
   */
  readonly config?: Readonly<Record<string, string>>;
  /** A stack file to read instead of `<projectDir>/Pulumi.<stack>.yaml`. */
  readonly configFile?: string;
  /** The data-source fixture file. Default: tools/preview/fixtures.yaml. */
  readonly fixturesPath?: string;
  /** Run as a preview (`pulumi.runtime.isDryRun()` true), as `pulumi preview` does. Default true. */
  readonly dryRun?: boolean;
  /** Kill the child and report a setup error after this long. Default 120 000 ms. */
  readonly timeoutMs?: number;
}

export type ProgramFailureKind = "config" | "program" | "setup";

export interface RunProgramSuccess {
  readonly ok: true;
  readonly stack: CapturedStack;
  /** Messages the program logged (pulumi.log, console) and notes about what the offline run can't reproduce. */
  readonly diagnostics: readonly string[];
  /** Milliseconds from fork to result (child start-up, module loading and the program itself). */
  readonly durationMs: number;
  /** The config the program ran with (fully qualified keys, `aws:region` included). */
  readonly config: Readonly<Record<string, string>>;
}

export interface RunProgramFailure {
  readonly ok: false;
  /**
   * - config: the stack config is invalid (a validation error thrown by the program, a missing required key, a
   *   malformed stack file);
   * - program: the program itself failed; `message` is its own error message;
   * - setup: the runner could not run the program (unknown stack, missing program, unanswered data source, crash).
   */
  readonly kind: ProgramFailureKind;
  readonly message: string;
  /** Resources registered before the failure. */
  readonly resources: CapturedResource[];
  /** For program errors: the stack frames in the program's own files (never the harness). */
  readonly location?: string;
  readonly diagnostics: readonly string[];
  readonly durationMs: number;
  /** The config the program ran with, when it got that far. */
  readonly config?: Readonly<Record<string, string>>;
}

export type RunProgramResult = RunProgramSuccess | RunProgramFailure;

/** What the parent sends the child. */
export interface ChildRequest {
  readonly project: string;
  readonly stack: string;
  readonly programPath: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  readonly fixturesPath: string;
  readonly dryRun: boolean;
}

/** What the child sends back. */
export type ChildResponse =
  | { readonly ok: true; readonly stack: CapturedStack; readonly diagnostics: string[] }
  | {
      readonly ok: false;
      readonly kind: ProgramFailureKind;
      readonly message: string;
      readonly location?: string;
      readonly resources: CapturedResource[];
      readonly diagnostics: string[];
    };

const CHILD_PATH = join(__dirname, "program-runner-child.ts");
/** tools/preview/fixtures.yaml (the same default as data-source-fixtures.ts, without loading its validator here). */
const DEFAULT_FIXTURES_PATH = join(__dirname, "..", "preview", "fixtures.yaml");

function failure(
  kind: ProgramFailureKind,
  message: string,
  started: number,
  diagnostics: string[] = [],
): RunProgramFailure {
  return { ok: false, kind, message, resources: [], diagnostics, durationMs: Date.now() - started };
}

function qualifyKeys(config: Readonly<Record<string, string>>, project: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k.includes(":") ? k : `${project}:${k}`] = v;
  return out;
}

/** Runs the program for one stack in a fresh child process. Never throws: every failure is a result. */
export async function runProgram(options: RunProgramOptions): Promise<RunProgramResult> {
  const started = Date.now();
  const projectDir = resolve(options.projectDir ?? REPO_ROOT);
  let request: ChildRequest;
  const diagnostics: string[] = [];
  try {
    const project = readProject(projectDir);
    let config: Record<string, string>;
    let secretKeys: string[] = [];
    if (options.config) {
      config = { ...project.configDefaults, ...qualifyKeys(options.config, project.name) };
    } else {
      const stackConfig = readStackFile(projectDir, options.stack, project, options.configFile);
      config = { ...stackConfig.config };
      secretKeys = [...stackConfig.secretKeys];
      diagnostics.push(...stackConfig.warnings);
    }
    const programPath = options.programPath
      ? isAbsolute(options.programPath)
        ? options.programPath
        : resolve(projectDir, options.programPath)
      : project.main;
    if (!existsSync(programPath)) {
      return failure("setup", `program ${programPath} not found`, started, diagnostics);
    }
    const fixturesPath = resolve(options.fixturesPath ?? DEFAULT_FIXTURES_PATH);
    if (!existsSync(fixturesPath)) {
      return failure("setup", `data-source fixture file ${fixturesPath} not found`, started, diagnostics);
    }
    request = {
      project: project.name,
      stack: options.stack,
      programPath,
      config,
      secretKeys,
      fixturesPath,
      dryRun: options.dryRun ?? true,
    };
  } catch (err) {
    if (err instanceof StackFileError) return failure(err.kind, err.message, started, diagnostics);
    return failure("setup", (err as Error).message, started, diagnostics);
  }
  return runChild(projectDir, request, options.timeoutMs ?? 120_000, started, diagnostics);
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FORCE_COLOR: "0",
  };
  // The program must not pick up a real engine, or config, from a surrounding `pulumi` invocation.
  for (const key of Object.keys(env)) {
    if (/^PULUMI_(MONITOR|ENGINE|CONFIG|CONFIG_SECRET_KEYS|PROJECT|STACK|DRY_RUN|ORGANIZATION)$/.test(key))
      delete env[key];
  }
  return env;
}

function runChild(
  cwd: string,
  request: ChildRequest,
  timeoutMs: number,
  started: number,
  diagnostics: string[],
): Promise<RunProgramResult> {
  return new Promise((resolvePromise) => {
    const child = fork(CHILD_PATH, [], {
      cwd,
      // The child is TypeScript and so is the program: transpiled file by file with esbuild (see the register
      // module), whatever the cwd (a temp project dir has no tsconfig.json).
      execArgv: ["-r", join(__dirname, "esbuild-register.js")],
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let response: ChildResponse | undefined;
    let output = "";
    let settled = false;
    const collect = (chunk: Buffer) => {
      // Keep a bounded tail: a chatty program must not grow the parent without limit.
      output = (output + chunk.toString("utf8")).slice(-64_000);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const timer = setTimeout(() => {
      if (settled) return;
      child.kill("SIGKILL");
      finish(
        failure(
          "setup",
          `the program run for stack "${request.stack}" timed out after ${timeoutMs} ms`,
          started,
        ),
      );
    }, timeoutMs);
    const finish = (result: RunProgramResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(result);
    };
    child.on("message", (msg: ChildResponse) => {
      response = msg;
    });
    child.on("error", (err) =>
      finish(failure("setup", `cannot start the program runner: ${err.message}`, started)),
    );
    // "close", not "exit": it comes after the stdio streams and the IPC channel have been drained.
    child.on("close", (code, signal) => {
      const logs = output
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l !== "");
      const all = [...diagnostics, ...(response?.diagnostics ?? []), ...logs];
      const durationMs = Date.now() - started;
      if (!response) {
        finish({
          ok: false,
          kind: "setup",
          message:
            `the program runner exited (${signal ?? `code ${code}`}) without a result` +
            (logs.length ? `:\n${logs.slice(-20).join("\n")}` : ""),
          resources: [],
          diagnostics: all,
          durationMs,
        });
        return;
      }
      if (response.ok)
        finish({ ok: true, stack: response.stack, diagnostics: all, durationMs, config: request.config });
      else {
        finish({
          ok: false,
          kind: response.kind,
          message: response.message,
          resources: response.resources,
          ...(response.location ? { location: response.location } : {}),
          diagnostics: all,
          durationMs,
          config: request.config,
        });
      }
    });
    child.send(request);
  });
}
