import { strict as assert } from "node:assert";
import { estimateStackCost, formatCostTable, type StackCostEstimate } from "@ml-platform/aws-facts/pricing";
import { monthlyBudget } from "@ml-platform/policy/policies/budget";
import { readStackPolicyConfig } from "../../../tools/analyzer/policy-config";
import { runProgram } from "../../../tools/lib/program-runner";
import { fromCaptured, runStackPolicy } from "../../policy/support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** The stack's monthly-budget settings from policy/config/<stack>.json. */
const budgetConfig = (stack: string) =>
  readStackPolicyConfig(stack).entryFor("monthly-budget").properties as { budgetUsd: number };

describe("pricing: the repository's own stacks", function () {
  this.timeout(120_000);

  for (const stack of ["dev", "prod"]) {
    describe(stack, () => {
      let estimate: StackCostEstimate;
      let resources: Awaited<ReturnType<typeof runProgram>>;
      before(async () => {
        resources = await runProgram({ stack });
        assert.ok(resources.ok, resources.ok ? "" : resources.message);
        estimate = estimateStackCost(resources.stack.resources, { region: resources.config["aws:region"] });
      });

      it("prices the notebook, training host, endpoint, function, keys, bucket and logs", () => {
        const types = new Set(estimate.lines.map((l) => l.type));
        for (const type of [
          AWS_TYPES.sagemakerNotebookInstance,
          AWS_TYPES.ec2Instance,
          AWS_TYPES.sagemakerEndpoint,
          AWS_TYPES.lambdaFunction,
          AWS_TYPES.lambdaProvisionedConcurrencyConfig,
          AWS_TYPES.kmsKey,
          AWS_TYPES.s3Bucket,
          AWS_TYPES.cloudwatchLogGroup,
        ]) {
          assert.ok(types.has(type), `${type} missing from\n${formatCostTable(estimate)}`);
        }
        const notebook = estimate.lines.find((l) => /notebook instance-hours/.test(l.description))!;
        // Both stacks set idleStopMinutes; the component tags its lifecycle configuration with the minutes.
        assert.match(
          notebook.basis,
          /idle auto-stop attached \(lifecycle configuration .*, stops after \d+ idle minutes\)/,
        );
        const endpoint = estimate.lines.find((l) => /hosting.*instance-hours/.test(l.description))!;
        assert.match(endpoint.basis, /min capacity \d+ to max capacity \d+/); // the scalable target was linked
      });

      it("stays within the budget in policy/config, with every unknown price explained", () => {
        const { budgetUsd } = budgetConfig(stack);
        assert.ok(estimate.totals.monthlyMax <= budgetUsd, `${estimate.totals.monthlyMax} > ${budgetUsd}`);
        for (const line of estimate.lines.filter((l) => l.status === "unknown")) {
          assert.match(line.reason!, /^unknown (price|quantity): /);
        }
      });

      it("gives the same worst case through the budget policy as through the preview's call", async () => {
        assert.ok(resources.ok, "the program ran (checked in before)");
        const graph = resources.stack.resources.map((r) => fromCaptured(r, "outputs"));
        const { budgetUsd } = budgetConfig(stack);
        const over = await runStackPolicy(monthlyBudget, graph, {
          config: { budgetUsd: estimate.totals.monthlyMax - 1 },
        });
        assert.ok(over.violations.some((v) => /over the budget/.test(v.message)));
        const under = await runStackPolicy(monthlyBudget, graph, { config: { budgetUsd } });
        assert.ok(!under.violations.some((v) => /over the budget/.test(v.message)));
      });
    });
  }

  it("prices the dev stack completely", async () => {
    const result = await runProgram({ stack: "dev" });
    assert.ok(result.ok);
    const estimate = estimateStackCost(result.stack.resources, { region: "us-east-1" });
    assert.equal(estimate.totals.unknownCount, 0, formatCostTable(estimate));
  });
});
