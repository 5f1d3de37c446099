/**
 * policy/config/<stack>.json, read and validated by the same reader and JSON-Schema validator as the offline
 * preview's Configure: what the CLI would reject with `--policy-pack-config`, caught in a unit test.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { allPolicies } from "@ml-platform/policy/policies";
import {
  listPolicyConfigStacks,
  policyPackConfigSource,
  readStackPolicyConfig,
  reconcilePolicyConfig,
} from "../../tools/analyzer/policy-config";
import { listStacks } from "../../tools/lib/stack-files";

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
const pack = policyPackConfigSource("ml-platform", allPolicies);

describe("policy/config/<stack>.json", () => {
  const stacks = listPolicyConfigStacks();

  it("has one file per stack of the project, and no other", () => {
    assert.deepEqual(stacks, listStacks(join(__dirname, "..", "..")));
  });

  for (const stack of stacks) {
    const config = readStackPolicyConfig(stack);

    it(`${stack}: configures every policy with an explicit level, and names only real policies`, () => {
      const names = new Set(allPolicies.map((p) => p.name));
      for (const key of Object.keys(config.entries)) {
        assert.ok(key === "all" || names.has(key), `${stack}.json configures unknown policy "${key}"`);
      }
      for (const policy of allPolicies) {
        const level = config.entries[policy.name]?.enforcementLevel;
        assert.ok(LEVELS.includes(level ?? ""), `${stack}.json has no enforcementLevel for ${policy.name}`);
      }
    });

    it(`${stack}: sets the remediate level only on policies that offer a remediation`, () => {
      for (const policy of allPolicies) {
        if (config.entryFor(policy.name).enforcementLevel !== "remediate") continue;
        assert.ok(
          policy.platform.remediation,
          `${stack}.json: "${policy.name}".enforcementLevel is "remediate", but the policy has no remediation ` +
            `(the level would only act as mandatory); use "mandatory"`,
        );
      }
    });

    it(`${stack}: validates against each policy's configSchema with defaults filled in, as the CLI does`, () => {
      const reconciled = reconcilePolicyConfig(pack, config);
      assert.deepEqual(reconciled.unknownPolicies, []);
      // Rules across properties (a minimum below a maximum, say) that a JSON schema cannot state.
      for (const policy of allPolicies) {
        const { validateConfig } = policy.platform.metadata as { validateConfig?: (c: unknown) => string[] };
        const properties = reconciled.config[policy.name]?.properties ?? {};
        assert.deepEqual(validateConfig?.(properties) ?? [], [], `${stack}.json "${policy.name}"`);
      }
    });
  }

  it("makes every guardrail mandatory in prod, and keeps must-have rules mandatory everywhere", () => {
    const prod = readStackPolicyConfig("prod");
    // The misspelt-exemption-tag hint stays advisory (a renamed policy must not block a production deploy), and
    // so does the coverage report (a type the pack does not check is a gap to see, not a verdict).
    const informational = ["exemptions", "coverage"];
    for (const policy of allPolicies.filter((p) => !informational.includes(p.platform.metadata.family))) {
      assert.equal(prod.entryFor(policy.name).enforcementLevel, "mandatory", `prod: ${policy.name}`);
    }
    for (const stack of stacks) {
      const config = readStackPolicyConfig(stack);
      for (const policy of allPolicies.filter((p) => p.enforcementLevel === "mandatory")) {
        assert.equal(config.entryFor(policy.name).enforcementLevel, "mandatory", `${stack}: ${policy.name}`);
      }
    }
  });
});
