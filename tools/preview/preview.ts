/**
 * The offline preview: for each stack, run the program under the mock runtime (tools/lib/program-runner.ts), send
 * the captured resources through the policy pack exactly as the CLI would (tools/analyzer/), and
 * estimate the monthly cost (aws-facts/pricing). Produces one PreviewReport; cli.ts prints it as text or
 * JSON (schema: preview-output.schema.json).
 *
 * Timing: the policy pack starts while the programs run (it needs nothing from them), the programs run in parallel
 * (one child process each, as many at a time as there are cores), and each stack is analyzed as soon as both its
 * program and the pack are ready. The pack is started once and reconfigured per stack: Configure replaces the
 * pack's whole policy config, and analyses are serialized so a stack is never analyzed under another's config.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
// Types only: the driver (gRPC, protobuf) and the estimator are loaded once the program runs have been started, so
// their loading overlaps the runs instead of delaying them.
import type { CapacitySection } from "../capacity/report";
import type { EnforcementLevel, PolicyAnalyzer, PolicyConfig } from "../analyzer";
import { REPO_ROOT, runProgram, type RunProgramResult } from "../lib/program-runner";
import { listStacks, readProject, StackFileError, stackFilePath } from "../lib/stack-files";
import {
  countByType,
  PREVIEW_SCHEMA_VERSION,
  reportRemediation,
  reportResource,
  reportViolation,
  sortViolations,
  type PreviewReport,
  type StackReport,
  type StackStatus,
} from "./report";

export {
  PREVIEW_SCHEMA_VERSION,
  sortViolations,
  type PreviewReport,
  type ReportedRemediation,
  type ReportedResource,
  type ReportedViolation,
  type StackReport,
  type StackStatus,
} from "./report";

export interface PreviewOptions {
  /** Stacks to preview. Default: every Pulumi.<stack>.yaml in the project dir. */
  readonly stacks?: readonly string[];
  /** Directory with Pulumi.yaml and the stack files. Default: the repository root. */
  readonly projectDir?: string;
  /** Program entry point. Default: `main` in Pulumi.yaml, else index.ts in the project dir. */
  readonly programPath?: string;
  /** A stack file to use instead of Pulumi.<stack>.yaml (one stack only). */
  readonly configFile?: string;
  /** The policy pack directory. Default: the repository's policy/. */
  readonly policyPackDir?: string;
  /** Directory of per-stack policy configs (<stack>.json). Default: <policyPackDir>/config. */
  readonly policyConfigDir?: string;
  /** A policy config file to use instead of <policyConfigDir>/<stack>.json (one stack only). */
  readonly policyConfigFile?: string;
  /** The data-source fixture file. Default: tools/preview/fixtures.yaml. */
  readonly fixturesPath?: string;
  /** Skip the policy pack (plan and cost only). */
  readonly skipPolicy?: boolean;
}

/** Why the preview could not be run at all (bad flags, no stacks): exit 2 before anything starts. */
export class PreviewUsageError extends Error {
  override name = "PreviewUsageError";
}

function statusOf(result: RunProgramResult): StackStatus {
  if (result.ok) return "ok";
  return result.kind === "config"
    ? "config-error"
    : result.kind === "program"
      ? "program-error"
      : "setup-error";
}

/**
 * The cost section's budget and assumptions, from the stack's policy config as read for the pack (which validates
 * it against the policies' schemas at Configure; a malformed value leaves the cost section on its defaults).
 */
function budgetOptions(config: PolicyConfig | undefined): {
  budgetUsd?: number;
  budgetChecked?: boolean;
  assumptions?: Record<string, unknown>;
} {
  const entry = config?.entryFor("monthly-budget") ?? {};
  const { budgetUsd, assumptions } = entry.properties ?? {};
  return {
    ...(typeof budgetUsd === "number" ? { budgetUsd } : {}),
    ...(entry.enforcementLevel === "disabled" ? { budgetChecked: false } : {}),
    ...(assumptions && typeof assumptions === "object"
      ? { assumptions: assumptions as Record<string, unknown> }
      : {}),
  };
}

export async function runPreview(options: PreviewOptions = {}): Promise<PreviewReport> {
  const started = performance.now();
  const projectDir = resolve(options.projectDir ?? REPO_ROOT);
  if (!existsSync(join(projectDir, "Pulumi.yaml"))) {
    throw new PreviewUsageError(`no Pulumi project in ${projectDir}: Pulumi.yaml not found`);
  }
  let projectName: string;
  try {
    projectName = readProject(projectDir).name;
  } catch (err) {
    throw new PreviewUsageError(err instanceof StackFileError ? err.message : String(err));
  }
  const stacks = options.stacks?.length ? [...options.stacks] : listStacks(projectDir);
  if (stacks.length === 0) {
    throw new PreviewUsageError(
      `no stacks in ${projectDir}: no Pulumi.<stack>.yaml files (create one, e.g. Pulumi.dev.yaml)`,
    );
  }
  if (stacks.length > 1 && (options.configFile || options.policyConfigFile)) {
    throw new PreviewUsageError("--config-file and --policy-config apply to one stack: add --stack <name>");
  }
  if (!options.configFile) {
    const unknown = stacks.filter((stack) => stackFilePath(projectDir, stack) === undefined);
    if (unknown.length > 0) {
      const known = listStacks(projectDir);
      throw new PreviewUsageError(
        `unknown stack${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}: ` +
          `no ${unknown.map((u) => `Pulumi.${u}.yaml`).join(", ")} in ${projectDir}` +
          (known.length ? ` (stacks: ${known.join(", ")})` : ""),
      );
    }
  }
  if (options.configFile && !existsSync(options.configFile)) {
    throw new PreviewUsageError(`config file ${options.configFile} not found`);
  }
  if (options.policyConfigFile && !existsSync(options.policyConfigFile)) {
    throw new PreviewUsageError(`policy config file ${options.policyConfigFile} not found`);
  }
  const policyPackDir = resolve(options.policyPackDir ?? join(REPO_ROOT, "policy"));
  const policyConfigDir = resolve(options.policyConfigDir ?? join(policyPackDir, "config"));

  const parallel = Math.max(1, Math.min(stacks.length, availableParallelism()));
  const limit = limiter(parallel);

  // 1. The program runs: the first `parallel` are forked right here, synchronously.
  let programsDone = 0;
  let programsWallMs = 0;
  const runs = stacks.map((stack) =>
    limit(() =>
      runProgram({
        stack,
        projectDir,
        ...(options.programPath ? { programPath: options.programPath } : {}),
        ...(options.configFile ? { configFile: options.configFile } : {}),
        ...(options.fixturesPath ? { fixturesPath: options.fixturesPath } : {}),
      }).then((result) => {
        if (++programsDone === stacks.length) programsWallMs = performance.now() - started;
        return result;
      }),
    ),
  );

  // 2. Meanwhile, load the driver (gRPC, protobuf) and the estimator, and start the policy pack.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const driver: typeof import("../analyzer") = require("../analyzer");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { estimateCost }: typeof import("./cost") = require("./cost");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { capacitySection }: typeof import("../capacity/report") = require("../capacity/report");
  let packStartupMs: number | null = null;
  let packReadyMs: number | null = null;
  const packPromise: Promise<PolicyAnalyzer | Error> | undefined = options.skipPolicy
    ? undefined
    : driver.startPolicyPack({ policyPackDir }).then(
        async (pack) => {
          packStartupMs = pack.startupMs;
          await pack.getAnalyzerInfo();
          packReadyMs = performance.now() - started;
          return pack;
        },
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );

  // 3. Per stack, as soon as its program has run: cost, then analysis (one stack at a time on the shared pack).
  let analysisChain: Promise<unknown> = Promise.resolve();
  let analysisTotalMs = 0;
  const report = async (stack: string, result: RunProgramResult): Promise<StackReport> => {
    const captured = result.ok ? result.stack.resources : result.resources;
    const diagnostics = [...result.diagnostics];
    const base = {
      stack,
      project: result.ok ? result.stack.project : projectName,
      resources: captured.map(reportResource),
      resourceCounts: countByType(captured),
      outputs: result.ok ? result.stack.outputs : {},
    };
    const configFile = options.policyConfigFile
      ? resolve(options.policyConfigFile)
      : existsSync(join(policyConfigDir, `${stack}.json`))
        ? join(policyConfigDir, `${stack}.json`)
        : null;
    const noPolicy = {
      ran: false,
      configFile,
      violations: [],
      counts: { mandatory: 0, advisory: 0, remediate: 0 },
    };
    if (!result.ok) {
      return {
        ...base,
        status: statusOf(result),
        error: {
          kind: result.kind,
          message: result.message,
          ...(result.location ? { location: result.location } : {}),
        },
        policy: noPolicy,
        cost: { status: "skipped", reason: "the program did not complete" },
        capacity: { status: "skipped", reason: "the program did not complete" },
        diagnostics,
        timings: { programMs: result.durationMs, analysisMs: 0, costMs: 0 },
      };
    }

    const costStarted = performance.now();
    const region = result.config["aws:region"] || "us-east-1";
    // The stack's policy config is read once, for the cost section's budget and for the pack's Configure.
    let policyConfig: PolicyConfig | undefined;
    let policyConfigError: Error | undefined;
    try {
      policyConfig = configFile ? driver.readPolicyConfigFile(configFile) : undefined;
    } catch (err) {
      policyConfigError = err as Error;
    }
    const cost = estimateCost(result.stack.resources, { ...budgetOptions(policyConfig), region });
    const costMs = performance.now() - costStarted;
    const capacity: CapacitySection = policyConfigError
      ? { status: "error", message: policyConfigError.message }
      : capacitySection(result.stack.resources, policyConfig, configFile, region);
    const timings = (analysisMs: number) => ({ programMs: result.durationMs, analysisMs, costMs });

    if (!packPromise)
      return { ...base, status: "ok", policy: noPolicy, cost, capacity, diagnostics, timings: timings(0) };
    if (!configFile) {
      diagnostics.push(
        `no policy config for stack ${stack} (${join(policyConfigDir, `${stack}.json`)}); the pack runs with its defaults`,
      );
    }
    const analyze = async (): Promise<StackReport> => {
      const pack = await packPromise;
      if (pack instanceof Error) {
        return {
          ...base,
          status: "policy-error",
          error: { kind: "policy-pack", message: pack.message },
          policy: noPolicy,
          cost,
          capacity,
          diagnostics,
          timings: timings(0),
        };
      }
      const t0 = performance.now();
      try {
        await pack.configureStack({ project: result.stack.project, stack, dryRun: true });
        if (policyConfigError) throw policyConfigError;
        const reconciled = await pack.configure(policyConfig);
        for (const unknown of reconciled.unknownPolicies) {
          diagnostics.push(
            `policy config ${configFile} names "${unknown}", which is not a policy of the pack`,
          );
        }
        const analysis = await pack.analyzeCapturedStack(result.stack);
        const byUrn = new Map(result.stack.resources.map((r) => [r.urn, r]));
        const violations = sortViolations(analysis.violations.map((v) => reportViolation(v, byUrn)));
        const remediations = analysis.remediations.map((r) => reportRemediation(r, byUrn));
        const count = (level: EnforcementLevel) =>
          violations.filter((v) => v.enforcementLevel === level).length;
        const analysisMs = performance.now() - t0;
        analysisTotalMs += analysisMs;
        return {
          ...base,
          status: "ok",
          policy: {
            ran: true,
            configFile,
            violations,
            ...(remediations.length > 0 ? { remediations } : {}),
            counts: {
              mandatory: count("mandatory"),
              advisory: count("advisory"),
              remediate: count("remediate"),
            },
          },
          cost,
          capacity,
          diagnostics,
          timings: timings(analysisMs),
        };
      } catch (err) {
        const message =
          err instanceof driver.PolicyPackSetupError || err instanceof driver.PolicyPackCallError
            ? err.message
            : `policy analysis failed: ${(err as Error).message}`;
        return {
          ...base,
          status: "policy-error",
          error: { kind: "policy-pack", message },
          policy: noPolicy,
          cost,
          capacity,
          diagnostics,
          timings: timings(performance.now() - t0),
        };
      }
    };
    const run = analysisChain.then(analyze);
    analysisChain = run.catch(() => undefined);
    return run;
  };

  try {
    const reports = await Promise.all(
      stacks.map((stack, i) => runs[i].then((result) => report(stack, result))),
    );
    const pack = packPromise ? await packPromise : undefined;
    const failedStacks = reports.filter((r) => r.status !== "ok").length;
    const mandatory = reports.reduce((n, r) => n + r.policy.counts.mandatory, 0);
    const advisory = reports.reduce((n, r) => n + r.policy.counts.advisory, 0);
    const packFailed = pack instanceof Error;
    const info = pack && !packFailed ? await pack.getAnalyzerInfo() : undefined;
    return {
      schemaVersion: PREVIEW_SCHEMA_VERSION,
      projectDir,
      policyPack: !packPromise
        ? { status: "skipped" }
        : packFailed
          ? { status: "failed", dir: policyPackDir, message: pack.message }
          : { status: "ok", name: info!.name, version: info!.version, dir: policyPackDir },
      stacks: reports,
      summary: {
        stacks: reports.length,
        failedStacks,
        mandatoryViolations: mandatory,
        advisoryViolations: advisory,
      },
      exitCode: failedStacks > 0 || packFailed ? 2 : mandatory > 0 ? 1 : 0,
      timings: {
        totalMs: performance.now() - started,
        packStartupMs,
        packReadyMs,
        programsWallMs: programsWallMs || performance.now() - started,
        analysisMs: analysisTotalMs,
      },
    };
  } finally {
    if (packPromise) {
      const pack = await packPromise;
      if (!(pack instanceof Error)) await pack.close();
    }
  }
}

/** Runs at most `max` tasks at once; a task is started synchronously when a slot is free. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= max) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolvePromise, reject) => {
      queue.push(() =>
        task()
          .then(resolvePromise, reject)
          .finally(() => {
            active--;
            next();
          }),
      );
      next();
    });
}
