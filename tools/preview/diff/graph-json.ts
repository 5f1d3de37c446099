/**
 * The part of the captured graph the preview's JSON carries per resource so that a saved `--json` output can be
 * the base of a later change preview (`--base-json`): property dependencies, the provider-computed outputs, aliases
 * and secret paths. And the way back, from a saved report to captured resources.
 */
import type { CapturedResource } from "../../lib/resource-graph";
import { deepEqual } from "./values";

export interface GraphFields {
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Outputs that are not inputs (ids, ARNs, auto-names): what dependents read. */
  readonly computedOutputs: Readonly<Record<string, unknown>>;
  readonly aliases?: readonly string[];
  readonly secretPaths?: readonly string[];
}

export function graphFields(r: CapturedResource): GraphFields {
  const computedOutputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.outputs ?? {})) {
    if (!(k in r.inputs) || !deepEqual(r.inputs[k], v)) computedOutputs[k] = v;
  }
  return {
    propertyDependencies: r.propertyDependencies,
    computedOutputs,
    ...(r.aliases?.length ? { aliases: r.aliases } : {}),
    ...(r.secretPaths?.length ? { secretPaths: r.secretPaths } : {}),
  };
}

/** A resource as a saved report holds it (older reports lack the graph fields). */
export interface SavedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: CapturedResource["options"];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly computedOutputs?: Readonly<Record<string, unknown>>;
  readonly aliases?: readonly string[];
  readonly secretPaths?: readonly string[];
}

export function capturedFromSaved(r: SavedResource): CapturedResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    custom: r.custom,
    ...(r.parent ? { parent: r.parent } : {}),
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies ?? {},
    inputs: r.inputs,
    outputs: { ...r.inputs, ...(r.computedOutputs ?? {}) },
    options: r.options,
    ...(r.aliases ? { aliases: r.aliases } : {}),
    ...(r.secretPaths ? { secretPaths: r.secretPaths } : {}),
  };
}
