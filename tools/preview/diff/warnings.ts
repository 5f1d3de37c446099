/**
 * The warnings a reviewer must see in a change preview, derived from the classified resources of one stack:
 * service gaps, protected and stateful resources replaced or deleted, name collisions, endpoint rollouts that
 * reset an autoscaled fleet, and functions left pointing at a resource that goes away.
 */
import { REPLACEMENT_FACTS, replacementFactsFor } from "@ml-platform/aws-facts/replacement";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CapturedResource } from "../../lib/resource-graph";
import { computedIdentities } from "./engine";
import type { DiffWarning, ResourceDiff } from "./types";
import { isPlainObject } from "./values";

type Graph = ReadonlyMap<string, CapturedResource>;

function verb(d: ResourceDiff): string {
  return d.operation === "delete" ? "deleted" : "replaced";
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringLeaves(v, out));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => stringLeaves(v, out));
  return out;
}

/** Names, ARNs and ids of a resource that stop existing when it is deleted, or replaced under a new identity. */
function vanishingIdentities(
  d: ResourceDiff,
  old: CapturedResource,
  now: CapturedResource | undefined,
): string[] {
  const facts = replacementFactsFor(old.type);
  const ids = [...computedIdentities(old).values()];
  const named = facts?.autoNamed ? old.inputs[facts.autoNamed] : undefined;
  if (typeof named === "string" && (d.operation === "delete" || now?.inputs[facts!.autoNamed!] !== named)) {
    ids.push(named);
  }
  return ids.filter((v) => v.length >= 6);
}

function endpointWarnings(d: ResourceDiff, newGraph: Graph): DiffWarning[] {
  const endpoint = newGraph.get(d.urn);
  const rollout = replacementFactsFor(d.type)?.rollout;
  if (!endpoint || !rollout) return [];
  const rolledOut =
    d.operation === "replace" ||
    d.changes.some((c) => c.path === rollout.input || c.path.startsWith(`${rollout.input}.`));
  if (!rolledOut) return [];
  const targets = [...newGraph.values()].filter(
    (r) =>
      r.type === AWS_TYPES.appautoscalingTarget &&
      (r.propertyDependencies?.resourceId ?? r.dependencies).includes(d.urn),
  );
  const configUrn = (endpoint.propertyDependencies?.[rollout.input] ?? [])[0];
  const config = configUrn ? newGraph.get(configUrn) : undefined;
  const variants = Array.isArray(config?.inputs.productionVariants) ? config.inputs.productionVariants : [];
  const rule = REPLACEMENT_FACTS.rules.autoscaledRollout;
  const out: DiffWarning[] = [];
  for (const target of targets) {
    const initial = variants
      .map((v) => (isPlainObject(v) ? v.initialInstanceCount : undefined))
      .find((n) => typeof n === "number");
    const max = target.inputs.maxCapacity;
    if (typeof initial === "number" && typeof max === "number" && initial < max) {
      out.push({
        kind: "autoscaling-reset",
        urn: d.urn,
        name: d.name,
        message:
          `the ${d.operation === "replace" ? "new endpoint starts" : "rollout starts the new fleet"} at ` +
          `initialInstanceCount ${initial}, not the count autoscaling reached (up to maxCapacity ${max}); ` +
          `roll out outside peak hours or raise initialInstanceCount first`,
        source: rule.source,
      });
    }
    const typeChanged = d.changes.some((c) => /instanceType/.test(c.path));
    if (d.operation === "update" && typeChanged) {
      out.push({
        kind: "autoscaling-update-fails",
        urn: d.urn,
        name: d.name,
        message:
          "UpdateEndpoint fails when it changes the instance type of a variant that is a scalable target",
        source: rule.source,
      });
    }
  }
  return out;
}

export function diffWarnings(
  diffs: readonly ResourceDiff[],
  oldGraph: Graph,
  newGraph: Graph,
  effectiveInputs: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): DiffWarning[] {
  const oldUrnOf = (d: ResourceDiff) => d.oldUrn ?? d.urn;
  const warnings: DiffWarning[] = [];
  const vanishing: { value: string; diff: ResourceDiff }[] = [];
  for (const d of diffs) {
    const destructive = d.operation === "replace" || d.operation === "delete";
    if (d.operation === "replace" && d.replaceOrder === "delete-before-replace") {
      warnings.push({
        kind: "service-gap",
        urn: d.urn,
        name: d.name,
        message: `delete-before-replace: ${d.name} does not exist between the delete and the create (${d.replaceOrderReason})`,
        source: REPLACEMENT_FACTS.rules.replacementOrder.source,
      });
    }
    if (destructive && d.protect) {
      warnings.push({
        kind: "protected",
        urn: d.urn,
        name: d.name,
        message: `${d.name} is protected and would be ${verb(d)}: the real \`pulumi up\` fails until it is unprotected`,
      });
    }
    const facts = replacementFactsFor(d.type);
    const old = oldGraph.get(oldUrnOf(d));
    const now = newGraph.get(d.urn);
    // retainOnDelete: the engine drops the old resource from the stack but leaves it (and its data) in AWS.
    const retained = (d.operation === "delete" ? old : (now ?? old))?.options.retainOnDelete === true;
    if (destructive && d.stateful) {
      warnings.push({
        kind: "stateful",
        urn: d.urn,
        name: d.name,
        message: retained
          ? `stateful ${d.name} would be ${verb(d)}; retainOnDelete keeps the old one (and its data) in AWS, outside the stack`
          : `stateful ${d.name} would be ${verb(d)}: ${d.stateful}`,
      });
    }
    const named = facts?.autoNamed;
    if (
      d.operation === "replace" &&
      d.replaceOrder === "create-before-delete" &&
      named &&
      old?.inputs[named] !== undefined &&
      old.inputs[named] === now?.inputs[named]
    ) {
      warnings.push({
        kind: "name-collision",
        urn: d.urn,
        name: d.name,
        message:
          `create-before-delete keeps the same ${named} "${String(old.inputs[named])}": the create fails while the old ` +
          `resource still holds the name`,
        source: REPLACEMENT_FACTS.rules.explicitNameCollision.source,
      });
    }
    if (d.custom && (d.operation === "update" || d.operation === "replace") && !facts) {
      warnings.push({
        kind: "unknown-type",
        urn: d.urn,
        name: d.name,
        message:
          `no replacement facts for ${d.type}: shown as ${d.operation === "replace" ? "replaced (replaceOnChanges)" : "updated in place"}, ` +
          `which a live preview may contradict; add the type to aws-facts/replacement/replacement-facts.json`,
      });
    }
    warnings.push(...endpointWarnings(d, newGraph));
    if (destructive && old)
      for (const value of vanishingIdentities(d, old, now)) vanishing.push({ value, diff: d });
  }
  for (const fn of newGraph.values()) {
    if (fn.type !== AWS_TYPES.lambdaFunction) continue;
    const strings = stringLeaves(effectiveInputs.get(fn.urn) ?? fn.inputs);
    for (const { value, diff } of vanishing) {
      if (diff.urn === fn.urn || !strings.some((s) => s.includes(value))) continue;
      warnings.push({
        kind: "dangling-reference",
        urn: fn.urn,
        name: fn.name,
        message: `${fn.name} still refers to "${value}" of ${diff.name}, which is ${verb(diff)}`,
      });
    }
  }
  return warnings;
}
