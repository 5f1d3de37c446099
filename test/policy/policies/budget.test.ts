import { strict as assert } from "node:assert";
import { monthlyBudget } from "@ml-platform/policy/policies/budget";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { fromCaptured, messages, runStackPolicy, unknown } from "../support/harness";
import { estimateStackCost, formatUsd } from "@ml-platform/aws-facts/pricing";
import {
  BOOK,
  endpointStack,
  functionStack,
  notebookStack,
  TYPES,
} from "../../aws-facts/pricing/graph-builder";

/** A compliant stack: notebook, endpoint (min 1, max 3) and function, under a $400 budget. */
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
    assert.match(found[0]!, /stack: worst-case monthly cost is \$[\d,]+\.\d\d, over the budget of \$400\.00/);
    // The largest line: max 10 instances × 730 h at the price file's ml.m5.large hosting rate.
    const largest = formatUsd(10 * 730 * BOOK.sagemaker.hosting["ml.m5.large"]!.usd);
    assert.ok(
      found[0]!.includes(
        `largest: classifier-endpoint ml.m5.large hosting (variant AllTraffic) instance-hours ${largest}`,
      ),
      found[0],
    );
    assert.match(found[0]!, /Fix: .*raise budgetUsd/);
  });

  it("compares the worst case, not the minimum", async () => {
    const graph = endpointStack({ min: 1, max: 3 });
    const { monthlyMin, monthlyMax } = estimateStackCost(graph, { region: "us-east-1" }).totals;
    assert.ok(monthlyMin < monthlyMax, "precondition: the endpoint's cost is a range");
    const between = (monthlyMin + monthlyMax) / 2;
    const result = await runStackPolicy(monthlyBudget, outputs(graph), { config: { budgetUsd: between } });
    assert.equal(messages(result).length, 1);
    const roomy = await runStackPolicy(monthlyBudget, outputs(graph), { config: { budgetUsd: monthlyMax } });
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
    const hourly = BOOK.ec2.onDemandLinux["p3.2xlarge"]!.usd;
    const volume = 100 * BOOK.ebs.gp3GbMonth!.usd;
    assert.ok(
      730 * hourly + volume > 1000 && 100 * hourly + volume < 1000,
      "precondition: the default budget lies between",
    );
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

describe("policy monthly-budget: resources it cannot price", () => {
  const alarm = {
    type: TYPES.alarm,
    name: "rollback-alarm",
    urn: "urn:pulumi:dev::ml-platform::aws:cloudwatch/metricAlarm:MetricAlarm::rollback-alarm",
    props: { metricName: "Invocation5XXErrors" },
  };
  const database = {
    type: "aws:rds/instance:Instance",
    name: "metadata-db",
    urn: "urn:pulumi:dev::ml-platform::aws:rds/instance:Instance::metadata-db",
    props: { instanceClass: "db.r5.24xlarge", allocatedStorage: 10_000 },
  };

  it("declares acceptedUnpriced with an empty default and an item schema that needs a reason", () => {
    const schema = monthlyBudget.configSchema!.properties!.acceptedUnpriced as {
      default: unknown;
      items: { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean };
    };
    assert.deepEqual(schema.default, []);
    assert.deepEqual(schema.items.required, ["reason"]);
    assert.deepEqual(Object.keys(schema.items.properties).sort(), ["reason", "resource", "type"]);
    assert.equal(schema.items.additionalProperties, false);
  });

  it("makes the verdict unknown, naming the resource, when a costly type has no cost model, even far under budget", async () => {
    const result = await runStackPolicy(monthlyBudget, [...outputs(stack()), database], {
      config: { budgetUsd: 1_000_000 },
    });
    const found = result.violations;
    assert.equal(found.length, 1, messages(result).join("\n"));
    assert.match(found[0]!.message, /aws:rds\/instance:Instance "metadata-db": monthly cost is unknown/);
    assert.match(found[0]!.message, /budget verdict of \$1,000,000\.00 is unknown, not a pass/);
    assert.match(found[0]!.message, /acceptedUnpriced/);
    assert.equal(found[0]!.urn, database.urn);
  });

  it("does not count free types (IAM, security groups, launch templates) as unpriced", async () => {
    const free = [TYPES.role, TYPES.securityGroup, TYPES.launchTemplate].map((type, i) => ({
      type,
      name: `free-${i}`,
      urn: `urn:pulumi:dev::ml-platform::${type}::free-${i}`,
      props: {},
    }));
    const result = await runStackPolicy(monthlyBudget, [...outputs(stack()), ...free], {
      config: { budgetUsd: 400 },
    });
    assert.deepEqual(messages(result), []);
  });

  it("accepts an unpriced type or resource listed with a reason, and says how many it left out", async () => {
    const byType = await runStackPolicy(monthlyBudget, [...outputs(stack()), alarm], {
      config: { budgetUsd: 400, acceptedUnpriced: [{ type: TYPES.alarm, reason: "$0.10 per alarm-month" }] },
    });
    assert.deepEqual(messages(byType), []);
    const byName = await runStackPolicy(monthlyBudget, [...outputs(stack({ max: 10 })), alarm, database], {
      config: {
        budgetUsd: 400,
        acceptedUnpriced: [
          { resource: "rollback-alarm", reason: "cents" },
          { resource: database.urn, reason: "billed to the data platform's budget" },
        ],
      },
    });
    const found = messages(byName);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0]!, /over the budget .*2 accepted unpriced resources left out/);
  });

  it("accepts a known type's unknown price the same way", async () => {
    const graph = outputs(stack({ instanceType: "ml.m4.xlarge" }));
    const result = await runStackPolicy(monthlyBudget, graph, {
      config: {
        budgetUsd: 5000,
        acceptedUnpriced: [{ resource: "classifier-endpoint", reason: "priced by hand" }],
      },
    });
    assert.deepEqual(messages(result), []);
  });

  it("rejects malformed acceptedUnpriced entries by index and rule, and does not honour them", async () => {
    // Shape errors come from the config's JSON schema (checked first, all at once) ...
    const shape = await runStackPolicy(monthlyBudget, [alarm], {
      config: {
        acceptedUnpriced: [{ type: TYPES.alarm }, { resource: "x", reason: "y", note: "extra" }],
      },
    });
    const shapeText = messages(shape).join("\n");
    assert.match(shapeText, /acceptedUnpriced\[0\]" must have required property 'reason'/);
    assert.match(shapeText, /acceptedUnpriced\[1\]" must NOT have additional properties/);
    assert.match(
      shapeText,
      /rollback-alarm": monthly cost is unknown/,
      "no malformed entry accepts the alarm",
    );
    // ... and the rules a schema cannot say from the policy's own check.
    const rules = await runStackPolicy(monthlyBudget, [alarm], {
      config: {
        acceptedUnpriced: [
          { type: TYPES.alarm, resource: "rollback-alarm", reason: "both" },
          { type: "MetricAlarm", reason: "not a token" },
          { type: TYPES.alarm, reason: "   " },
        ],
      },
    });
    const rulesText = messages(rules).join("\n");
    assert.match(rulesText, /acceptedUnpriced\[0\] must name exactly one of type .* or resource/);
    assert.match(rulesText, /acceptedUnpriced\[1\]\.type must be a type token/);
    assert.match(rulesText, /acceptedUnpriced\[2\]\.reason must say why/);
    assert.match(
      rulesText,
      /rollback-alarm": monthly cost is unknown/,
      "no malformed entry accepts the alarm",
    );
  });
});
