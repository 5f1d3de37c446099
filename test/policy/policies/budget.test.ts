import { strict as assert } from "node:assert";
import { monthlyBudget } from "@ml-platform/policy/policies/budget";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { fromCaptured, messages, runStackPolicy, unknown } from "../support/harness";
import { endpointStack, functionStack, notebookStack, TYPES } from "../../aws-facts/pricing/graph-builder";

/** A compliant stack: notebook, endpoint (min 1, max 3) and function: worst case about $300/month. */
function stack(overrides: { instanceType?: string; max?: number } = {}): CapturedResource[] {
  return [
    ...notebookStack({ volumeSize: 50 }),
    ...endpointStack({ min: 1, max: overrides.max ?? 3, instanceType: overrides.instanceType }),
    ...functionStack(128, 3),
  ];
}

const outputs = (graph: CapturedResource[]) => graph.map((r) => fromCaptured(r, "outputs"));

describe("policy monthly-budget", () => {
  it("declares metadata, a docs anchor and a config schema with defaults", () => {
    assert.equal(monthlyBudget.name, "monthly-budget");
    assert.equal(monthlyBudget.enforcementLevel, "advisory");
    assert.ok(monthlyBudget.remediationSteps);
    assert.equal(monthlyBudget.url, "docs/policies.md#monthly-budget");
    const props = monthlyBudget.configSchema!.properties!;
    assert.equal((props.budgetUsd as { default: number }).default, 1000);
    assert.equal((props.region as { default: string }).default, "us-east-1");
    assert.deepEqual((props.assumptions as { default: object }).default, {});
  });

  it("stays quiet under the budget", async () => {
    const result = await runStackPolicy(monthlyBudget, outputs(stack()), { config: { budgetUsd: 400 } });
    assert.deepEqual(messages(result), []);
    assert.equal(result.notApplicable, undefined);
  });

  it("fires over the budget, naming the worst case, the budget and the largest items", async () => {
    const result = await runStackPolicy(monthlyBudget, outputs(stack({ max: 10 })), {
      config: { budgetUsd: 400 },
    });
    const found = messages(result);
    assert.equal(found.length, 1, found.join("\n"));
    // max 10 × $0.115 × 730 = $839.50 of instance-hours alone
    assert.match(
      found[0]!,
      /stack: worst-case monthly cost is \$\d{3},?\d*\.\d\d, over the budget of \$400\.00/,
    );
    assert.match(
      found[0]!,
      /largest: classifier-endpoint ml\.m5\.large hosting \(variant AllTraffic\) instance-hours \$839\.50/,
    );
    assert.match(found[0]!, /Fix: .*raise budgetUsd/);
  });

  it("compares the worst case, not the minimum", async () => {
    // min $83.95, max $251.85 for the endpoint: a $200 budget lies between the two.
    const graph = endpointStack({ min: 1, max: 3 });
    const result = await runStackPolicy(monthlyBudget, outputs(graph), { config: { budgetUsd: 200 } });
    assert.equal(messages(result).length, 1);
    const roomy = await runStackPolicy(monthlyBudget, outputs(graph), { config: { budgetUsd: 300 } });
    assert.deepEqual(messages(roomy), []);
  });

  it("applies assumption overrides from config", async () => {
    const host = [
      {
        type: TYPES.instance,
        name: "trainer",
        props: { instanceType: "p3.2xlarge", rootBlockDevice: { volumeSize: 100, volumeType: "gp3" } },
      },
    ];
    // 730 h × $3.06 = $2,233.80 > $1,000; 100 h × $3.06 = $306 + $8 root volume.
    const always = await runStackPolicy(monthlyBudget, host, {});
    assert.equal(messages(always).length, 1);
    const partTime = await runStackPolicy(monthlyBudget, host, {
      config: { assumptions: { trainingHostHoursPerMonth: 100 } },
    });
    assert.deepEqual(messages(partTime), []);
  });

  it("reports unknown prices on the resource, never ignoring them, even under budget", async () => {
    const result = await runStackPolicy(monthlyBudget, outputs(stack({ instanceType: "ml.m4.xlarge" })), {
      config: { budgetUsd: 5000 },
    });
    const found = result.violations;
    assert.equal(found.length, 1, messages(result).join("\n"));
    assert.match(
      found[0]!.message,
      /aws:sagemaker\/endpoint:Endpoint "classifier-endpoint": monthly cost has an unknown price/,
    );
    assert.match(found[0]!.message, /ml\.m4\.xlarge/);
    assert.match(found[0]!.message, /cannot be verified/);
    assert.match(found[0]!.urn!, /classifier-endpoint$/);
  });

  it("reports an unknown region instead of passing with a zero total", async () => {
    const result = await runStackPolicy(monthlyBudget, outputs(notebookStack({})), {
      config: { region: "eu-west-3" },
    });
    assert.equal(result.violations.length, 1);
    assert.match(result.violations[0]!.message, /no price file for region eu-west-3/);
  });

  it("fails closed when a price input is unknown during preview", async () => {
    const graph = outputs(notebookStack({})).map((r) =>
      r.type === TYPES.notebook ? { ...r, props: { ...r.props, instanceType: unknown.string } } : r,
    );
    const result = await runStackPolicy(monthlyBudget, graph, {});
    assert.equal(result.deferred, undefined);
    assert.match(messages(result).join("\n"), /instance type is not known until apply/);
  });

  it("leaves an exempt resource out of the total and says so", async () => {
    const graph = outputs(stack({ max: 10 })).map((r) =>
      r.type === TYPES.endpoint
        ? {
            ...r,
            props: {
              ...r.props,
              tags: { "ml-platform:policy-exempt:monthly-budget": "load test week, approved by FinOps" },
            },
          }
        : r,
    );
    const result = await runStackPolicy(monthlyBudget, graph, { config: { budgetUsd: 400 } });
    assert.deepEqual(messages(result), []);
    const tight = await runStackPolicy(monthlyBudget, graph, { config: { budgetUsd: 20 } });
    assert.match(messages(tight)[0]!, /1 exempt resource left out/);
  });

  it("reports invalid assumptions in config by name, and checks with the defaults meanwhile", async () => {
    const result = await runStackPolicy(monthlyBudget, outputs(stack()), {
      config: { budgetUsd: 400, assumptions: { trainingHostHoursPerMonth: 1000 } },
    });
    const found = messages(result);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0]!, /policy config "monthly-budget" is invalid: .*trainingHostHoursPerMonth/);
  });
});
