/**
 * A client for a running CrossGuard policy pack that calls it as the Pulumi engine does, over the Analyzer
 * protocol (`@pulumi/pulumi/proto/analyzer_grpc_pb`): GetAnalyzerInfo, ConfigureStack, Configure (after the config
 * has been validated against each policy's configSchema and the schema defaults filled in), Remediate then Analyze
 * for every resource with its inputs, and AnalyzeStack with every resource's outputs at the end.
 *
 * The offline preview, the pack's end-to-end tests and `npm run bench:policy` use it, so they see exactly what a
 * `pulumi preview --policy-pack policy` would. An Analyze request without `options` is answered with "A more recent
 * version of the Pulumi CLI is required"; we always send them.
 *
 * @example
 * ```ts
 * const pack = await startPolicyPack({ policyPackDir: "policy" });
 * try {
 *   await pack.configure("policy/config/prod.json");
 *   const report = await pack.analyzeCapturedStack(capturedStack);
 *   const blocking = report.violations.filter((v) => v.enforcementLevel === "mandatory");
 * } finally {
 *   await pack.close();
 * }
 * ```
 */
import type { ChildProcess } from "node:child_process";
import type * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { CapturedResource, CapturedStack } from "../lib/resource-graph";
import { PolicyPackCallError } from "./errors";
import {
  parsePolicyConfig,
  PolicyConfig,
  readPolicyConfigFile,
  reconcilePolicyConfig,
} from "./policy-config";
import {
  analyzerInfoFromProto,
  findProvider,
  LEVEL_TO_PROTO,
  notApplicableFromProto,
  remediationsFromProto,
  setResourceFields,
  violationsFromProto,
} from "./protocol";
import { propertyChanges, withRemediatedInputs } from "./remediation";
import type {
  AnalyzeOptions,
  AnalyzeResult,
  AnalyzerInfo,
  PolicyConfigFile,
  PolicyRemediation,
  PolicyViolation,
  ReconciledPolicyConfig,
  RemediateResult,
  StackContext,
} from "./types";
import { toEngineValue } from "./values";

/** Everything {@link PolicyAnalyzer.analyzeCapturedStack} found. */
export interface StackAnalysis {
  /**
   * Per resource, the remediations that could not run and the Analyze violations (inputs), in registration order;
   * then those from AnalyzeStack (outputs).
   */
  readonly violations: readonly PolicyViolation[];
  /** Every remediation applied, in registration order, then in the order the pack applied them. */
  readonly remediations: readonly PolicyRemediation[];
  /** The resources as analyzed: remediated where a remediation applied, else as given. */
  readonly resources: readonly CapturedResource[];
  /** Number of Analyze calls made. */
  readonly analyzedResources: number;
}

/** Options of {@link PolicyAnalyzer.analyzeCapturedStack}. */
export interface StackAnalysisOptions {
  /** How many resources to have in flight (default 16); results keep registration order. */
  readonly concurrency?: number;
  /**
   * Call Remediate before Analyze, as the engine does. Default: when a policy is at the `remediate` level in the
   * config last sent (else by its own level); the pack runs no remediation otherwise, so the calls are skipped.
   */
  readonly remediate?: boolean;
}

/**
 * A running policy pack. Obtain one with {@link startPolicyPack}; always {@link PolicyAnalyzer.close} it.
 * Methods may be called concurrently (gRPC multiplexes them), except that Configure should complete before
 * analysis starts, as with the CLI.
 */
export class PolicyAnalyzer {
  private info: AnalyzerInfo | undefined;
  /** Whether the config last sent with Configure puts any policy at the `remediate` level. */
  private remediateConfigured: boolean | undefined;
  private closed: Promise<void> | undefined;

  /** @internal Use {@link startPolicyPack}. */
  constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerGrpc.AnalyzerClient,
    /** The port the pack printed. */
    public readonly port: number,
    /** The pack's directory. */
    public readonly policyPackDir: string,
    /** Milliseconds from spawning the runner to reading its port. */
    public readonly startupMs: number,
    private readonly output: { stdout: string; stderr: string },
  ) {}

  /** Everything the pack has written to stderr so far (load errors, policy warnings). */
  get stderr(): string {
    return this.output.stderr;
  }

  /** Everything the pack has written to stdout so far, the port line included. */
  get stdout(): string {
    return this.output.stdout;
  }

  /** The pack's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const fn = (this.client as any)[method] as (
        req: Req,
        cb: (err: grpc.ServiceError | null, res: Res) => void,
      ) => void;
      fn.call(this.client, request, (err, res) => {
        if (err) {
          reject(
            new PolicyPackCallError(
              `policy pack ${method} failed: ${err.details || err.message}`,
              method,
              err.code,
              this.output.stderr,
            ),
          );
        } else {
          resolve(res);
        }
      });
    });
  }

  /** GetAnalyzerInfo: the pack's name, version and policies with their metadata and configSchema. Cached. */
  async getAnalyzerInfo(): Promise<AnalyzerInfo> {
    if (this.info) return this.info;
    const res = await this.call<Empty, analyzerPb.AnalyzerInfo>("getAnalyzerInfo", new Empty());
    this.info = analyzerInfoFromProto(res);
    return this.info;
  }

  /** ConfigureStack: stack identity, config and tags (`args.stackTags`). Called by start-up when `stack` is given. */
  async configureStack(stack: StackContext): Promise<void> {
    const req = new analyzerPb.AnalyzerStackConfigureRequest();
    req.setProject(stack.project);
    req.setStack(stack.stack);
    req.setOrganization(stack.organization ?? "");
    req.setDryRun(stack.dryRun ?? true);
    for (const [k, v] of Object.entries(stack.config ?? {})) req.getConfigMap().set(k, v);
    for (const [k, v] of Object.entries(stack.tags ?? {})) req.getTagsMap().set(k, v);
    await this.call("configureStack", req);
  }

  /**
   * Configure, as the CLI does: merges the policies' schema defaults, the pack's initial config and `config` (a
   * path to a `--policy-pack-config` JSON file, its parsed {@link PolicyConfig}, or the raw object), validates the result against each
   * configSchema, and sends every policy's level and properties. With no argument, sends the defaults alone, which
   * is what the CLI sends without `--policy-pack-config`. Like the CLI, skips the call when there is nothing to send.
   *
   * @returns what was sent, and the config keys that name no policy.
   * @throws PolicyPackSetupError (`config`) when the file is unreadable or the config invalid.
   */
  async configure(config?: string | PolicyConfig | PolicyConfigFile): Promise<ReconciledPolicyConfig> {
    const given =
      config === undefined
        ? new PolicyConfig("no policy config", {})
        : typeof config === "string"
          ? readPolicyConfigFile(config)
          : config instanceof PolicyConfig
            ? config
            : parsePolicyConfig(config);
    const info = await this.getAnalyzerInfo();
    const reconciled = reconcilePolicyConfig(info, given);
    this.remediateConfigured = Object.values(reconciled.config).some(
      (e) => e.enforcementLevel === "remediate",
    );
    // The CLI skips Configure when there is nothing to send.
    if (Object.keys(reconciled.config).length === 0) return reconciled;
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(reconciled.config)) {
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_TO_PROTO[entry.enforcementLevel!]);
      pc.setProperties(Struct.fromJavaScript((entry.properties ?? {}) as Record<string, any>));
      map.set(name, pc);
    }
    await this.call("configure", req);
    return reconciled;
  }

  private violations(
    list: analyzerPb.AnalyzeDiagnostic[],
    phase: PolicyViolation["phase"],
    defaultUrn: string,
  ): PolicyViolation[] {
    return violationsFromProto(list, phase, defaultUrn, this.info?.policies ?? []);
  }

  /**
   * Analyze one resource with its inputs, as the engine does before creating or updating it.
   * Diagnostics without a URN are attributed to the analyzed resource.
   */
  async analyze(resource: CapturedResource, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
    const req = setResourceFields(
      new analyzerPb.AnalyzeRequest(),
      resource,
      resource.inputs,
      options.provider,
    );
    await this.getAnalyzerInfo();
    const res = await this.call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>("analyze", req);
    return {
      violations: this.violations(res.getDiagnosticsList(), "analyze", resource.urn),
      notApplicable: notApplicableFromProto(res.getNotApplicableList()),
    };
  }

  /**
   * AnalyzeStack with every resource's outputs, parents, dependencies and property dependencies, as the engine
   * does at the end of a preview or update. Providers are resolved from the list.
   */
  async analyzeStack(resources: readonly CapturedResource[]): Promise<AnalyzeResult> {
    const req = new analyzerPb.AnalyzeStackRequest();
    for (const r of resources) {
      const ar = setResourceFields(
        new analyzerPb.AnalyzerResource(),
        r,
        r.outputs,
        findProvider(r, resources),
      );
      if (r.parent) ar.setParent(r.parent);
      ar.setDependenciesList([...r.dependencies]);
      const deps = ar.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        if (urns.length === 0) continue;
        const pd = new analyzerPb.AnalyzerPropertyDependencies();
        pd.setUrnsList([...urns]);
        deps.set(k, pd);
      }
      req.addResources(ar);
    }
    await this.getAnalyzerInfo();
    const res = await this.call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(
      "analyzeStack",
      req,
    );
    return {
      violations: this.violations(res.getDiagnosticsList(), "analyzeStack", ""),
      notApplicable: notApplicableFromProto(res.getNotApplicableList()),
    };
  }

  /**
   * Remediate one resource with its inputs, as the engine does before Analyze: every policy at the `remediate`
   * level may return a new property bag, each fed to the next. Returns the remediations with what each changed,
   * and the properties to deploy and analyze.
   */
  async remediate(resource: CapturedResource, options: AnalyzeOptions = {}): Promise<RemediateResult> {
    const req = setResourceFields(
      new analyzerPb.AnalyzeRequest(),
      resource,
      resource.inputs,
      options.provider,
    );
    const info = await this.getAnalyzerInfo();
    const res = await this.call<analyzerPb.AnalyzeRequest, analyzerPb.RemediateResponse>("remediate", req);
    const { remediations, skipped } = remediationsFromProto(
      res.getRemediationsList(),
      resource.urn,
      info.policies,
    );
    let properties = toEngineValue(resource.inputs) as Record<string, unknown>;
    const withChanges = remediations.map((r): PolicyRemediation => {
      const changes = propertyChanges(properties, r.properties);
      properties = { ...r.properties };
      return { ...r, changes };
    });
    return {
      remediations: withChanges,
      skipped,
      notApplicable: notApplicableFromProto(res.getNotApplicableList()),
      properties,
    };
  }

  /**
   * Analyzes a whole captured stack like a preview: for every resource (in registration order, with its provider
   * resolved from the stack) Remediate, then Analyze with the remediated inputs; then AnalyzeStack over the
   * resources as remediated. Configure first.
   */
  async analyzeCapturedStack(
    stack: CapturedStack | readonly CapturedResource[],
    options: StackAnalysisOptions = {},
  ): Promise<StackAnalysis> {
    const given = "resources" in stack ? stack.resources : stack;
    const concurrency = options.concurrency ?? 16;
    const info = await this.getAnalyzerInfo();
    const remediate =
      options.remediate ??
      this.remediateConfigured ??
      info.policies.some((p) => p.enforcementLevel === "remediate");
    const remediated: RemediateResult[] = !remediate
      ? []
      : await this.inParallel(given, concurrency, (r, p) => this.remediate(r, p));
    const resources = given.map((r, i) =>
      remediated[i]?.remediations.length
        ? withRemediatedInputs(
            r,
            toEngineValue(r.inputs) as Record<string, unknown>,
            remediated[i].properties,
          )
        : r,
    );
    const perResource = await this.analyzeMany(resources, concurrency);
    const stackResult = await this.analyzeStack(resources);
    return {
      violations: [
        ...perResource.flatMap((r, i) => [...(remediated[i]?.skipped ?? []), ...r.violations]),
        ...stackResult.violations,
      ],
      remediations: remediated.flatMap((r) => r.remediations),
      resources,
      analyzedResources: resources.length,
    };
  }

  /** Analyze for many resources with up to `concurrency` calls in flight; results in input order. */
  analyzeMany(resources: readonly CapturedResource[], concurrency = 16): Promise<AnalyzeResult[]> {
    return this.inParallel(resources, concurrency, (r, provider) => this.analyze(r, provider));
  }

  /** Calls `call` for every resource, with its provider, up to `concurrency` at a time; results in input order. */
  private async inParallel<T>(
    resources: readonly CapturedResource[],
    concurrency: number,
    call: (resource: CapturedResource, options: AnalyzeOptions) => Promise<T>,
  ): Promise<T[]> {
    const results: T[] = new Array(resources.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < resources.length) {
        const i = next++;
        const provider = findProvider(resources[i], resources);
        results[i] = await call(resources[i], provider ? { provider } : {});
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, resources.length)) }, worker));
    return results;
  }

  /**
   * Closes the connection and stops the pack: SIGTERM, then SIGKILL after `graceMs`. Idempotent; resolves once
   * the process has exited.
   */
  close(graceMs = 2_000): Promise<void> {
    this.closed ??= (async () => {
      this.client.close();
      const child = this.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill("SIGTERM");
      });
      child.stdin?.destroy();
    })();
    return this.closed;
  }
}
