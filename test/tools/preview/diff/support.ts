/**
 * Runs the real program for a stack under the mock runtime, as is or with an edited copy of its Pulumi.<stack>.yaml,
 * and returns the captured graph with its cost estimate: the two sides of a change preview, built the way the
 * preview builds them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument, type Document } from "yaml";
import { REPO_ROOT, runProgram, type RunProgramOptions } from "../../../../tools/lib/program-runner";
import type { CapturedStack } from "../../../../tools/lib/resource-graph";
import { estimateCost } from "../../../../tools/preview/cost";
import type { CostSection } from "../../../../tools/preview/cost";
import { diffGraphs } from "../../../../tools/preview/diff/engine";
import { diffCost, type CostDiff } from "../../../../tools/preview/diff/cost-diff";
import type { DiffWarning, ResourceDiff } from "../../../../tools/preview/diff/types";
import { diffWarnings } from "../../../../tools/preview/diff/warnings";

export interface Side {
  readonly stack: CapturedStack;
  readonly cost: CostSection;
}

async function capture(options: RunProgramOptions): Promise<Side> {
  const result = await runProgram(options);
  if (!result.ok) throw new Error(`${options.stack}: ${result.kind}: ${result.message}`);
  const budget = JSON.parse(readFileSync(join(REPO_ROOT, "policy/config", `${options.stack}.json`), "utf8"));
  const cost = estimateCost(result.stack.resources, {
    region: result.config["aws:region"] || "us-east-1",
    ...(budget["monthly-budget"]?.assumptions ? { assumptions: budget["monthly-budget"].assumptions } : {}),
  });
  return { stack: result.stack, cost };
}

const bases = new Map<string, Promise<Side>>();

/** The stack as committed. */
export function baseSide(stack: string): Promise<Side> {
  if (!bases.has(stack)) bases.set(stack, capture({ stack }));
  return bases.get(stack)!;
}

/** The stack with its Pulumi.<stack>.yaml edited (comments kept), run from a temporary copy. */
export async function editedSide(
  stack: string,
  edit: (doc: Document) => void,
  options: Partial<RunProgramOptions> = {},
): Promise<Side> {
  const doc = parseDocument(readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc);
  const dir = mkdtempSync(join(tmpdir(), "diff-test-"));
  try {
    const configFile = join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(configFile, doc.toString());
    return await capture({ stack, configFile, ...options });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface StackDiffResult {
  readonly diffs: readonly ResourceDiff[];
  readonly warnings: readonly DiffWarning[];
  readonly cost: CostDiff;
  /** Logical name → diff, for the resources that change. */
  readonly byName: ReadonlyMap<string, ResourceDiff>;
}

export function diffSides(before: Side, after: Side): StackDiffResult {
  const { diffs, effectiveInputs } = diffGraphs(before.stack.resources, after.stack.resources);
  const warnings = diffWarnings(
    diffs,
    new Map(before.stack.resources.map((r) => [r.urn, r])),
    new Map(after.stack.resources.map((r) => [r.urn, r])),
    effectiveInputs,
  );
  const renamed = new Map(diffs.filter((d) => d.oldUrn).map((d) => [d.oldUrn!, d.urn]));
  return {
    diffs,
    warnings,
    cost: diffCost(before.cost, after.cost, renamed),
    byName: new Map(diffs.filter((d) => d.operation !== "same").map((d) => [d.name, d])),
  };
}

/** `{ name: "op" }` of every resource that changes, for exact comparisons. */
export function operations(result: StackDiffResult): Record<string, string> {
  return Object.fromEntries(
    result.diffs
      .filter((d) => d.operation !== "same")
      .map((d) => [d.name, d.operation === "replace" ? `replace ${d.replaceOrder}` : d.operation]),
  );
}

/** The monthly price of one unit from the shipped price file (us-east-1). */
export function price(path: readonly string[]): number {
  let cur: unknown = JSON.parse(readFileSync(join(REPO_ROOT, "aws-facts/pricing/us-east-1.json"), "utf8"));
  for (const p of path) cur = (cur as Record<string, unknown>)[p];
  return (cur as { usd: number }).usd;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
