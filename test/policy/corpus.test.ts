/**
 * Runs the blind-spot corpus (test/policy/support/corpus/) through the policies it names, the way the runtime
 * does: each case must be caught by its policy, or pass it, without the policy deferring on known input.
 */
import { strict as assert } from "node:assert";
import { allPolicies } from "@ml-platform/policy/policies";
import type { PlatformResourcePolicy, PlatformStackPolicy } from "@ml-platform/policy/framework";
import { messages, runResourcePolicy, runStackPolicy, type PolicyRunResult } from "./support/harness";
import { CORPUS } from "./support/corpus";
import type { CorpusCase } from "./support/corpus/types";

async function run(c: CorpusCase): Promise<string[]> {
  const policy = allPolicies.find((p) => p.name === c.policy);
  assert.ok(policy, `no policy "${c.policy}"`);
  const results: PolicyRunResult[] = [];
  if (policy.platform.kind === "stack") {
    results.push(await runStackPolicy(policy as PlatformStackPolicy, c.resources, { config: c.config }));
  } else {
    for (const resource of c.resources) {
      results.push(await runResourcePolicy(policy as PlatformResourcePolicy, resource, { config: c.config }));
    }
  }
  if (!c.defers) for (const result of results) assert.equal(result.deferred, undefined, "deferred");
  return results.flatMap(messages);
}

describe("blind-spot corpus", () => {
  it("has at least 60 cases", () => {
    assert.ok(CORPUS.length >= 60, `${CORPUS.length} cases`);
  });

  const groups = new Map<string, CorpusCase[]>();
  for (const c of CORPUS) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  for (const [name, cases] of groups) {
    describe(name, () => {
      for (const c of cases) {
        it(`${c.caught ? "catches" : "passes"}: ${c.description}`, async () => {
          const found = await run(c);
          if (!c.caught) return assert.deepEqual(found, []);
          assert.ok(found.length > 0, "not caught");
          if (c.says) assert.match(found.join("\n"), c.says);
          if (c.neverSays) assert.doesNotMatch(found.join("\n"), c.neverSays);
        });
      }
    });
  }
});
