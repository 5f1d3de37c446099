import { strict as assert } from "node:assert";
import { endpointCapacity } from "@ml-platform/policy/policies/capacity";
import type { CapturedResource } from "../../../tools/lib/resource-graph";
import { capacityStack } from "../../aws-facts/capacity/support/graph";
import { fromCaptured, messages, runStackPolicy, unknown } from "../support/harness";

const outputs = (graph: CapturedResource[]) => graph.map((r) => fromCaptured(r, "outputs"));

/** Prod's spike: 4 → 20 requests/s for 15 minutes. */
const SPIKE = {
  name: "5x spike",
  durationMinutes: 60,
  baselineRps: 4,
  steps: [
    { atMinute: 10, rps: 20 },
    { atMinute: 25, rps: 4 },
  ],
};

describe("policy endpoint-capacity", () => {
  it("declares metadata and ships the steady, 5x spike and daily peak profiles", () => {
    assert.equal(endpointCapacity.name, "endpoint-capacity");
    assert.equal(endpointCapacity.enforcementLevel, "advisory");
    assert.equal(endpointCapacity.url, "docs/policies.md#endpoint-capacity");
    const props = endpointCapacity.configSchema!.properties!;
    const profiles = (props.profiles as { default: { name: string }[] }).default;
    assert.deepEqual(
      profiles.map((p) => p.name),
      ["steady", "5x spike", "daily peak"],
    );
  });

  it("stays quiet when the fleet absorbs the spike", async () => {
    // 3 × ml.c5.xlarge at 8 requests/s each = 24 ≥ 20; the function needs 20 × 0.425 s = 8.5 ≤ 50.
    const result = await runStackPolicy(endpointCapacity, outputs(capacityStack({ min: 3, initial: 3 })), {
      config: { profiles: [SPIKE] },
    });
    assert.deepEqual(messages(result), []);
  });

  it("reports a spike the fleet cannot absorb, with the figures and the fixes", async () => {
    // 2 × 8 = 16 < 20 requests/s. AlarmHigh sees minutes 10, 11 and 12 above 240 at 14:00 (3 datapoints + 60 s
    // delay); the new instances serve 300 s later, at 19:00: 4 requests/s dropped for 540 s = 2160 of
    // 4 × 600 + 20 × 900 + 4 × 2100 = 28800 offered (7.5 %).
    const result = await runStackPolicy(endpointCapacity, outputs(capacityStack({ min: 2, initial: 2 })), {
      config: { profiles: [SPIKE], checkedProfiles: ["5x spike"] },
    });
    const found = messages(result);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0],
      /aws:sagemaker\/endpoint:Endpoint "api": capacity\["5x spike"\] cannot absorb profile "5x spike"/,
    );
    assert.match(found[0], /drops 2160 of 28800 requests \(7\.5%, limit 1\.0%\)/);
    assert.match(
      found[0],
      /exceeded the target at 10:00, the first scale-out was decided at 14:00 and served from 19:00/,
    );
    assert.match(found[0], /Fix: .*raise minCapacity/);
  });

  it("enforces only the checked profiles", async () => {
    const result = await runStackPolicy(endpointCapacity, outputs(capacityStack({ min: 2, initial: 2 })), {
      config: {
        profiles: [SPIKE, { name: "steady", durationMinutes: 30, baselineRps: 4 }],
        checkedProfiles: ["steady"],
      },
    });
    assert.deepEqual(messages(result), []);
  });

  it("reports throttling at the function and the reserved concurrency it needs", async () => {
    // 20 requests/s × (300 ms own work + 125 ms endpoint latency) = 8.5 concurrent executions > 4 reserved.
    const result = await runStackPolicy(
      endpointCapacity,
      outputs(capacityStack({ min: 3, initial: 3, reserved: 4, provisioned: 0 })),
      { config: { profiles: [SPIKE] } },
    );
    const found = messages(result);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /throttles \d+ requests at the function/);
    assert.match(found[0], /raise the function's reserved concurrency to at least 9 \(now 4\)/);
  });

  it("fails closed on an endpoint whose instance type is unknown, and on a type without figures", async () => {
    const unknownType = await runStackPolicy(
      endpointCapacity,
      outputs(capacityStack({ instanceType: unknown.string })),
    );
    assert.match(messages(unknownType)[0], /"api": capacity cannot be checked: .*instance type .* unknown/);
    const noFigures = await runStackPolicy(
      endpointCapacity,
      outputs(capacityStack({ instanceType: "ml.r5.large" })),
    );
    assert.match(
      messages(noFigures)[0],
      /no capacity figures for ml\.r5\.large: add them .*assumptions\.instanceTypes\["ml\.r5\.large"\]/,
    );
  });

  it("reports an invalid profile in its config, naming the field", async () => {
    const result = await runStackPolicy(endpointCapacity, outputs(capacityStack({ min: 3, initial: 3 })), {
      config: { profiles: [{ ...SPIKE, durationMinutes: 0 }] },
    });
    assert.match(
      messages(result).join("\n"),
      /"endpoint-capacity" is invalid: config property "profiles\[0\]\.durationMinutes" must be > 0/,
    );
  });
});
