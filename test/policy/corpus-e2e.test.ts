/**
 * The blind-spot corpus (test/policy/support/corpus/) through the compiled pack, started as the CLI starts it and
 * driven over gRPC with policy/config/prod.json: every case with known inputs is caught by its policy at the
 * policy's level, or passes it. (Cases with preview unknowns run in test/policy/corpus.test.ts, whose harness
 * has the runtime's placeholders.)
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { CapturedResource } from "../../tools/lib/resource-graph";
import { allPolicies } from "@ml-platform/policy/policies";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";
import { unknown, type StackResourceInput } from "./support/harness";
import { CORPUS } from "./support/corpus";

const PLACEHOLDERS = Object.values(unknown).map((v) => JSON.stringify(v));
const hasUnknown = (resources: readonly StackResourceInput[]) =>
  PLACEHOLDERS.some((p) => JSON.stringify(resources).includes(p));

function toCaptured(resources: readonly StackResourceInput[]): CapturedResource[] {
  const urnOf = (name: string) => resources.find((r) => r.name === name)?.type;
  const ref = (name: string) => `urn:pulumi:dev::ml-platform::${urnOf(name)}::${name}`;
  return resources.map((r, i) =>
    captured(r.type, r.name ?? `r${i}`, JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>, {
      dependencies: (r.dependencies ?? []).map(ref),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies ?? {}).map(([k, names]) => [k, (names ?? []).map(ref)]),
      ),
      options: { protect: r.opts?.protect === true },
    }),
  );
}

describe("blind-spot corpus end to end (CLI runner + gRPC)", function () {
  this.timeout(180_000);
  const pack = usePolicyPack({ project: "ml-platform", stack: "dev" });

  it("catches or passes every case with known inputs, as the unit corpus does", async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    const wrong: string[] = [];
    let ran = 0;
    for (const c of CORPUS.filter((c) => !c.config && !hasUnknown(c.resources))) {
      const policy = allPolicies.find((p) => p.name === c.policy)!;
      const resources = toCaptured(c.resources);
      const results =
        policy.platform.kind === "stack"
          ? [await pack().analyzeStack(resources)]
          : await Promise.all(resources.map((r) => pack().analyze(r)));
      const found = results.flatMap((r) => r.violations).filter((v) => v.policyName === c.policy);
      ran++;
      if (found.some((v) => v.skippedOnUnknown)) wrong.push(`${c.description}: deferred`);
      else if (c.caught !== found.length > 0)
        wrong.push(`${c.description}: ${c.caught ? "missed" : "flagged"}`);
      else if (c.says && !found.some((v) => c.says!.test(v.message))) wrong.push(`${c.description}: wording`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(ran >= 60, `${ran} cases ran over gRPC`);
  });
});
