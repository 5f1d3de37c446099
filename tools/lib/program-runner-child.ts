/**
 * Child process of the program runner (program-runner.ts). Receives one ChildRequest over IPC, runs the Pulumi
 * program under the mock runtime with a capturing monitor, sends one ChildResponse back and exits.
 *
 * It runs the program the way the Pulumi CLI's Node.js language host does (`@pulumi/pulumi/cmd/run`): config set
 * before the program loads, the program required inside `runInPulumiStack` so its exports become the stack outputs,
 * and a default-exported function called. Only the engine is replaced, by CapturingMonitor.
 */
// First: makes loading @pulumi/pulumi cheaper (see the module).
import "./program-runner-lazy-modules";
import * as pulumi from "@pulumi/pulumi";
import { sep } from "node:path";
import type { CapturedStack } from "./resource-graph";
import { CapturingMonitor, installCapturingMonitor } from "./capturing-mock-monitor";
import { FixturesError, loadFixtures } from "./data-source-fixtures";
import { UnansweredInvokeError } from "./mock-aws";
import type { ChildRequest, ChildResponse, ProgramFailureKind } from "./program-runner";
import { mapStackLine } from "./source-positions";

// The SDK's log module as a mutable CommonJS exports object (the typed namespace import is read-only).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumiLog: { error: (...args: any[]) => Promise<void> } = require("@pulumi/pulumi/log");

/** The SDK's error classes mark instances with these flags (sdk/nodejs/errors.ts). */
function hasFlag(err: unknown, flag: string): boolean {
  return typeof err === "object" && err !== null && (err as Record<string, unknown>)[flag] === true;
}

interface Classified {
  kind: ProgramFailureKind;
  message: string;
  location?: string;
}

function formatPropertyErrors(
  message: string,
  errors: readonly { propertyPath: string; reason: string }[],
): string {
  const lines = errors
    .map((e) => `  - ${e.propertyPath}: ${e.reason}`)
    .filter((line) => !message.includes(line.slice(4)));
  return lines.length ? `${message}\n${lines.join("\n")}` : message;
}

/** Stack frames in the program's own files: not node internals, not node_modules, not this harness. */
function programFrames(err: Error): string | undefined {
  const harness = __dirname + sep;
  const frames = (err.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter(
      (line) =>
        !line.includes(`${sep}node_modules${sep}`) && !line.includes("node:") && !line.includes(harness),
    )
    .slice(0, 5)
    .map((line) => mapStackLine(line.trim()));
  return frames.length ? frames.join("\n") : undefined;
}

function classify(err: unknown, monitor: CapturingMonitor | undefined): Classified {
  if (monitor?.setupErrors.length) return { kind: "setup", message: monitor.setupErrors[0].message };
  if (err instanceof FixturesError || err instanceof UnansweredInvokeError)
    return { kind: "setup", message: err.message };
  if (hasFlag(err, "__pulumiInputPropertiesError")) {
    const e = err as pulumi.InputPropertiesError;
    return { kind: "config", message: formatPropertyErrors(e.message, e.errors ?? []) };
  }
  if (hasFlag(err, "__pulumiInputPropertyError")) {
    const e = err as pulumi.InputPropertyError;
    return { kind: "config", message: `${e.propertyPath}: ${e.reason}` };
  }
  if (err instanceof Error) {
    const issues = (err as { issues?: unknown }).issues;
    if (err.name === "ZodError" && Array.isArray(issues)) {
      const lines = (issues as { path?: (string | number)[]; message: string }[]).map(
        (i) => `  - ${i.path?.length ? i.path.join(".") : "(root)"}: ${i.message}`,
      );
      return { kind: "config", message: `invalid configuration:\n${lines.join("\n")}` };
    }
    // pulumi.Config's ConfigMissingError / ConfigTypeError / ..., and programs' own ConfigValidationError-style classes.
    const className = err.constructor?.name ?? "";
    if (/Config\w*Error$/.test(className) || /Config\w*Error$/.test(err.name)) {
      return { kind: "config", message: err.message };
    }
    // RunErrors are the SDK's "show the message, hide the stack" errors.
    if (hasFlag(err, "__pulumiRunError")) return { kind: "program", message: err.message };
    const location = programFrames(err);
    return { kind: "program", message: err.message || err.name, ...(location ? { location } : {}) };
  }
  return { kind: "program", message: String(err) };
}

function send(response: ChildResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(JSON.stringify(response) + "\n");
      resolve();
      return;
    }
    process.send(response, () => resolve());
  });
}

async function run(request: ChildRequest): Promise<ChildResponse> {
  const diagnostics: string[] = [];
  let monitor: CapturingMonitor | undefined;
  let firstError: unknown;
  let failed = false;
  const record = (err: unknown) => {
    if (!failed) {
      failed = true;
      firstError = err;
    }
  };
  // The CLI's language host treats these as program failures too; an error thrown inside an apply lands here.
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
  // `pulumi.log.error(...)` fails a real `pulumi up` even when nothing throws; remember the messages.
  const loggedErrors: string[] = [];
  const originalLogError = pulumiLog.error;
  pulumiLog.error = (msg: string, ...rest: unknown[]) => {
    loggedErrors.push(String(msg));
    return (originalLogError as (...a: unknown[]) => Promise<void>).call(pulumiLog, msg, ...rest);
  };
  try {
    const fixtures = loadFixtures(request.fixturesPath);
    const region = request.config["aws:region"] || fixtures.defaultRegion;
    if (!request.config["aws:region"]) {
      diagnostics.push(
        `aws:region is not set for stack ${request.stack}; using the fixtures' default ${region}`,
      );
    }
    monitor = new CapturingMonitor(request.project, request.stack, { fixtures, region });
    installCapturingMonitor(monitor, request.project, request.stack, request.dryRun);
    pulumi.runtime.setAllConfig(request.config, request.secretKeys);

    await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      let exported = require(request.programPath);
      if (exported && Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
        const keys = Object.keys(exported).filter((k) => k !== "__esModule");
        if (keys.length === 1) exported = exported.default;
      }
      return exported instanceof Function ? exported() : exported;
    });
  } catch (err) {
    record(err);
  }
  // Let in-flight registrations (children registered on later turns of the event loop) reach the monitor.
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) {
    await Promise.race([
      waitForRPCs().catch(() => undefined),
      new Promise((r) => setTimeout(r, 10_000).unref()),
    ]);
  }
  await new Promise((r) => setImmediate(r));
  const resources = monitor ? [...monitor.captured] : [];
  if (failed || monitor?.setupErrors.length) {
    const classified = classify(firstError, monitor);
    return { ok: false, ...classified, resources, diagnostics };
  }
  if (loggedErrors.length > 0) {
    return { ok: false, kind: "program", message: loggedErrors.join("\n"), resources, diagnostics };
  }
  const stack: CapturedStack = {
    project: request.project,
    stack: request.stack,
    resources,
    outputs: monitor!.stackOutputs,
  };
  return { ok: true, stack, diagnostics };
}

// The parent went away (killed, crashed): nobody will read the result, so don't outlive it.
process.once("disconnect", () => process.exit(1));

process.once("message", (request: ChildRequest) => {
  run(request)
    .catch((err): ChildResponse => ({
      ok: false,
      kind: "setup",
      message: `program runner crashed: ${(err as Error)?.stack ?? String(err)}`,
      resources: [],
      diagnostics: [],
    }))
    .then(send)
    .finally(() => {
      // Pending timers or handles in the program must not keep the child alive.
      process.exit(0);
    });
});
