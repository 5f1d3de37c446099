/**
 * What a remediation changed, property by property, and the resource as the engine then deploys it.
 *
 * A CrossGuard remediation returns the resource's whole property bag; the engine deploys it instead of the
 * program's inputs and shows the difference (`OnPolicyRemediation` in pulumi/pulumi's
 * pkg/resource/deploy/step_generator.go). These helpers give the offline preview the same view.
 */
import { isDeepStrictEqual } from "node:util";
import diff from "microdiff";
import type { CapturedResource } from "../lib/resource-graph";

/** One property a remediation added, changed or removed. Values are in engine form (as sent to the pack). */
export interface PropertyChange {
  /** Pulumi property path, e.g. `metadataOptions.httpTokens`, `tags["team/owner"]`, `ingress[0].cidrBlocks`. */
  readonly path: string;
  readonly kind: "add" | "change" | "remove";
  /** The value before (absent for `add`). */
  readonly before?: unknown;
  /** The value after (absent for `remove`). */
  readonly after?: unknown;
}

/** A property path as Pulumi writes one: dotted names, `[n]` for array elements, `["…"]` for other keys. */
export function formatPropertyPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The changes from `before` to `after`, in path order; empty when they are deeply equal. */
export function propertyChanges(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): PropertyChange[] {
  const changes = diff(before as Record<string, unknown>, after as Record<string, unknown>).map(
    (d): PropertyChange => {
      const path = formatPropertyPath(d.path);
      if (d.type === "CREATE") return { path, kind: "add", after: d.value };
      if (d.type === "REMOVE") return { path, kind: "remove", before: d.oldValue };
      return { path, kind: "change", before: d.oldValue, after: d.value };
    },
  );
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The resource as deployed after remediation: its inputs are the remediated properties, and its outputs (which a
 * preview derives from the inputs) carry every top-level property the remediation changed, so AnalyzeStack sees
 * the stack the engine would deploy.
 */
export function withRemediatedInputs(
  resource: CapturedResource,
  engineInputs: Readonly<Record<string, unknown>>,
  remediated: Readonly<Record<string, unknown>>,
): CapturedResource {
  const outputs: Record<string, unknown> = { ...resource.outputs };
  for (const key of new Set([...Object.keys(engineInputs), ...Object.keys(remediated)])) {
    if (isDeepStrictEqual(engineInputs[key], remediated[key])) continue;
    if (key in remediated) outputs[key] = remediated[key];
    else delete outputs[key];
  }
  return { ...resource, inputs: remediated, outputs };
}
