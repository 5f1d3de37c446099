/**
 * Where a higher max capacity drops MORE requests, in AWS too. First, a scale-in cooldown shorter than the metric's
 * lag: a scale-in acts on a datapoint that still reflects the larger fleet, and a second scale-in on the next
 * (equally stale) datapoint removes too much. Computed by hand from the documented rules:
 * - InvocationsPerInstance: each request adds 1/(instances in service), Sum per 60-s period, a datapoint reaches
 *   the alarm 60 s after its period ends (so a datapoint describes the fleet of 60–120 s earlier);
 * - AlarmHigh: > target for 3 of 3; AlarmLow: < 0.9 × target for 15 of 15; while an alarm stays in ALARM the policy
 *   acts on every datapoint;
 * - desired = ceil(current desired × metric / target); scale-in removes instances at once;
 * - the scale-in cooldown "is used to block subsequent scale in requests until it has expired ... to protect your
 *   application's availability" and is the only guard AWS documents against this
 *   (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html).
 */
import { strict as assert } from "node:assert";
import { CONCURRENT_REQUESTS_PER_MODEL, INVOCATIONS_PER_INSTANCE } from "@ml-platform/aws-facts/capacity";
import { close, endpoint, INSTANCE, profile, run, scaling } from "./support/simulation";

const MAX_RPS = INSTANCE.maxRequestsPerSecondPerInstance; // 10
const STARTUP = INSTANCE.instanceStartupSeconds; // 300
const TARGET = 480; // invocations per instance per minute: 8 requests/s, 80 % of an instance
const LOW = 0.9 * TARGET; // 432
const PERIOD = 60;
const DELAY = 60;

describe("capacity simulator: a higher max capacity with a short scale-in cooldown", () => {
  // 12 requests/s, a spike to 30 requests/s from minute 5 to minute 10, then 12 again; two instances at the start.
  const base = 12;
  const spike = 30;
  const p = profile(40, base, [
    { atMinute: 5, rps: spike },
    { atMinute: 10, rps: base },
  ]);
  const e = (maxCapacity: number, scaleInCooldownSeconds: number) =>
    endpoint({
      initialInstanceCount: 2,
      scaling: scaling({
        minCapacity: 1,
        maxCapacity,
        metric: INVOCATIONS_PER_INSTANCE,
        targetValue: TARGET,
        scaleOutCooldownSeconds: 600,
        scaleInCooldownSeconds,
      }),
    });

  // Both fleets: 2 instances serve 20 of the spike's 30 requests/s for its 300 s; the spike's datapoints
  // (30 × 60 / 2 = 900 > 480) put AlarmHigh in ALARM at 300 + 3 × 60 + 60 = 540; max 4's new instances come in
  // service at 840, after the spike has ended at 600, so both drop the same during it. The baseline on 2 instances (12 × 60 / 2 = 360 < 432) keeps
  // AlarmLow in ALARM but ceil(2 × 360 / 480) = 2 removes nothing, so max 2 never drops again.
  const spikeDrops = (spike - 2 * MAX_RPS) * 300; // 3000
  const decision = 300 + 3 * PERIOD + DELAY; // 540: desired ceil(2 × 900 / 480) = 4

  it("drops more with max 4 than with max 2 when the scale-in cooldown is 0", () => {
    const lower = run(e(2, 0), p);
    const higher = run(e(4, 0), p);
    assert.ok(close(lower.droppedRequests, spikeDrops), `max 2 dropped ${lower.droppedRequests}`);

    // Max 4: 4 instances from 540 + 300 = 840; 12 × 60 / 4 = 180 < 432. The 15 low datapoints run from the period
    // [600, 660) to [1440, 1500), published at 1560: desired ceil(4 × 180 / 480) = 2.
    const firstScaleIn = 600 + 15 * PERIOD + DELAY; // 1560
    // With no cooldown the next datapoint, [1500, 1560) published at 1620, still counts 4 instances (180):
    // desired ceil(2 × 180 / 480) = 1, and one instance cannot serve 12 requests/s.
    const secondScaleIn = firstScaleIn + PERIOD; // 1620
    // One instance: 12 × 60 = 720 > 480 from the period [1620, 1680); AlarmHigh after 3 datapoints and the delay,
    // desired ceil(1 × 720 / 480) = 2, in service after the start-up.
    const backInService = secondScaleIn + 3 * PERIOD + DELAY + STARTUP; // 2160
    const staleDrops = (base - MAX_RPS) * (backInService - secondScaleIn); // 2 × 540 = 1080
    const activities = higher.scalingActivities.map(({ t, from, to, direction }) => ({
      t,
      from,
      to,
      direction,
    }));
    assert.deepEqual(activities, [
      { t: decision, from: 2, to: 4, direction: "out" },
      { t: firstScaleIn, from: 4, to: 2, direction: "in" },
      { t: secondScaleIn, from: 2, to: 1, direction: "in" },
      { t: backInService - STARTUP, from: 1, to: 2, direction: "out" },
    ]);
    assert.ok(
      close(higher.droppedRequests, spikeDrops + staleDrops),
      `max 4 dropped ${higher.droppedRequests}, expected ${spikeDrops + staleDrops}`,
    );
    assert.ok(higher.droppedRequests > lower.droppedRequests);
    assert.ok((base * 60) / 2 < LOW, "AlarmLow stays in ALARM at 2 instances, yet removes nothing");
  });

  it("drops no more with max 4 once the scale-in cooldown outlasts the metric's lag (period + delay)", () => {
    // A 300-s cooldown blocks the stale datapoint at 1620; the next allowed evaluation (1860) reads the period
    // [1740, 1800), measured on 2 instances: ceil(2 × 360 / 480) = 2, nothing removed.
    const lower = run(e(2, 300), p);
    const higher = run(e(4, 300), p);
    assert.ok(close(lower.droppedRequests, spikeDrops));
    assert.ok(close(higher.droppedRequests, spikeDrops), `max 4 dropped ${higher.droppedRequests}`);
    assert.equal(higher.finalInstances, 2);
  });
});

/**
 * A target above one instance's capacity on the 10-second concurrency metric, which counts requests queued in the
 * container (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html): the
 * policy scales in to the fleet the target implies, which cannot serve the load, the queue fills, and it scales out
 * again. A higher max drains the queue, looks idle, and repeats the cycle; a max that leaves the fleet exactly busy
 * keeps its queue, so its metric stays above the target and it never scales in. AlarmHigh: 3 of 3 10-s datapoints;
 * AlarmLow: < 0.9 × target for 90 of 90; a datapoint reaches the alarm 10 s after its period.
 */
describe("capacity simulator: a higher max capacity with a target above an instance's capacity", () => {
  const rps = 3;
  const instance = {
    ...INSTANCE,
    maxRequestsPerSecondPerInstance: 1,
    latencyMs: 100,
    instanceStartupSeconds: 60,
  };
  const target = 0.2; // requests in flight per instance: 2 requests/s at 100 ms, twice what an instance serves
  const queueSeconds = 5;
  const e = (maxCapacity: number) =>
    endpoint({
      initialInstanceCount: 3,
      scaling: scaling({
        minCapacity: 1,
        maxCapacity,
        metric: CONCURRENT_REQUESTS_PER_MODEL,
        targetValue: target,
        scaleOutCooldownSeconds: 300,
        scaleInCooldownSeconds: 300,
      }),
    });

  it("drops more with max 4 than with max 3: the larger fleet drains its queue and scales in again", () => {
    const p = profile(40, rps);
    const lower = run(e(3), p, { endpointQueueSeconds: queueSeconds }, instance);
    const higher = run(e(4), p, { endpointQueueSeconds: queueSeconds }, instance);
    // 3 instances serve 3 requests/s with 3 × 0.1 / 3 = 0.1 < 0.18 in flight each: after 90 low datapoints
    // ([0, 10) to [890, 900), published at 910) desired = ceil(3 × 0.1 / 0.2) = 2.
    const scaleIn = 90 * 10 + 10; // 910
    // 2 instances serve 20 of 30 requests a step and queue up to 2 × 5 = 10: the first step queues 10, every later
    // step drops 10. In flight (3 × 0.1 + 10) / 2 = 5.15 > 0.2: AlarmHigh on the datapoints of [910, 940),
    // published at 950; desired ceil(2 × 5.15 / 0.2) = 52, clamped to max; in service 60 s later.
    const scaleOut = scaleIn + 3 * 10 + 10; // 950
    const backInService = scaleOut + instance.instanceStartupSeconds; // 1010
    const cycleDrops =
      (rps - 2 * instance.maxRequestsPerSecondPerInstance) * (backInService - (scaleIn + 10)); // 90
    const cycle = (max: number, from: number) => [
      { t: from, from: max, to: 2, direction: "in" },
      { t: from + scaleOut - scaleIn, from: 2, to: max, direction: "out" },
    ];
    const activities = (r: typeof lower) =>
      r.scalingActivities.map(({ t, from, to, direction }) => ({ t, from, to, direction }));
    // Max 3: 3 instances are exactly busy at 3 requests/s, so the 10 queued requests stay: (0.3 + 10) / 3 > 0.2,
    // AlarmLow never fires again.
    assert.deepEqual(activities(lower), cycle(3, scaleIn));
    assert.ok(close(lower.droppedRequests, cycleDrops), `max 3 dropped ${lower.droppedRequests}`);
    // Max 4: the queue drains in the first step on 4 instances (0.3 / 4 = 0.075 < 0.18 in flight each), so 90 low
    // datapoints later (from [1010, 1020), published at 1920) it scales in to ceil(4 × 0.075 / 0.2) = 2 again.
    const secondScaleIn = backInService + 90 * 10 + 10; // 1920
    assert.deepEqual(activities(higher), [
      { t: scaleIn, from: 3, to: 2, direction: "in" },
      { t: scaleOut, from: 2, to: 4, direction: "out" },
      ...cycle(4, secondScaleIn),
    ]);
    assert.ok(close(higher.droppedRequests, 2 * cycleDrops), `max 4 dropped ${higher.droppedRequests}`);
  });
});
