/**
 * The change report: the base preview (from a git ref, a directory or a saved --json output) against the working
 * tree's preview, stack by stack (stacks on either side; added and removed ones reported as such): resources with
 * their operation, warnings, cost before and after, policy verdicts before and after, and the exit code.
 */
import type { CapturedResource } from "../../lib/resource-graph";
import type { PreviewReport, StackReport } from "../preview";
import { diffCost, type CostDiff, type MoneyRange } from "./cost-diff";
import { diffGraphs } from "./engine";
import { capturedFromSaved } from "./graph-json";
import { diffPolicy, type PolicyDiff } from "./policy-diff";
import type { DiffWarning, Operation, ResourceDiff } from "./types";
import { diffWarnings } from "./warnings";

export const OPERATIONS: readonly Operation[] = ["create", "update", "replace", "delete", "same"];

export interface BaseDescription {
  readonly source: "git" | "dir" | "json";
  /** The git ref given (--base), the directory (--base-dir) or the file (--base-json). */
  readonly given: string;
  /** The commit the ref resolved to (--base). */
  readonly commit?: string;
}

export type StackChangeStatus = "changed" | "unchanged" | "added" | "removed" | "failed";

export interface StackChange {
  readonly stack: string;
  readonly status: StackChangeStatus;
  /** For "failed": which side failed and why. */
  readonly error?: string;
  readonly counts: Readonly<Record<Operation, number>>;
  /** Resources that change (and, with --show-same, those that don't), deletions last. */
  readonly resources: readonly ResourceDiff[];
  readonly warnings: readonly DiffWarning[];
  readonly cost: CostDiff;
  readonly policy: PolicyDiff;
}

export interface ChangeReport {
  readonly base: BaseDescription;
  readonly stacks: readonly StackChange[];
  readonly summary: {
    readonly counts: Readonly<Record<Operation, number>>;
    readonly costDifference: MoneyRange;
    readonly newViolations: number;
    readonly resolvedViolations: number;
    readonly mandatoryViolations: number;
    /** One line per protected or stateful resource that is replaced or deleted. */
    readonly destructive: readonly string[];
  };
  /** 0: no mandatory violation on the new side; 1: at least one; 2: a stack failed on either side. */
  readonly exitCode: 0 | 1 | 2;
  readonly timings: { readonly baseMs: number; readonly diffMs: number };
}

function zeroCounts(): Record<Operation, number> {
  return { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
}

function graphOf(stack: StackReport | undefined): CapturedResource[] {
  return (stack?.resources ?? []).map(capturedFromSaved);
}

function failure(stack: StackReport | undefined, side: string): string | undefined {
  if (!stack || stack.status === "ok") return undefined;
  return `${side}: ${stack.status}${stack.error ? `: ${stack.error.message}` : ""}`;
}

const emptyPolicy: PolicyDiff = { ran: false, added: [], resolved: [], unchanged: 0, mandatoryAfter: 0 };
const emptyCost: CostDiff = {
  status: "unavailable",
  before: { min: 0, max: 0 },
  after: { min: 0, max: 0 },
  difference: { min: 0, max: 0 },
  resources: [],
};

export function diffStack(
  name: string,
  before: StackReport | undefined,
  after: StackReport | undefined,
  options: { showSame?: boolean } = {},
): StackChange {
  const error = [failure(before, "base"), failure(after, "new")].filter(Boolean).join("; ");
  if (error) {
    return {
      stack: name,
      status: "failed",
      error,
      counts: zeroCounts(),
      resources: [],
      warnings: [],
      cost: emptyCost,
      policy: emptyPolicy,
    };
  }
  const oldGraph = graphOf(before);
  const newGraph = graphOf(after);
  const { diffs, effectiveInputs } = diffGraphs(oldGraph, newGraph);
  const counts = zeroCounts();
  for (const d of diffs) counts[d.operation]++;
  const newUrnOfOld = new Map(diffs.filter((d) => d.oldUrn).map((d) => [d.oldUrn!, d.urn]));
  const warnings = diffWarnings(
    diffs,
    new Map(oldGraph.map((r) => [r.urn, r])),
    new Map(newGraph.map((r) => [r.urn, r])),
    effectiveInputs,
  );
  const status: StackChangeStatus = !before
    ? "added"
    : !after
      ? "removed"
      : diffs.every((d) => d.operation === "same")
        ? "unchanged"
        : "changed";
  return {
    stack: name,
    status,
    counts,
    resources: options.showSame ? diffs : diffs.filter((d) => d.operation !== "same"),
    warnings,
    cost: diffCost(before?.cost, after?.cost, newUrnOfOld),
    policy: diffPolicy(
      before?.policy.violations ?? [],
      after?.policy.violations ?? [],
      newUrnOfOld,
      (after?.policy.ran ?? false) || (before?.policy.ran ?? false),
    ),
  };
}

export function buildChangeReport(
  baseReport: PreviewReport,
  headReport: PreviewReport,
  base: BaseDescription,
  options: { showSame?: boolean; baseMs?: number } = {},
): ChangeReport {
  const started = performance.now();
  const names = [
    ...new Set([...headReport.stacks.map((s) => s.stack), ...baseReport.stacks.map((s) => s.stack)]),
  ];
  const stacks = names.map((n) =>
    diffStack(
      n,
      baseReport.stacks.find((s) => s.stack === n),
      headReport.stacks.find((s) => s.stack === n),
      options,
    ),
  );
  const counts = zeroCounts();
  for (const s of stacks) for (const op of OPERATIONS) counts[op] += s.counts[op];
  const destructive = stacks.flatMap((s) =>
    s.resources
      .filter((d) => (d.operation === "replace" || d.operation === "delete") && (d.protect || d.stateful))
      .map(
        (d) =>
          `${s.stack}: ${d.name} (${[d.protect && "protected", d.stateful && "stateful"].filter(Boolean).join(", ")}) is ${d.operation === "delete" ? "deleted" : "replaced"}`,
      ),
  );
  const mandatory = stacks.reduce((n, s) => n + s.policy.mandatoryAfter, 0);
  const failed =
    stacks.some((s) => s.status === "failed") ||
    headReport.policyPack.status === "failed" ||
    baseReport.policyPack.status === "failed";
  const sumCost = (pick: (s: StackChange) => number) =>
    Math.round(stacks.reduce((n, s) => n + pick(s), 0) * 100) / 100;
  return {
    base,
    stacks,
    summary: {
      counts,
      costDifference: {
        min: sumCost((s) => s.cost.difference.min),
        max: sumCost((s) => s.cost.difference.max),
      },
      newViolations: stacks.reduce((n, s) => n + s.policy.added.length, 0),
      resolvedViolations: stacks.reduce((n, s) => n + s.policy.resolved.length, 0),
      mandatoryViolations: mandatory,
      destructive,
    },
    exitCode: failed ? 2 : mandatory > 0 ? 1 : 0,
    timings: { baseMs: options.baseMs ?? 0, diffMs: performance.now() - started },
  };
}
