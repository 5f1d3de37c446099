/**
 * The dev and prod stacks of this program pass every mandatory policy, checked the way `pulumi preview
 * --policy-pack policy --policy-pack-config policy/config/<stack>.json` would: the program runs under the mock
 * runtime with the stack's own config (tools/lib/program-runner.ts), and every captured resource goes through the
 * compiled pack over gRPC (Analyze with inputs, then AnalyzeStack).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { type PolicyViolation } from "../../tools/analyzer";
import { runProgram } from "../../tools/lib/program-runner";
import { POLICY_DIR, usePolicyPack } from "./support/e2e";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

function describeViolation(v: PolicyViolation): string {
  return `${v.policyName} (${v.phase}) ${v.urn}: ${v.message.split("\n").slice(1).join(" ") || v.message}`;
}

describe("dev and prod stacks pass every mandatory policy (program runner + CLI runner + gRPC)", function () {
  this.timeout(300_000);
  const pack = usePolicyPack();

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: no mandatory violation with policy/config/${stack}.json`, async () => {
      const program = await runProgram({ stack });
      assert.ok(
        program.ok,
        program.ok ? "" : `the ${stack} program failed (${program.kind}): ${program.message}`,
      );
      const resources = program.stack.resources;
      // The stack really contains what the pack is about, so passing means something.
      for (const type of [
        AWS_TYPES.sagemakerNotebookInstance,
        AWS_TYPES.sagemakerEndpointConfiguration,
        AWS_TYPES.appautoscalingPolicy,
        AWS_TYPES.lambdaFunction,
        AWS_TYPES.iamRole,
      ]) {
        assert.ok(
          resources.some((r) => r.type === type),
          `the ${stack} stack has no ${type}`,
        );
      }

      await pack().configureStack({ project: program.stack.project, stack });
      await pack().configure(join(POLICY_DIR, "config", `${stack}.json`));
      const analysis = await pack().analyzeCapturedStack(program.stack);
      assert.equal(analysis.analyzedResources, resources.length);

      const mandatory = analysis.violations.filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(mandatory.map(describeViolation), [], `mandatory violations in ${stack}`);
    });
  }
});
