import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { allPolicies } from "@ml-platform/policy/policies";
import {
  DOCS_FILE,
  effectiveLevel,
  formattedReadmeSummary,
  readmeSummaryBlock,
  README_FILE,
  renderPolicyDocs,
} from "../../tools/gen-policy-docs";
import { parsePolicyConfig, readStackPolicyConfig } from "../../tools/analyzer/policy-config";

const STALE = "out of date: run `npm run docs:policies` and commit the result";

describe("docs/policies.md", () => {
  it("matches what the generator produces from the policies and policy/config/*.json", () => {
    assert.ok(readFileSync(DOCS_FILE, "utf8") === renderPolicyDocs(), `docs/policies.md is ${STALE}`);
  });

  it("has the README's policy summary in sync", async () => {
    const block = readmeSummaryBlock(readFileSync(README_FILE, "utf8"));
    assert.ok(block !== undefined, "README.md lost its policy-summary markers");
    assert.ok(block.trim() === (await formattedReadmeSummary()), `README.md policy summary is ${STALE}`);
  });

  it("lists every policy once in the README, under its level in each stack, linked to its section", () => {
    const block = readmeSummaryBlock(readFileSync(README_FILE, "utf8"))!;
    const configs = { dev: readStackPolicyConfig("dev"), prod: readStackPolicyConfig("prod") };
    for (const policy of allPolicies) {
      const link = `[\`${policy.name}\`](docs/policies.md#${policy.name})`;
      const lines = block.split("\n").filter((line) => line.includes(link));
      assert.equal(lines.length, 1, `${policy.name} is listed ${lines.length} times`);
      const [dev, prod] = [effectiveLevel(policy, configs.dev), effectiveLevel(policy, configs.prod)];
      const label = dev === prod ? `${dev} in every stack` : `${dev} in dev, ${prod} in prod`;
      assert.ok(
        lines[0]!.startsWith(`- **${label}**`),
        `${policy.name} is not under "${label}": ${lines[0]}`,
      );
    }
  });

  it("documents every policy under its own anchor, with remediation, exemption syntax and unknown-value behaviour", () => {
    const docs = renderPolicyDocs();
    for (const policy of allPolicies) {
      assert.ok(docs.includes(`\n### ${policy.name}\n`), `${policy.name} has no heading`);
      assert.ok(
        docs.includes(`ml-platform:policy-exempt:${policy.name}`),
        `${policy.name} has no exemption syntax`,
      );
      assert.ok(docs.includes(policy.remediationSteps!), `${policy.name} has no remediation`);
      assert.ok(
        docs.includes(policy.platform.metadata.unknownValues.detail),
        `${policy.name} has no unknown-value note`,
      );
    }
  });

  it("reflects a change of config: levels and thresholds come from the stack files", () => {
    const policy = allPolicies.find((p) => p.name === "instance-size-notebook")!;
    const stackConfigs = {
      dev: parsePolicyConfig({
        "instance-size-notebook": { enforcementLevel: "disabled", maxSize: "large" },
      }),
      prod: parsePolicyConfig({ all: "advisory" }),
    };
    assert.equal(effectiveLevel(policy, stackConfigs.dev), "disabled");
    assert.equal(
      effectiveLevel(policy, stackConfigs.prod),
      "advisory",
      "`all` applies when a policy has no entry",
    );
    assert.equal(
      effectiveLevel(policy, parsePolicyConfig({})),
      "mandatory",
      "the policy's own level otherwise",
    );
    const docs = renderPolicyDocs([policy], stackConfigs);
    assert.match(docs, /dev: \*\*disabled\*\*, prod: \*\*advisory\*\*/);
    assert.match(docs, /\| `maxSize` \| string \| `"xlarge"` \| `"large"` \| default \|/);
  });
});
