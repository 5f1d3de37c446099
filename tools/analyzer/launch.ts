/**
 * Starts a Node.js policy pack the way the Pulumi CLI does and connects to it.
 *
 * The CLI starts it as `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .` with the pack's directory as
 * cwd and reads the gRPC port the pack prints on stdout. Facts this relies on (checked against @pulumi/pulumi 3.x
 * and @pulumi/policy 1.21):
 * - The runner drops the engine address (`argv._.shift()`) and never connects to it; the pack logs through
 *   `console` unless `PULUMI_NODEJS_ENGINE` is set, which the CLI does not set for policy packs. So no engine
 *   server is needed: we pass a placeholder loopback address.
 * - The runner registers ts-node with type-checking whenever `main` is TypeScript, so start-up time depends on
 *   whether `policy/package.json` `main` points at compiled JS (`npm run build`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { PolicyAnalyzer } from "./client";
import { PolicyPackCallError, PolicyPackSetupError } from "./errors";
import { DEFAULT_POLICY_PACK_DIR } from "./policy-config";
import type { StartPolicyPackOptions } from "./types";

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A last line of defence for callers that forget close(): kill any pack still running when we exit.
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

// Loaded with `--import` before the runner: exits when the parent's end of stdin closes. The stream is unref'd so
// it never keeps an otherwise finished pack alive.
const PARENT_WATCHDOG =
  "data:text/javascript," +
  encodeURIComponent(
    "const s=process.stdin;s.on('end',()=>process.exit(129));s.on('error',()=>process.exit(129));s.resume();s.unref&&s.unref();",
  );

/** The runner script the CLI uses, resolved from the pack's directory like the CLI's `pulumi-analyzer-policy`. */
export function resolvePolicyRunner(policyPackDir: string): string {
  if (!existsSync(path.join(policyPackDir, "package.json"))) {
    throw new PolicyPackSetupError(
      `policy pack not found at ${policyPackDir}: it has no package.json`,
      "spawn",
    );
  }
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policyPackDir] });
  } catch {
    throw new PolicyPackSetupError(
      `it looks like the policy pack's dependencies are not installed; try running npm install in ${policyPackDir}`,
      "spawn",
    );
  }
}

const MAX_MESSAGE = 400 * 1024 * 1024;

/**
 * Starts the policy pack in `policyPackDir` as the Pulumi CLI does and connects to it. The returned
 * {@link PolicyAnalyzer} owns the child process: call `close()` when done (a `finally` block).
 *
 * @throws PolicyPackSetupError when the pack exits, prints no port within the timeout, or prints something else.
 */
export async function startPolicyPack(options: StartPolicyPackOptions = {}): Promise<PolicyAnalyzer> {
  const dir = path.resolve(options.policyPackDir ?? DEFAULT_POLICY_PACK_DIR);
  const runner = resolvePolicyRunner(dir);
  const timeoutMs = options.startupTimeoutMs ?? 60_000;
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // ts-node settings from a test harness (mocha's transpile-only register) must not leak into the pack: the CLI
  // starts it from a clean shell.
  delete env.TS_NODE_TRANSPILE_ONLY;
  delete env.TS_NODE_PROJECT;
  delete env.NODE_OPTIONS;
  const s = options.stack;
  if (s) {
    const set = (k: string, v: string | undefined): void => {
      if (v) env[k] = v;
    };
    const dry = String(s.dryRun ?? true);
    set("PULUMI_CONFIG", s.config && Object.keys(s.config).length > 0 ? JSON.stringify(s.config) : undefined);
    set("PULUMI_NODEJS_ORGANIZATION", s.organization);
    set("PULUMI_NODEJS_PROJECT", s.project);
    set("PULUMI_NODEJS_STACK", s.stack);
    set("PULUMI_NODEJS_DRY_RUN", dry);
    set("PULUMI_ORGANIZATION", s.organization);
    set("PULUMI_PROJECT", s.project);
    set("PULUMI_STACK", s.stack);
    set("PULUMI_DRY_RUN", dry);
  }

  const nodeArgs = [
    ...(options.watchParent === false ? [] : ["--import", PARENT_WATCHDOG]),
    ...(options.nodeArgs ?? []),
  ];
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs, runner, options.engineAddress ?? "127.0.0.1:0", "."], {
      cwd: dir,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (e) {
    throw new PolicyPackSetupError(
      `cannot start the policy pack in ${dir}: ${(e as Error).message}`,
      "spawn",
    );
  }
  installExitHook();
  live.add(child);
  child.once("exit", () => live.delete(child));

  const output = { stdout: "", stderr: "" };
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    output.stderr += d;
  });
  child.stdout!.setEncoding("utf8");

  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    let settled = false;
    const fail = (err: PolicyPackSetupError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} printed no port within ${timeoutMs} ms` + stderrSuffix(output.stderr),
            "timeout",
            output.stderr,
          ),
        ),
      timeoutMs,
    );
    child.stdout!.on("data", (d: string) => {
      output.stdout += d;
      if (settled) return;
      buffered += d;
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      const line = buffered.slice(0, nl).trim();
      // The CLI reads the first line of stdout as the port; anything else is a failed start.
      if (/^\d{1,5}$/.test(line) && Number(line) > 0 && Number(line) < 65536) {
        settled = true;
        clearTimeout(timer);
        resolve(Number(line));
      } else {
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} printed ${JSON.stringify(line.slice(0, 200))} instead of its port` +
              stderrSuffix(output.stderr),
            "bad-output",
            output.stderr,
          ),
        );
      }
    });
    child.once("error", (e) =>
      fail(
        new PolicyPackSetupError(
          `cannot start the policy pack in ${dir}: ${e.message}`,
          "spawn",
          output.stderr,
        ),
      ),
    );
    child.once("exit", (code, signal) => {
      // Let the last stderr chunk arrive before reporting.
      setImmediate(() =>
        fail(
          new PolicyPackSetupError(
            `the policy pack in ${dir} exited (${signal ?? `code ${code}`}) before printing its port` +
              stderrSuffix(output.stderr),
            "exited",
            output.stderr,
            code,
          ),
        ),
      );
    });
  });

  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE,
    "grpc.max_send_message_length": MAX_MESSAGE,
  });
  const analyzer = new PolicyAnalyzer(child, client, port, dir, performance.now() - started, output);
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())),
    );
    if (s) await analyzer.configureStack(s);
  } catch (e) {
    await analyzer.close();
    if (e instanceof PolicyPackSetupError || e instanceof PolicyPackCallError) throw e;
    throw new PolicyPackSetupError(
      `cannot connect to the policy pack on port ${port}: ${(e as Error).message}`,
      "rpc",
      output.stderr,
    );
  }
  return analyzer;
}

function stderrSuffix(stderr: string): string {
  // eslint-disable-next-line no-control-regex
  const trimmed = stderr.replace(/\u001b\[[0-9;]*m/g, "").trim();
  return trimmed ? `:\n${trimmed}` : " (nothing on stderr)";
}
