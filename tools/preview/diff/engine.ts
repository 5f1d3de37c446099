/**
 * The diff engine: what `pulumi up` would do to a stack deployed from the base graph when the new graph is
 * deployed, resource by resource, computed offline from two captured graphs (tools/lib/resource-graph.ts).
 *
 * - Resources are matched by URN, or through the new resource's aliases (a rename with an alias is no change).
 * - New inputs are compared with the old ones after carrying the deployed state over: an input built from another
 *   resource's computed output (an id, ARN or auto-name) keeps the old value while that resource stays, and becomes
 *   "known after apply" when it is created or replaced, as `pulumi preview` shows it. Such an input can in turn
 *   force a replacement: the chain is recorded on the dependent.
 * - Whether a change replaces, and in which order, comes from the replacement facts (replacement.ts).
 */
import { replacementFactsFor } from "@ml-platform/aws-facts/replacement";
import { statefulLoss } from "@ml-platform/aws-facts/stateful-types";
import type { CapturedResource } from "../../lib/resource-graph";
import { assetsByHash } from "../../lib/capture-aliases";
import { forcingInputs, replacementOrder, withoutIgnored } from "./replacement";
import type { ChainLink, InputChange, Operation, ResourceDiff } from "./types";
import {
  changedLeaves,
  formatPath,
  isSecretPath,
  isPlainObject,
  maskSecrets,
  SECRET,
  UNKNOWN,
  type LeafChange,
} from "./values";

type Props = Readonly<Record<string, unknown>>;

/** Computed outputs never used as identities (they would match unrelated values). */
const NOT_IDENTITIES = new Set(["region", "tagsAll", "createDate", "lastModified"]);

/** What a resource's state means for the inputs of resources that take its outputs. */
interface OutputState {
  readonly operation: Operation;
  /**
   * New-side computed values that are unknown until the deployment (resource created or replaced, or an output the
   * provider recomputes on update). Short values match only a whole string.
   */
  readonly unknown: readonly string[];
  /** New-side computed value → the deployed value it stands for (unchanged resources keep their state). */
  readonly carried: ReadonlyMap<string, string>;
}

function stringLeaves(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => stringLeaves(v, out));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => stringLeaves(v, out));
  return out;
}

/** Computed outputs that identify the resource: not inputs, strings long enough not to match by accident. */
export function computedIdentities(r: CapturedResource): Map<string, string> {
  const inputStrings = stringLeaves(r.inputs);
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(r.outputs ?? {})) {
    if (NOT_IDENTITIES.has(key) || typeof value !== "string" || value.length < 6) continue;
    if (key in r.inputs || inputStrings.has(value)) continue;
    out.set(key, value);
  }
  return out;
}

/**
 * An unset `region` means the provider's, which the captured outputs record: comparing with it makes unset and the
 * provider's own region the same, as the provider's region rule does.
 */
function withRegion(inputs: Props, r: CapturedResource, regional: boolean | undefined): Props {
  const region = r.outputs?.region;
  return regional && inputs.region === undefined && typeof region === "string"
    ? { ...inputs, region }
    : inputs;
}

/** Rewrites the string leaves of `value`: carried values substituted, unknown ones replaced by the marker. */
function resolveValue(value: unknown, states: readonly [string, OutputState][], from: Set<string>): unknown {
  if (typeof value === "string") {
    let s = value;
    for (const [urn, state] of states) {
      if (state.unknown.some((u) => (u.length < 6 ? s === u : s.includes(u)))) {
        from.add(urn);
        return UNKNOWN;
      }
      const carried = [...state.carried].sort(([a], [b]) => b.length - a.length);
      for (const [now, before] of carried) if (s.includes(now)) s = s.split(now).join(before);
    }
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, states, from));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, states, from)]));
  }
  return value;
}

export interface MatchedGraph {
  /** New URN → old resource. */
  readonly oldOf: ReadonlyMap<string, CapturedResource>;
  /** Old URNs with no counterpart. */
  readonly deleted: readonly CapturedResource[];
}

export function matchResources(
  oldResources: readonly CapturedResource[],
  newResources: readonly CapturedResource[],
): MatchedGraph {
  const byUrn = new Map(oldResources.map((r) => [r.urn, r]));
  const used = new Set<string>();
  const oldOf = new Map<string, CapturedResource>();
  for (const r of newResources) {
    const candidates = [r.urn, ...(r.aliases ?? [])];
    const hit = candidates.find((u) => byUrn.has(u) && !used.has(u));
    if (hit) {
      used.add(hit);
      oldOf.set(r.urn, byUrn.get(hit)!);
    }
  }
  return { oldOf, deleted: oldResources.filter((r) => !used.has(r.urn)) };
}

function inputChange(
  leaf: LeafChange,
  secrets: readonly string[] | undefined,
  forced: readonly string[],
  from: readonly string[],
): InputChange {
  const path = formatPath(leaf.path);
  const secret = isSecretPath(leaf.path, secrets);
  // Secrets nested inside a changed value (a whole block added or removed) are masked too.
  const nested = (secrets ?? [])
    .filter((p) => p.startsWith(path) && p.length > path.length)
    .map((p) => p.slice(path.length).replace(/^\./, ""));
  const mask = (v: unknown) => (v === undefined ? undefined : secret ? SECRET : maskSecrets(v, nested));
  return {
    path,
    ...(leaf.old !== undefined ? { old: mask(leaf.old) } : {}),
    ...(leaf.new !== undefined ? { new: leaf.new === UNKNOWN ? UNKNOWN : mask(leaf.new) } : {}),
    ...(leaf.new === UNKNOWN || JSON.stringify(leaf.new ?? null).includes(UNKNOWN)
      ? { knownAfterApply: true, from }
      : {}),
    ...(forced.some(
      (f) => f === path || f.startsWith(`${path}.`) || f.startsWith(`${path}[`) || path.startsWith(f),
    )
      ? { forcesReplacement: true }
      : {}),
  };
}

function base(r: CapturedResource, operation: Operation, protect: boolean) {
  const stateful = statefulLoss(r.type);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    ...(r.parent ? { parent: r.parent } : {}),
    operation,
    protect,
    ...(stateful ? { stateful } : {}),
  };
}

/** Every resource of both graphs with its operation, in new registration order, deletions last. */
export function diffResources(
  oldResources: readonly CapturedResource[],
  newResources: readonly CapturedResource[],
): ResourceDiff[] {
  return diffGraphs(oldResources, newResources).diffs;
}

export interface GraphDiff {
  readonly diffs: ResourceDiff[];
  /** New URN → inputs as the deployment would see them (deployed values carried over, unknowns marked). */
  readonly effectiveInputs: ReadonlyMap<string, Props>;
}

export function diffGraphs(
  oldResources: readonly CapturedResource[],
  newResources: readonly CapturedResource[],
): GraphDiff {
  const { oldOf, deleted } = matchResources(oldResources, newResources);
  const effectiveInputs = new Map<string, Props>();
  const states = new Map<string, OutputState>();
  const names = new Map(newResources.map((r) => [r.urn, r.name]));
  const diffs: ResourceDiff[] = [];

  for (const r of newResources) {
    const old = oldOf.get(r.urn);
    const renamed = old && old.urn !== r.urn ? { oldUrn: old.urn } : {};
    if (!old) {
      diffs.push({ ...base(r, "create", r.options.protect), changes: [] });
      states.set(r.urn, {
        operation: "create",
        unknown: [...computedIdentities(r).values()],
        carried: new Map(),
      });
      continue;
    }
    if (!r.custom) {
      diffs.push({ ...base(r, "same", r.options.protect), ...renamed, changes: [] });
      states.set(r.urn, { operation: "same", unknown: [], carried: new Map() });
      continue;
    }
    // Carry the deployed state over, or mark values unknown, input by input, through its property dependencies.
    const from = new Map<string, Set<string>>();
    const effective: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r.inputs)) {
      const deps = r.propertyDependencies?.[key] ?? r.dependencies;
      const depStates = deps.flatMap((u) =>
        states.has(u) ? [[u, states.get(u)!] as [string, OutputState]] : [],
      );
      const sources = new Set<string>();
      effective[key] = resolveValue(value, depStates, sources);
      if (sources.size) from.set(key, sources);
    }
    effectiveInputs.set(r.urn, effective);
    const facts = replacementFactsFor(r.type);
    const oldInputs = withRegion(assetsByHash(old.inputs) as Props, old, facts?.regional);
    const newInputs = withRegion(assetsByHash(effective) as Props, r, facts?.regional);
    const leaves = withoutIgnored(changedLeaves(oldInputs, newInputs), r.options.ignoreChanges);
    const forced = forcingInputs({
      facts,
      oldInputs,
      newInputs,
      oldOutputs: old.outputs,
      newOutputs: r.outputs,
      changes: leaves,
      options: r.options,
    });
    const operation: Operation = forced.length ? "replace" : leaves.length ? "update" : "same";
    const order = operation === "replace" ? replacementOrder(facts, newInputs, r.options) : undefined;
    const changes = leaves.map((leaf) =>
      inputChange(leaf, r.secretPaths ?? old.secretPaths, forced, [
        ...(from.get(String(leaf.path[0])) ?? []),
      ]),
    );
    // The chain: upstream resources that change and feed a changed input (unknown or not).
    const causes = new Map<string, Set<string>>();
    for (const c of changes) {
      const key = c.path.split(/[.[]/)[0];
      const deps = r.propertyDependencies?.[key] ?? [];
      for (const u of new Set([...(c.from ?? []), ...deps])) {
        const op = states.get(u)?.operation;
        if (op && op !== "same") causes.set(u, (causes.get(u) ?? new Set()).add(c.path));
      }
    }
    const causedBy: ChainLink[] = [...causes].map(([urn, inputs]) => ({
      urn,
      name: names.get(urn) ?? urn,
      operation: states.get(urn)?.operation ?? "same",
      inputs: [...inputs],
    }));
    diffs.push({
      ...base(r, operation, old.options.protect || r.options.protect),
      ...renamed,
      ...(order ? { replaceOrder: order.order, replaceOrderReason: order.reason, forcedBy: forced } : {}),
      changes,
      ...(causedBy.length ? { causedBy } : {}),
      ...(operation !== "same" && facts ? { note: facts.update } : {}),
    });
    states.set(r.urn, outputState(r, old, operation, facts?.outputsUnknownOnUpdate));
  }
  for (const r of deleted) diffs.push({ ...base(r, "delete", r.options.protect), changes: [] });
  return { diffs, effectiveInputs };
}

function outputState(
  r: CapturedResource,
  old: CapturedResource,
  operation: Operation,
  unknownOnUpdate: { outputs: string[]; whenInputTrue?: string } | undefined,
): OutputState {
  const now = computedIdentities(r);
  if (operation === "replace") return { operation, unknown: [...now.values()], carried: new Map() };
  const before = computedIdentities(old);
  const carried = new Map<string, string>();
  const unknown: string[] = [];
  const volatile =
    operation === "update" &&
    unknownOnUpdate &&
    (!unknownOnUpdate.whenInputTrue || r.inputs[unknownOnUpdate.whenInputTrue] === true)
      ? new Set(unknownOnUpdate.outputs)
      : new Set<string>();
  for (const key of volatile) {
    const value = r.outputs?.[key];
    if (typeof value === "string" && value !== "") unknown.push(value);
  }
  for (const [key, value] of now) {
    if (volatile.has(key)) continue;
    else if (before.has(key) && before.get(key) !== value) carried.set(value, before.get(key)!);
  }
  return { operation, unknown, carried };
}

/** Whether nothing changes: every resource "same" (used by tests and the renderers). */
export function isEmptyDiff(diffs: readonly ResourceDiff[]): boolean {
  return diffs.every((d) => d.operation === "same");
}
