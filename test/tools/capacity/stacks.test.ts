/**
 * The repository's stacks under the capacity check: the program run under the mock runtime, the settings from
 * policy/config/<stack>.json, and the verdicts the endpoint-capacity policy gives on the same graph. Prod must
 * absorb its 5x spike; with the two instances it once had, it does not.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { endpointCapacity } from "@ml-platform/policy/policies/capacity";
import { REPO_ROOT, runProgram, type RunProgramSuccess } from "../../../tools/lib/program-runner";
import { readCapacitySettings, simulateCapacity } from "../../../tools/capacity/report";
import { fromCaptured, messages, runStackPolicy } from "../../policy/support/harness";

const policyConfig = (stack: string) => join(REPO_ROOT, "policy", "config", `${stack}.json`);

async function capture(stack: string, configFile?: string): Promise<RunProgramSuccess> {
  const result = await runProgram({ stack, ...(configFile ? { configFile } : {}) });
  assert.ok(result.ok, result.ok ? "" : result.message);
  return result;
}

function section(run: RunProgramSuccess, stack: string) {
  const s = simulateCapacity(run.stack.resources, readCapacitySettings(policyConfig(stack)), "us-east-1");
  assert.equal(s.status, "ok");
  if (s.status !== "ok") throw new Error("unreachable");
  assert.equal(s.endpoints.length, 1);
  return { section: s, endpoint: s.endpoints[0] };
}

async function policyMessages(run: RunProgramSuccess, stack: string) {
  const config = JSON.parse(readFileSync(policyConfig(stack), "utf8"))["endpoint-capacity"];
  const result = await runStackPolicy(
    endpointCapacity,
    run.stack.resources.map((r) => fromCaptured(r, "outputs")),
    { config },
  );
  return messages(result);
}

describe("capacity of the dev and prod stacks", function () {
  this.timeout(120_000);
  let dev: RunProgramSuccess;
  let prod: RunProgramSuccess;
  const temps: string[] = [];
  before(async () => {
    [dev, prod] = await Promise.all([capture("dev"), capture("prod")]);
  });
  after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("dev: advisory, three default profiles, the 5x spike absorbed by scaling to 2 instances", async () => {
    const { section: s, endpoint } = section(dev, "dev");
    assert.equal(s.enforcementLevel, "advisory");
    assert.deepEqual(
      endpoint.profiles.map((p) => p.name),
      ["steady", "5x spike", "daily peak"],
    );
    assert.equal(endpoint.assumptions.instanceType, "ml.m5.large");
    const spike = endpoint.profiles[1];
    // 1 → 5 requests/s; one ml.m5.large serves 5: nothing is dropped, and the function needs 5 × 0.5 s = 2.5 ≤ 5.
    assert.equal(spike.droppedRequests, 0);
    assert.equal(spike.throttledRequests, 0);
    // Target 150 per minute: the ramp's minute averages 3 requests/s (180), so AlarmHigh fires at 10:00 + 3 min +
    // 60 s; desired = ceil(1 × 180 / 150) = 2.
    assert.equal(spike.firstScaleOutDecisionSeconds, 600 + 180 + 60);
    assert.equal(spike.peakInstances, 2);
    assert.deepEqual(await policyMessages(dev, "dev"), []);
  });

  it("prod: mandatory, checks the 5x spike, and absorbs it with three instances", async () => {
    const { section: s, endpoint } = section(prod, "prod");
    assert.equal(s.enforcementLevel, "mandatory");
    assert.deepEqual(s.checkedProfiles, ["5x spike"]);
    const spike = endpoint.profiles.find((p) => p.name === "5x spike")!;
    assert.equal(endpoint.inputs.scaling?.minCapacity, 3);
    // 3 × 8 requests/s ≥ 20.
    assert.equal(spike.droppedRequests, 0);
    assert.equal(spike.throttledRequests, 0);
    assert.deepEqual(endpoint.shortfalls, []);
    assert.deepEqual(await policyMessages(prod, "prod"), []);
  });

  it("prod with two instances drops about 7 % of its spike and the policy reports it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capacity-"));
    temps.push(dir);
    const doc = parseDocument(readFileSync(join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    doc.setIn(["config", "ml-platform:endpoint", "minCapacity"], 2);
    doc.setIn(["config", "ml-platform:endpoint", "initialInstanceCount"], 2);
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, doc.toString());
    const two = await capture("prod", file);
    const { endpoint } = section(two, "prod");
    const spike = endpoint.profiles.find((p) => p.name === "5x spike")!;
    // 2 × 8 = 16 < 20 from 10:45 (on the ramp) until the new instances serve at 19:00.
    assert.ok(spike.droppedPercent > 5 && spike.droppedPercent < 8, `${spike.droppedPercent}%`);
    assert.equal(spike.firstScaleOutInServiceSeconds, 19 * 60);
    const found = await policyMessages(two, "prod");
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /cannot absorb profile "5x spike"/);
    assert.match(found[0], /raise minCapacity/);
  });
});
