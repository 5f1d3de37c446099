/**
 * The preview's cost section (tools/preview/cost.ts): the budget it shows must be the one the `monthly-budget`
 * policy applies, including the policy's default when the stack's policy config sets none.
 */
import { strict as assert } from "node:assert";
import { estimateStackCost } from "@ml-platform/aws-facts/pricing";
import { monthlyBudget } from "@ml-platform/policy/policies/budget";
import { estimateCost, formatCost, type CostSection } from "../../../tools/preview/cost";
import { endpointStack } from "../../aws-facts/pricing/graph-builder";

// ml.m5.large, min 1, max 3: a range of instance-hours plus ML storage.
const graph = endpointStack({ min: 1, max: 3 });
const { monthlyMin, monthlyMax } = estimateStackCost(graph, { region: "us-east-1" }).totals;

function ok(section: CostSection): Extract<CostSection, { status: "ok" }> {
  assert.equal(section.status, "ok", JSON.stringify(section));
  return section as Extract<CostSection, { status: "ok" }>;
}

describe("preview: cost section", () => {
  it("compares the worst case with the policy config's budget", () => {
    const under = ok(estimateCost(graph, { region: "us-east-1", budgetUsd: monthlyMax }));
    assert.equal(under.budgetUsd, monthlyMax);
    assert.equal(under.withinBudget, true);
    const between = (monthlyMin + monthlyMax) / 2;
    const over = ok(estimateCost(graph, { region: "us-east-1", budgetUsd: between }));
    assert.ok(
      over.monthlyMin < between && over.monthlyMax > between,
      `${over.monthlyMin} – ${over.monthlyMax}`,
    );
    assert.equal(over.withinBudget, false, "the worst case counts, not the minimum");
  });

  it("without a budget in the policy config, shows the budget the policy applies by default", () => {
    const policyDefault = (monthlyBudget.configSchema!.properties!.budgetUsd as { default: number }).default;
    const section = ok(estimateCost(graph, { region: "us-east-1" }));
    assert.equal(section.budgetUsd, policyDefault);
    assert.equal(section.withinBudget, section.monthlyMax <= policyDefault);
  });

  it("shows no budget when the policy config disables monthly-budget", () => {
    const section = ok(estimateCost(graph, { region: "us-east-1", budgetUsd: 10, budgetChecked: false }));
    assert.equal(section.budgetUsd, undefined);
    assert.equal(section.withinBudget, undefined);
  });

  it("reports an unknown region's lines as unknown prices, not as a zero-cost stack", () => {
    const section = ok(estimateCost(graph, { region: "eu-west-3" }));
    assert.ok(section.unknownCount > 0);
    assert.equal(section.monthlyMax, 0);
    assert.match(formatCost(section), /unknown price/);
    assert.match(formatCost(section), /\+ \d+ unknown/);
  });

  it("turns an invalid assumption into an error section naming the field, not a crash", () => {
    const section = estimateCost(graph, {
      region: "us-east-1",
      assumptions: { trainingHostHoursPerMonth: 1000 },
    });
    assert.equal(section.status, "error");
    assert.match(formatCost(section), /^Cost estimate failed: .*trainingHostHoursPerMonth/);
  });
});
