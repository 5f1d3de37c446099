/**
 * Runs the IAM corpus (../support/iam-corpus.ts) through both IAM policies exactly as the runtime would:
 * every sneak attempt must be caught, no legitimate document flagged.
 */
import { strict as assert } from "node:assert";
import type { PlatformResourcePolicy } from "@ml-platform/policy/framework";
import { iamPolicies } from "@ml-platform/policy/policies/iam";
import { runResourcePolicy, type ResourceInput } from "../support/harness";
import { LEGITIMATE, SNEAK_ATTEMPTS } from "../support/iam-corpus";

async function violationsOf(resource: ResourceInput): Promise<string[]> {
  const found: string[] = [];
  for (const policy of iamPolicies as PlatformResourcePolicy[]) {
    const result = await runResourcePolicy(policy, resource);
    assert.equal(result.deferred, undefined, `${policy.name} deferred on a fully known resource`);
    found.push(...result.violations.map((v) => `${policy.name}: ${v.message}`));
  }
  return found;
}

describe("IAM corpus", () => {
  it("has at least 40 sneak attempts and 20 legitimate documents", () => {
    assert.ok(SNEAK_ATTEMPTS.length >= 40, `${SNEAK_ATTEMPTS.length} attempts`);
    assert.ok(LEGITIMATE.length >= 20, `${LEGITIMATE.length} legitimate documents`);
  });

  describe("sneak attempts are caught", () => {
    for (const [description, resource] of SNEAK_ATTEMPTS) {
      it(description, async () => {
        const found = await violationsOf(resource);
        assert.ok(found.length > 0, `not caught: ${JSON.stringify(resource.props)}`);
      });
    }
  });

  describe("legitimate least-privilege documents pass", () => {
    for (const [description, resource] of LEGITIMATE) {
      it(description, async () => {
        assert.deepEqual(await violationsOf(resource), []);
      });
    }
  });
});
