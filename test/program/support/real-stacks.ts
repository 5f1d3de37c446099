/**
 * The program (index.ts) run under the mock runtime with each real stack file (Pulumi.dev.yaml, Pulumi.prod.yaml),
 * through the offline preview's program runner: the resource graph the engine would see, with parents,
 * dependencies and resource options, and lookups over it for the stacks-*.test.ts files.
 */
import { strict as assert } from "node:assert";
import type { CapturedResource, CapturedStack } from "../../../tools/lib/resource-graph";
import { runProgram } from "../../../tools/lib/program-runner";
import { ensureLambdaBundle } from "./bundle";

export interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Condition?: unknown;
}

export class Graph {
  constructor(readonly stack: CapturedStack) {}
  ofType(type: string): CapturedResource[] {
    return this.stack.resources.filter((r) => r.type === type);
  }
  one(type: string, name?: string): CapturedResource {
    const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
    assert.equal(found.length, 1, `expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
    return found[0]!;
  }
  byUrn(urn: string): CapturedResource {
    const found = this.stack.resources.find((r) => r.urn === urn);
    assert.ok(found, `no resource ${urn}`);
    return found;
  }
  childrenOf(parent: CapturedResource): CapturedResource[] {
    return this.stack.resources.filter((r) => r.parent === parent.urn);
  }
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.stack.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }
  statements(resource: CapturedResource, property = "policy"): Statement[] {
    return (JSON.parse(resource.inputs[property] as string) as { Statement: Statement[] }).Statement;
  }
  statement(resource: CapturedResource, sid: string): Statement {
    const found = this.statements(resource).find((s) => s.Sid === sid);
    assert.ok(found, `${resource.name} has no statement ${sid}`);
    return found;
  }
}

async function capture(stack: string): Promise<Graph> {
  const result = await runProgram({ stack });
  assert.ok(
    result.ok,
    result.ok ? "" : `${stack}: ${result.kind}: ${result.message}\n${result.location ?? ""}`,
  );
  return new Graph(result.stack);
}

export interface RealStacks {
  readonly dev: Graph;
  readonly prod: Graph;
}

let realStacksOnce: Promise<RealStacks> | undefined;

/**
 * Both stacks, captured once per test process: every stacks-*.test.ts file reads the same graphs (none modifies
 * them), so the program runs twice in all rather than twice per file.
 */
export function realStacks(): Promise<RealStacks> {
  realStacksOnce ??= (async () => {
    ensureLambdaBundle();
    const [dev, prod] = await Promise.all([capture("dev"), capture("prod")]);
    return { dev, prod };
  })();
  return realStacksOnce;
}
