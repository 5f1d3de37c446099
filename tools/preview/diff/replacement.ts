/**
 * Whether an in-place change of a custom resource becomes a replacement, which input forces it, and in which order
 * the engine replaces it, from the replacement facts (@ml-platform/aws-facts/replacement) and the resource's
 * options (`replaceOnChanges`, `ignoreChanges`, `deleteBeforeReplace`).
 */
import {
  REPLACEMENT_FACTS,
  type ConditionalReplace,
  type ReplacementTypeFacts,
} from "@ml-platform/aws-facts/replacement";
import { parseInstanceType } from "@ml-platform/aws-facts/instance-types";
import type { CapturedResourceOptions } from "../../lib/resource-graph";
import type { ReplaceOrder } from "./types";
import {
  deepEqual,
  expandWildcards,
  formatPath,
  parsePath,
  startsWith,
  UNKNOWN,
  valueAt,
  type LeafChange,
  type Path,
} from "./values";

type Props = Readonly<Record<string, unknown>>;

/** Drops the changes under an `ignoreChanges` path (the engine keeps the old value there). */
export function withoutIgnored(
  changes: readonly LeafChange[],
  ignoreChanges: readonly string[],
): LeafChange[] {
  const ignored = ignoreChanges.map(parsePath);
  return changes.filter((c) => !ignored.some((p) => startsWith(c.path, p)));
}

/** Graviton types (`g` attribute: m6g, c7g, ...) are arm64; everything else used here is x86_64. */
function architecture(instanceType: unknown): string | undefined {
  if (typeof instanceType !== "string") return undefined;
  const parsed = parseInstanceType(instanceType);
  if (!parsed.ok) return undefined;
  return parsed.value.attributes.includes("g") ? "arm64" : "x86_64";
}

function conditionalForces(rule: ConditionalReplace, oldInputs: Props, newInputs: Props): string | undefined {
  switch (rule.when) {
    case "decrease": {
      const a = oldInputs[rule.input];
      const b = newInputs[rule.input];
      return typeof a === "number" && typeof b === "number" && b < a ? rule.input : undefined;
    }
    case "architectureChange": {
      const a = architecture(oldInputs[rule.input]);
      const b = architecture(newInputs[rule.input]);
      return a && b && a !== b ? rule.input : undefined;
    }
    case "flagSet":
      return newInputs[rule.flag] === true && !deepEqual(oldInputs[rule.input], newInputs[rule.input])
        ? rule.input
        : undefined;
    case "sourceKindSwitch": {
      const kinds = rule.input.split("|");
      const setOf = (p: Props) => kinds.filter((k) => p[k] !== undefined && p[k] !== "").join(",");
      return setOf(oldInputs) !== setOf(newInputs)
        ? kinds.find((k) => newInputs[k] !== undefined)
        : undefined;
    }
  }
}

/** The effective region: an unset `region` means the provider's, which the captured outputs record. */
function region(inputs: Props, outputs: Props | undefined): unknown {
  return inputs.region ?? outputs?.region;
}

export interface ReplacementInput {
  readonly facts: ReplacementTypeFacts | undefined;
  readonly oldInputs: Props;
  readonly newInputs: Props;
  readonly oldOutputs?: Props;
  readonly newOutputs?: Props;
  /** The changes that remain after ignoreChanges. */
  readonly changes: readonly LeafChange[];
  readonly options: CapturedResourceOptions;
}

/** The concrete input paths that force a replacement (empty: an in-place update). */
export function forcingInputs(input: ReplacementInput): string[] {
  const { facts, oldInputs, newInputs, changes, options } = input;
  const forced = new Set<string>();
  const changedAt = (pattern: Path) =>
    expandWildcards(pattern, oldInputs, newInputs).filter((p) =>
      changes.some((c) => startsWith(c.path, p) || startsWith(p, c.path)),
    );
  for (const pattern of options.replaceOnChanges.map(parsePath)) {
    for (const c of changes)
      if (startsWith(c.path, pattern) || startsWith(pattern, c.path)) forced.add(formatPath(c.path));
  }
  if (!facts) return [...forced];
  if (facts.replaceOnAnyInputExcept) {
    const except = new Set(facts.replaceOnAnyInputExcept);
    for (const c of changes) if (!except.has(String(c.path[0]))) forced.add(formatPath(c.path));
  }
  for (const pattern of facts.replaceOn.map(parsePath)) {
    for (const p of changedAt(pattern)) {
      if (!deepEqual(valueAt(oldInputs, p), valueAt(newInputs, p))) forced.add(formatPath(p));
    }
  }
  if (facts.regional) {
    const a = region(oldInputs, input.oldOutputs);
    const b = region(newInputs, input.newOutputs);
    if (a !== undefined && b !== undefined && a !== b) forced.add("region");
  }
  for (const rule of facts.conditionalReplace ?? []) {
    const path = conditionalForces(rule, oldInputs, newInputs);
    if (path) forced.add(path);
  }
  // A value only known after the deployment forces a replacement when it lands on a replacing input.
  for (const c of changes) {
    if (c.new === UNKNOWN && facts.replaceOn.map(parsePath).some((p) => startsWith(c.path, p)))
      forced.add(formatPath(c.path));
  }
  return [...forced].sort();
}

/**
 * The replacement order. An explicit `deleteBeforeReplace` option wins either way; otherwise the provider asks for
 * delete-before-replace for flagged types and for a program-set physical name.
 */
export function replacementOrder(
  facts: ReplacementTypeFacts | undefined,
  newInputs: Props,
  options: CapturedResourceOptions,
): { order: ReplaceOrder; reason: string } {
  const rule = REPLACEMENT_FACTS.rules.replacementOrder;
  if (options.deleteBeforeReplaceSet || options.deleteBeforeReplace) {
    return options.deleteBeforeReplace
      ? { order: "delete-before-replace", reason: "the resource option deleteBeforeReplace: true" }
      : {
          order: "create-before-delete",
          reason: "the resource option deleteBeforeReplace: false overrides the provider",
        };
  }
  if (facts?.deleteBeforeReplace) {
    return {
      order: "delete-before-replace",
      reason: `the provider replaces this type delete-first (${facts.deleteBeforeReplaceSource ?? facts.source})`,
    };
  }
  if (facts?.autoNamed && newInputs[facts.autoNamed] !== undefined) {
    return {
      order: "delete-before-replace",
      reason: `"${facts.autoNamed}" is set by the program, not auto-named (${rule.source})`,
    };
  }
  return {
    order: "create-before-delete",
    reason: facts?.autoNamed
      ? `"${facts.autoNamed}" is auto-named: the new resource is created first`
      : "Pulumi's default: the new resource is created first",
  };
}
