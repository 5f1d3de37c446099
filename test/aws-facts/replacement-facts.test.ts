/**
 * The replacement facts (aws-facts/replacement/replacement-facts.json): valid data with a public source and a date
 * per entry, input paths that exist in @pulumi/aws's type definitions, and an entry for every AWS type the program
 * registers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseReplacementFacts,
  REPLACEMENT_FACTS,
  replacementFactsFor,
} from "@ml-platform/aws-facts/replacement";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const ROOT = join(__dirname, "..", "..");

describe("replacement facts", () => {
  it("every entry has an https source on GitHub and a gathered-on date", () => {
    for (const [type, facts] of Object.entries(REPLACEMENT_FACTS.types)) {
      assert.match(facts.source, /^https:\/\/github\.com\/hashicorp\/terraform-provider-aws\//, type);
      assert.match(facts.gatheredOn, /^\d{4}-\d{2}-\d{2}$/, type);
    }
  });

  it("names the field and the rule of invalid data", () => {
    const bad = structuredClone(REPLACEMENT_FACTS) as { types: Record<string, { source: string }> };
    bad.types[AWS_TYPES.lambdaFunction].source = "github.com/x";
    assert.throws(
      () => parseReplacementFacts(bad),
      /types\.aws:lambda\/function:Function\.source: must be an https:\/\/ URL/,
    );
  });

  it("every top-level input named in a rule exists on the type in @pulumi/aws", () => {
    for (const [type, facts] of Object.entries(REPLACEMENT_FACTS.types)) {
      const m = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(type)!;
      const dts = readFileSync(join(ROOT, "node_modules/@pulumi/aws", m[1], `${m[2]}.d.ts`), "utf8");
      const argsStart = dts.indexOf(`export interface ${m[3]}Args {`);
      assert.ok(argsStart >= 0, `${type}: no ${m[3]}Args in @pulumi/aws`);
      const args = dts.slice(argsStart, dts.indexOf("\n}", argsStart));
      const inputs = [
        ...facts.replaceOn,
        ...(facts.conditionalReplace ?? []).flatMap((c) => c.input.split("|")),
        ...(facts.autoNamed ? [facts.autoNamed] : []),
      ].map((p) => p.split(/[.[]/)[0]);
      for (const input of new Set(inputs)) {
        assert.match(
          args,
          new RegExp(`\\n\\s+(readonly )?${input}\\??:`),
          `${type}: input "${input}" not in ${m[3]}Args`,
        );
      }
    }
  });

  it("covers every AWS type the program registers", () => {
    const used = [
      AWS_TYPES.s3Bucket,
      AWS_TYPES.sagemakerNotebookInstance,
      AWS_TYPES.sagemakerModel,
      AWS_TYPES.sagemakerEndpointConfiguration,
      AWS_TYPES.sagemakerEndpoint,
      AWS_TYPES.appautoscalingTarget,
      AWS_TYPES.appautoscalingPolicy,
      AWS_TYPES.lambdaFunction,
      AWS_TYPES.lambdaAlias,
      AWS_TYPES.lambdaProvisionedConcurrencyConfig,
      AWS_TYPES.iamRolePolicyAttachment,
      AWS_TYPES.kmsKey,
      AWS_TYPES.ec2Instance,
    ];
    for (const type of used) assert.ok(replacementFactsFor(type), type);
    assert.equal(replacementFactsFor("aws:nope/nope:Nope"), undefined);
  });
});
