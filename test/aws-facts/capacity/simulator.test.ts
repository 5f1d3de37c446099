/**
 * The simulator on cases with answers computed by hand from the documented rules:
 * - InvocationsPerInstance: each request adds 1/(instances in service); target tracking reads its Sum per minute;
 * - AlarmHigh: > target for 3 of 3 one-minute datapoints; AlarmLow: < 0.9 × target for 15 of 15; a datapoint
 *   reaches the alarm `delay` seconds after its minute ends;
 * - desired = ceil(capacity × metric / target), clamped to [min, max]; cooldowns as Application Auto Scaling
 *   documents them; new instances serve after the start-up time;
 * - Lambda concurrency = rate × duration, capped by reserved concurrency.
 */
import { strict as assert } from "node:assert";
import { CONCURRENT_REQUESTS_PER_MODEL } from "@ml-platform/aws-facts/capacity";
import { close, endpoint, fn, INSTANCE, profile, run, scaling } from "./support/simulation";

const MAX_RPS = INSTANCE.maxRequestsPerSecondPerInstance; // 10
const STARTUP = INSTANCE.instanceStartupSeconds; // 300
const TARGET = 300; // invocations per instance per minute (5 requests/s)
const DELAY = 60; // the standard metric's publication delay in these tests
const HIGH_DATAPOINTS = 3;
const LOW_DATAPOINTS = 15;
const LOW_RATIO = 0.9;

/** When AlarmHigh first sees `n` breaching one-minute datapoints, the first of which starts at `breach`. */
const alarmAfter = (breach: number, n: number, period = 60, delay = DELAY) => breach + n * period + delay;

describe("capacity simulator: hand-computed cases", () => {
  it("serves a steady load under the target without scaling or dropping", () => {
    const rps = 4; // 240 per instance per minute < 300
    const minutes = 30;
    const r = run(endpoint({ scaling: scaling() }), profile(minutes, rps));
    assert.equal(r.offeredRequests, rps * minutes * 60);
    assert.equal(r.servedRequests, rps * minutes * 60);
    assert.equal(r.droppedRequests, 0);
    assert.equal(r.throttledRequests, 0);
    assert.equal(r.firstBreachSeconds, null);
    assert.equal(r.firstScaleOutDecisionSeconds, null);
    assert.deepEqual(r.scalingActivities, []);
    assert.equal(r.peakInstances, 1);
    assert.ok(close(r.instanceHours, minutes / 60));
    assert.equal(r.timeline.length, (minutes * 60) / 10, "one entry per 10-second step");
  });

  it("drops the excess times the duration when a step exceeds one instance with scaling off", () => {
    const base = 5;
    const spike = 15;
    const spikeSeconds = 600;
    const r = run(
      endpoint(),
      profile(30, base, [
        { atMinute: 10, rps: spike },
        { atMinute: 20, rps: base },
      ]),
    );
    const offered = base * 1200 + spike * spikeSeconds;
    const dropped = (spike - MAX_RPS) * spikeSeconds;
    assert.equal(r.offeredRequests, offered);
    assert.ok(close(r.droppedRequests, dropped), `dropped ${r.droppedRequests}, expected ${dropped}`);
    assert.ok(close(r.servedRequests, offered - dropped));
    assert.equal(r.peakInstances, 1);
    assert.equal(r.firstScaleOutDecisionSeconds, null);
  });

  describe("a step that breaches the target", () => {
    const base = 4;
    const spike = 15;
    const breach = 600; // the step at minute 10
    const p = profile(40, base, [{ atMinute: 10, rps: spike }]);

    it("decides after the alarm's datapoints, serves after the start-up, and drops in between", () => {
      const r = run(endpoint({ scaling: scaling() }), p);
      // 15 requests/s on one instance: 900 per minute > 300 (rejected requests reach the endpoint and count).
      const decision = alarmAfter(breach, HIGH_DATAPOINTS); // 600 + 180 + 60 = 840
      const desired = Math.ceil((1 * (spike * 60)) / TARGET); // ceil(900/300) = 3
      const inService = decision + STARTUP; // 1140
      const dropped = (spike - MAX_RPS) * (inService - breach); // 5 × 540 = 2700
      assert.equal(r.firstBreachSeconds, breach);
      assert.equal(r.firstScaleOutDecisionSeconds, decision);
      assert.equal(r.firstScaleOutInServiceSeconds, inService);
      assert.equal(r.breachToScaleOutDecisionSeconds, decision - breach); // 240 s: 3 datapoints + 60 s delay
      assert.equal(r.breachToScaleOutInServiceSeconds, inService - breach); // 540 s
      assert.deepEqual(
        r.scalingActivities.map((a) => [a.t, a.from, a.to]),
        [[decision, 1, desired]],
        "the 600-s cooldown outlasts the start-up, and 3 instances hold the metric at the target",
      );
      assert.ok(close(r.droppedRequests, dropped), `dropped ${r.droppedRequests}, expected ${dropped}`);
      assert.equal(r.timeline.find((e) => e.t === inService)!.inServiceInstances, desired);
      assert.equal(r.timeline.find((e) => e.t === inService - 10)!.inServiceInstances, 1);
    });

    it("scales again when a scale-out cooldown shorter than the start-up ends (the metric still counts one instance)", () => {
      const cooldown = 60;
      const r = run(endpoint({ scaling: scaling({ scaleOutCooldownSeconds: cooldown }) }), p);
      const first = alarmAfter(breach, HIGH_DATAPOINTS);
      // After the cooldown the desired count (3) is the capacity: ceil(3 × 900 / 300) = 9, clamped to max 4.
      const second = first + cooldown;
      assert.deepEqual(
        r.scalingActivities.filter((a) => a.direction === "out").map((a) => [a.t, a.to]),
        [
          [first, 3],
          [second, Math.min(4, Math.ceil((3 * 900) / TARGET))],
        ],
      );
      assert.equal(r.peakInstances, 4);
      // Four instances then see 900 / 4 = 225 < 270 per minute from minute 20 (all four in service at 1200):
      // the 15th low datapoint is published at 1200 + 900 + 60, and ceil(4 × 225 / 300) = 3.
      const scaleIn = r.scalingActivities.find((a) => a.direction === "in");
      assert.deepEqual([scaleIn?.t, scaleIn?.to], [second + STARTUP + LOW_DATAPOINTS * 60 + DELAY, 3]);
    });

    it("does not scale again while the alarm stays in ALARM when acting only on entering it", () => {
      const r = run(endpoint({ scaling: scaling({ scaleOutCooldownSeconds: 60 }) }), p, {
        actWhileInAlarm: false,
      });
      assert.deepEqual(
        r.scalingActivities.filter((a) => a.direction === "out").map((a) => [a.t, a.to]),
        [[alarmAfter(breach, HIGH_DATAPOINTS), 3]],
      );
    });

    it("reacts sooner on the 10-second concurrency metric (3 datapoints of 10 s)", () => {
      const target = 1; // concurrent requests per model
      const r = run(
        endpoint({ scaling: scaling({ metric: CONCURRENT_REQUESTS_PER_MODEL, targetValue: target }) }),
        p,
      );
      // Little's law: 15 requests/s × 0.1 s = 1.5 concurrent requests on the one instance > 1.
      const decision = alarmAfter(breach, HIGH_DATAPOINTS, 10, 10); // 600 + 30 + 10 = 640
      const desired = Math.ceil((1 * spike * (INSTANCE.latencyMs / 1000)) / target); // 2
      assert.equal(r.firstScaleOutDecisionSeconds, decision);
      assert.equal(r.scalingActivities[0].to, desired);
      assert.equal(r.firstScaleOutInServiceSeconds, decision + STARTUP);
      assert.ok(close(r.droppedRequests, (spike - MAX_RPS) * (decision + STARTUP - breach))); // 5 × 340
    });
  });

  it("handles a spike that ends during the scale-out cooldown: no second scale-out, instances arrive late", () => {
    const base = 4;
    const spike = 15;
    const r = run(
      endpoint({ scaling: scaling({ scaleOutCooldownSeconds: 600 }) }),
      profile(40, base, [
        { atMinute: 10, rps: spike },
        { atMinute: 14, rps: base },
      ]),
    );
    const decision = alarmAfter(600, HIGH_DATAPOINTS); // 840, when the spike ends
    const inService = decision + STARTUP; // 1140
    // Low alarm: from [840, 900) every minute is < 270 (240 on one instance, then 80 on three); the 15th low
    // datapoint ends at 1740 and is published at 1800: desired = ceil(3 × 80 / 300) = 1.
    const scaleIn = 840 + LOW_DATAPOINTS * 60 + DELAY;
    assert.ok(base * 60 < LOW_RATIO * TARGET && (base * 60) / 3 < LOW_RATIO * TARGET);
    assert.deepEqual(
      r.scalingActivities.map((a) => [a.t, a.direction, a.to]),
      [
        [decision, "out", 3],
        [scaleIn, "in", Math.ceil((3 * ((base * 60) / 3)) / TARGET)],
      ],
    );
    assert.equal(r.firstScaleOutInServiceSeconds, inService);
    assert.ok(close(r.droppedRequests, (spike - MAX_RPS) * 240), "drops only while the spike lasts");
    assert.equal(r.finalInstances, 1);
  });

  it("scales in slowly: only after the low alarm's datapoints, never during the scale-in cooldown, never below min", () => {
    const cooldown = 600;
    const min = 2;
    const r = run(
      endpoint({
        initialInstanceCount: 6,
        scaling: scaling({ minCapacity: min, maxCapacity: 6, scaleInCooldownSeconds: cooldown }),
      }),
      profile(45, 12, [
        { atMinute: 20, rps: 6 },
        { atMinute: 30, rps: 1 },
      ]),
    );
    // 12 requests/s on 6 instances: 120 per instance per minute < 270 from the first minute.
    const firstScaleIn = LOW_DATAPOINTS * 60 + DELAY; // 960
    const toFirst = Math.ceil((6 * 120) / TARGET); // ceil(2.4) = 3
    // On 3 instances 12 requests/s is 240 < 270: the alarm stays in ALARM, but the cooldown blocks until 1560;
    // by then the rate is 6/s: 120 per instance, ceil(3 × 120 / 300) = 2.
    const secondScaleIn = firstScaleIn + cooldown;
    const toSecond = Math.ceil((3 * ((6 * 60) / 3)) / TARGET);
    assert.deepEqual(
      r.scalingActivities.map((a) => [a.t, a.direction, a.to]),
      [
        [firstScaleIn, "in", toFirst],
        [secondScaleIn, "in", toSecond],
      ],
    );
    // From minute 30, 1 request/s would need ceil(2 × 30 / 300) = 1 instance: clamped to min 2, no activity.
    assert.equal(r.finalInstances, min);
    assert.ok(r.timeline.every((e) => e.inServiceInstances >= min && e.desiredInstances >= min));
    assert.equal(r.droppedRequests, 0);
  });

  it("throttles at the function above its reserved concurrency, and counts cold starts above provisioned", () => {
    const reserved = 5;
    const provisioned = 2;
    const durationSeconds = 0.5; // 400 ms own work + 100 ms endpoint latency
    const base = 6; // needs 3 concurrent executions
    const spike = 20; // needs 10: only 5 / 0.5 = 10 requests/s run
    const r = run(
      endpoint({
        initialInstanceCount: 4,
        function: fn({ reservedConcurrency: reserved, provisionedConcurrency: provisioned }),
      }),
      profile(15, base, [
        { atMinute: 5, rps: spike },
        { atMinute: 10, rps: base },
      ]),
      { functionOverheadMs: 400 },
    );
    const throttled = (spike - reserved / durationSeconds) * 300;
    assert.ok(
      close(r.throttledRequests, throttled),
      `throttled ${r.throttledRequests}, expected ${throttled}`,
    );
    assert.equal(r.droppedRequests, 0, "4 instances serve 40 requests/s");
    // Steady state: 3 − 2 = 1 on-demand environment warm; the spike needs 5 − 2 = 3: two start cold.
    assert.equal(r.coldStarts, 3 - 1);
    assert.ok(close(r.servedRequests + r.throttledRequests, r.offeredRequests));
  });
});
