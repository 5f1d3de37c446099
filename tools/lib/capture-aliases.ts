/**
 * What the engine derives from a registration beyond its inputs, for the capturing mock monitor: content hashes of
 * file assets, the alias URNs a resource answers to (its own aliases plus those inherited from its parent's aliases, as the engine's step
 * generator computes them) and the input paths that hold secrets.
 *
 * Alias rules, from pulumi/pulumi pkg/resource/deploy/step_generator.go (`generateAliases`, `inheritedChildAlias`):
 * an alias spec defaults every field (name, type, stack, project, parent) to the resource's own; a child of an
 * aliased parent answers to the same child under each of the parent's aliases, with the parent's old name
 * substituted when the child's name starts with the parent's name.
 * https://github.com/pulumi/pulumi/blob/master/pkg/resource/deploy/step_generator.go
 */
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** Parent type chain and own type, `$`-separated. */
  readonly qualifiedType: string;
  readonly type: string;
  readonly name: string;
}

export function parseUrn(urn: string): UrnParts {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
  const qualifiedType = m[3];
  return {
    stack: m[1],
    project: m[2],
    qualifiedType,
    type: qualifiedType.split("$").pop()!,
    name: m[4],
  };
}

/** A URN as the engine builds it: the parent's qualified type prefixes the type, except the root stack's. */
export function makeUrn(
  stack: string,
  project: string,
  parentUrn: string,
  type: string,
  name: string,
): string {
  let qualified = type;
  if (parentUrn) {
    const parentQualified = parseUrn(parentUrn).qualifiedType;
    if (parentQualified !== ROOT_STACK_TYPE) qualified = `${parentQualified}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

export interface AliasGoal {
  readonly stack: string;
  readonly project: string;
  readonly parent: string;
  readonly type: string;
  readonly name: string;
}

function collapseAlias(goal: AliasGoal, alias: Alias): string {
  if (alias.getUrn()) return alias.getUrn();
  const spec = alias.getSpec();
  if (!spec) return makeUrn(goal.stack, goal.project, goal.parent, goal.type, goal.name);
  const parent = spec.getNoparent() ? "" : spec.getParenturn() || goal.parent;
  return makeUrn(
    spec.getStack() || goal.stack,
    spec.getProject() || goal.project,
    parent,
    spec.getType() || goal.type,
    spec.getName() || goal.name,
  );
}

function inheritedChildAlias(childType: string, childName: string, parentName: string, parentAlias: string) {
  const alias = parseUrn(parentAlias);
  const name = childName.startsWith(parentName) ? alias.name + childName.slice(parentName.length) : childName;
  const qualified =
    alias.qualifiedType === ROOT_STACK_TYPE ? childType : `${alias.qualifiedType}$${childType}`;
  return `urn:pulumi:${alias.stack}::${alias.project}::${qualified}::${name}`;
}

/**
 * The alias URNs of a registration. `parentAliases` are the alias URNs already computed for its parent; `urn` is
 * the resource's own URN (an alias equal to it is dropped).
 */
export function aliasUrns(
  goal: AliasGoal,
  urn: string,
  aliases: readonly Alias[],
  aliasUrnList: readonly string[],
  parentAliases: readonly string[],
): string[] {
  const out = new Set<string>();
  const own = [...aliasUrnList, ...aliases.map((a) => collapseAlias(goal, a))];
  for (const a of own) out.add(a);
  if (goal.parent) {
    const parentName = parseUrn(goal.parent).name;
    for (const parentAlias of parentAliases) {
      out.add(inheritedChildAlias(goal.type, goal.name, parentName, parentAlias));
      for (const a of own) {
        const p = parseUrn(a);
        out.add(inheritedChildAlias(p.type, p.name, parentName, parentAlias));
      }
    }
  }
  out.delete(urn);
  return [...out];
}

/** Pulumi's wire-format marker keys (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270";

/** Input paths (`a.b`, `a[0].b`) whose wire value is a secret, outermost secret only. */
export function secretPaths(wire: unknown, prefix = ""): string[] {
  if (wire === null || typeof wire !== "object") return [];
  if (Array.isArray(wire)) return wire.flatMap((v, i) => secretPaths(v, `${prefix}[${i}]`));
  const obj = wire as Record<string, unknown>;
  if (obj[SIG_KEY] === SIG_SECRET) return [prefix];
  if (typeof obj[SIG_KEY] === "string") return "value" in obj ? secretPaths(obj.value, prefix) : [];
  return Object.entries(obj).flatMap(([k, v]) => secretPaths(v, prefix ? `${prefix}.${k}` : k));
}

const SIG_ASSET = "c44067f5952c0a294b673a41bacd8c17";
const SIG_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7";
const fileHashes = new Map<string, string | undefined>();

function fileHash(path: string): string | undefined {
  if (!fileHashes.has(path)) {
    try {
      fileHashes.set(path, createHash("sha256").update(readFileSync(path)).digest("hex"));
    } catch {
      fileHashes.set(path, undefined);
    }
  }
  return fileHashes.get(path);
}

/**
 * Adds the content `hash` the engine records for file assets and archives (Pulumi's wire format has the field), so
 * that two checkouts of the same code compare equal although their paths differ, and a changed file does not.
 */
export function withAssetHashes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withAssetHashes);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = withAssetHashes(v);
  const sig = obj[SIG_KEY];
  if ((sig === SIG_ASSET || sig === SIG_ARCHIVE) && typeof obj.path === "string" && obj.hash === undefined) {
    const hash = fileHash(obj.path);
    if (hash) out.hash = hash;
  }
  return out;
}

/** Assets and archives compared as the engine compares them: by content hash when there is one, not by path. */
export function assetsByHash(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(assetsByHash);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const sig = obj[SIG_KEY];
  if ((sig === SIG_ASSET || sig === SIG_ARCHIVE) && typeof obj.hash === "string") {
    return { [SIG_KEY]: sig, hash: obj.hash };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, assetsByHash(v)]));
}
