/**
 * Value helpers for the change preview: input paths (`a.b`, `a[0].b`), deep comparison, the leaf paths that differ
 * between two input objects, and the markers for values a reviewer must not (secrets) or cannot (known after apply)
 * see.
 */
import { isDeepStrictEqual } from "node:util";

/** Stands for a value that only exists once the deployment has run (an output of a resource being replaced). */
export const UNKNOWN = "(known after apply)";
/** Replaces a secret value in every output. */
export const SECRET = "[secret]";

export type Path = readonly (string | number)[];

export function formatPath(path: Path): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

/** `a.b[0].c` → ["a", "b", 0, "c"]; `a[].b` keeps "[]" as a wildcard segment. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d*|\*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(m[2] === "" || m[2] === "*" ? "[]" : Number(m[2]));
  }
  return out;
}

export function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

export interface LeafChange {
  readonly path: Path;
  readonly old: unknown;
  readonly new: unknown;
}

/**
 * The smallest paths at which `a` and `b` differ: objects and arrays are compared member by member, anything else
 * (and a member present on one side only) is reported whole.
 */
export function changedLeaves(a: unknown, b: unknown, path: Path = []): LeafChange[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedLeaves(a[k], b[k], [...path, k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: LeafChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...changedLeaves(a[i], b[i], [...path, i]));
    return out;
  }
  return [{ path, old: a, new: b }];
}

/** Whether `path` equals `prefix` or lies inside it. */
export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === "[]" || p === path[i]);
}

/** Expands `[]` wildcards against the list lengths found in either value. */
export function expandWildcards(pattern: Path, a: unknown, b: unknown): Path[] {
  const i = pattern.indexOf("[]");
  if (i < 0) return [pattern];
  const head = pattern.slice(0, i);
  const lengths = [valueAt(a, head), valueAt(b, head)].map((v) => (Array.isArray(v) ? v.length : 0));
  const out: Path[] = [];
  for (let n = 0; n < Math.max(...lengths); n++) {
    out.push(...expandWildcards([...head, n, ...pattern.slice(i + 1)], a, b));
  }
  return out;
}

/** Replaces the values at `paths` with the secret marker. */
export function maskSecrets(value: unknown, paths: readonly string[] | undefined): unknown {
  if (!paths?.length) return value;
  const out = structuredClone(value);
  for (const p of paths) {
    const path = parsePath(p);
    if (path.length === 0) return SECRET;
    const parent = valueAt(out, path.slice(0, -1));
    if (parent !== null && typeof parent === "object") {
      const key = path[path.length - 1];
      if ((parent as Record<string | number, unknown>)[key] !== undefined)
        (parent as Record<string | number, unknown>)[key] = SECRET;
    }
  }
  return out;
}

/** Whether `path` is (inside) one of the secret paths. */
export function isSecretPath(path: Path, secretPaths: readonly string[] | undefined): boolean {
  return (secretPaths ?? []).some((p) => startsWith(path, parsePath(p)));
}

/** A value on one line, for text and markdown output. */
export function showValue(value: unknown, max = 80): string {
  if (value === undefined) return "(unset)";
  if (value === UNKNOWN || value === SECRET) return value;
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
