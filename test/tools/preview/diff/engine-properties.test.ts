/**
 * Properties of the diff engine on the real dev and prod graphs and random edits of them: a graph compared with
 * itself has no change, and comparing A→B and B→A mirror each other (create ↔ delete, the same resources updated or
 * replaced for the same inputs, old and new values swapped).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { CapturedResource } from "../../../../tools/lib/resource-graph";
import { diffResources } from "../../../../tools/preview/diff/engine";
import type { ResourceDiff } from "../../../../tools/preview/diff/types";
import { UNKNOWN } from "../../../../tools/preview/diff/values";
import { baseSide } from "./support";

type Mutable = Record<string, unknown>;

/** Paths of the string leaves of a resource's inputs. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function setAt(root: Mutable, path: (string | number)[], value: unknown): void {
  let cur: Mutable = root;
  for (const p of path.slice(0, -1)) cur = cur[p] as Mutable;
  cur[path[path.length - 1]] = value;
}

function replaceLeaves(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceLeaves(v, from, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceLeaves(v, from, to)]));
  }
  return value;
}

interface Edit {
  /** Index into the custom resources, then into their string inputs: append a suffix there. */
  readonly changes: readonly (readonly [number, number])[];
  /** Indexes of resources no one depends on, removed from the graph. */
  readonly removals: readonly number[];
}

function applyEdit(graph: readonly CapturedResource[], edit: Edit): CapturedResource[] {
  const copy = structuredClone(graph) as CapturedResource[];
  const custom = copy.filter((r) => r.custom);
  for (const [ri, pi] of edit.changes) {
    const r = custom[ri % custom.length];
    const paths = stringPaths(r.inputs);
    if (!paths.length) continue;
    const path = paths[pi % paths.length];
    let cur: unknown = r.inputs;
    for (const p of path) cur = (cur as Mutable)[p];
    setAt(r.inputs as Mutable, path, `${String(cur)}-edited`);
    // The provider echoes inputs in its outputs (an id equal to an input, say): keep the graph consistent.
    (r as { outputs: unknown }).outputs = replaceLeaves(r.outputs, String(cur), `${String(cur)}-edited`);
  }
  const dependedOn = new Set(copy.flatMap((r) => [...r.dependencies, ...(r.parent ? [r.parent] : [])]));
  const leaves = copy.filter((r) => r.custom && !dependedOn.has(r.urn));
  const removed = new Set(edit.removals.map((i) => leaves[i % leaves.length]?.urn));
  return copy.filter((r) => !removed.has(r.urn));
}

const editArb = fc.record({
  changes: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
  removals: fc.array(fc.nat(), { maxLength: 2 }),
});

const MIRROR: Record<string, string> = {
  create: "delete",
  delete: "create",
  update: "update",
  replace: "replace",
  same: "same",
};

function byUrn(diffs: readonly ResourceDiff[]): Map<string, ResourceDiff> {
  return new Map(diffs.map((d) => [d.urn, d]));
}

describe("diff engine properties", function () {
  this.timeout(120_000);
  let graphs: Record<string, readonly CapturedResource[]>;

  before(async () => {
    const [dev, prod] = await Promise.all([baseSide("dev"), baseSide("prod")]);
    graphs = { dev: dev.stack.resources, prod: prod.stack.resources };
  });

  it("a stack compared with itself has no change", () => {
    for (const name of ["dev", "prod"]) {
      fc.assert(
        fc.property(editArb, (edit) => {
          const graph = applyEdit(graphs[name], edit);
          const diffs = diffResources(graph, structuredClone(graph));
          assert.deepEqual(
            diffs.filter((d) => d.operation !== "same").map((d) => d.name),
            [],
          );
        }),
        { numRuns: 30 },
      );
    }
  });

  it("A→B and B→A mirror each other", () => {
    for (const name of ["dev", "prod"]) {
      fc.assert(
        fc.property(editArb, editArb, (editA, editB) => {
          const a = applyEdit(graphs[name], editA);
          const b = applyEdit(graphs[name], editB);
          const forward = byUrn(diffResources(a, b));
          const backward = byUrn(diffResources(b, a));
          assert.deepEqual([...forward.keys()].sort(), [...backward.keys()].sort());
          for (const [urn, f] of forward) {
            const g = backward.get(urn)!;
            assert.equal(g.operation, MIRROR[f.operation], `${f.name}: ${f.operation} vs ${g.operation}`);
            assert.deepEqual(f.forcedBy ?? [], g.forcedBy ?? [], f.name);
            assert.deepEqual(
              f.changes.map((c) => c.path),
              g.changes.map((c) => c.path),
              f.name,
            );
            for (const [i, c] of f.changes.entries()) {
              const m = g.changes[i];
              if (c.new === UNKNOWN || m.new === UNKNOWN) continue;
              assert.deepEqual([c.old, c.new], [m.new, m.old], `${f.name} ${c.path}`);
            }
          }
        }),
        { numRuns: 40 },
      );
    }
  });

  it("the edits used above do change something (the properties are not vacuous)", () => {
    const edited = applyEdit(graphs.dev, { changes: [[3, 0]], removals: [0] });
    const diffs = diffResources(graphs.dev, edited);
    assert.ok(diffs.some((d) => d.operation === "delete"));
    assert.ok(diffs.some((d) => d.operation === "update" || d.operation === "replace"));
  });
});
