/**
 * Properties of the capacity simulator over random profiles and settings: conservation of requests, capacity
 * bounds, and two monotonicity rules (more max capacity never drops more; a longer scale-out cooldown never reacts
 * sooner).
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  CONCURRENT_REQUESTS_PER_MODEL,
  INVOCATIONS_PER_INSTANCE,
  resolveSimulationAssumptions,
  type InstanceCapacity,
  type ScalingInputs,
  type TrafficProfile,
} from "@ml-platform/aws-facts/capacity";
import { BASE_ASSUMPTIONS, endpoint, fn, profile, run } from "./support/simulation";

/**
 * Fixed seeds: CI replays the same cases on every run, so it cannot fail by chance. To explore further, run a
 * property with another seed and a larger numRuns locally; a failure prints the seed and path to replay it.
 */
const SEEDS = { conservation: 1401, bounds: 1402, maxCapacity: 1403, cooldown: 1404 } as const;

const stepArb = fc.record({
  atMinute: fc.integer({ min: 0, max: 9 }),
  rps: fc.double({ min: 0, max: 60, noNaN: true }),
  rampMinutes: fc.integer({ min: 0, max: 3 }),
});

/** Profiles of 10–60 minutes with up to 4 non-overlapping steps or ramps. */
const profileArb: fc.Arbitrary<TrafficProfile> = fc
  .record({
    baseline: fc.double({ min: 0, max: 30, noNaN: true }),
    gaps: fc.array(stepArb, { maxLength: 4 }),
    duration: fc.integer({ min: 10, max: 60 }),
  })
  .map(({ baseline, gaps, duration }) => {
    let at = 0;
    const steps = [];
    for (const g of gaps) {
      at += g.atMinute;
      if (at >= duration) break;
      steps.push({ atMinute: at, rps: g.rps, rampMinutes: g.rampMinutes });
      at += g.rampMinutes;
    }
    return profile(duration, baseline, steps);
  });

const scalingArb: fc.Arbitrary<ScalingInputs> = fc
  .record({
    min: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 5 }),
    highResolution: fc.boolean(),
    target: fc.integer({ min: 60, max: 900 }),
    scaleOut: fc.integer({ min: 0, max: 900 }),
    scaleIn: fc.integer({ min: 0, max: 900 }),
    disableScaleIn: fc.boolean(),
  })
  .map((s) => ({
    minCapacity: s.min,
    maxCapacity: s.min + s.extra,
    metric: s.highResolution ? CONCURRENT_REQUESTS_PER_MODEL : INVOCATIONS_PER_INSTANCE,
    targetValue: s.highResolution ? s.target / 300 : s.target,
    scaleOutCooldownSeconds: s.scaleOut,
    scaleInCooldownSeconds: s.scaleIn,
    disableScaleIn: s.disableScaleIn,
  }));

const capacityArb: fc.Arbitrary<InstanceCapacity> = fc.record({
  maxRequestsPerSecondPerInstance: fc.double({ min: 0.5, max: 20, noNaN: true }),
  latencyMs: fc.integer({ min: 10, max: 500 }),
  instanceStartupSeconds: fc.integer({ min: 0, max: 600 }),
  source: fc.constant("property test"),
});

const assumptionsArb = fc.record({
  endpointQueueSeconds: fc.integer({ min: 0, max: 5 }),
  functionOverheadMs: fc.integer({ min: 0, max: 500 }),
  scaleOutCapacityBasis: fc.constantFrom("desired" as const, "inService" as const),
});

const functionArb = fc.option(
  fc.record({
    reservedConcurrency: fc.integer({ min: 1, max: 30 }),
    provisionedConcurrency: fc.integer({ min: 0, max: 5 }),
  }),
  { nil: undefined },
);

describe("capacity simulator: properties", () => {
  it("every request offered is served, dropped or throttled", () => {
    fc.assert(
      fc.property(profileArb, scalingArb, capacityArb, assumptionsArb, functionArb, (p, s, c, a, f) => {
        const r = run(
          endpoint({
            initialInstanceCount: s.minCapacity,
            scaling: s,
            ...(f
              ? {
                  function: fn({
                    ...f,
                    provisionedConcurrency: Math.min(f.provisionedConcurrency, f.reservedConcurrency),
                  }),
                }
              : {}),
          }),
          p,
          a,
          c,
        );
        const total = r.servedRequests + r.droppedRequests + r.throttledRequests;
        assert.ok(
          Math.abs(total - r.offeredRequests) <= 1e-6 * Math.max(1, r.offeredRequests),
          `${total} ≠ ${r.offeredRequests}`,
        );
        assert.ok(r.servedRequests >= 0 && r.droppedRequests >= 0 && r.throttledRequests >= 0);
      }),
      { numRuns: 150, seed: SEEDS.conservation },
    );
  });

  it("keeps desired and in-service instances within [min, max]", () => {
    fc.assert(
      fc.property(profileArb, scalingArb, capacityArb, assumptionsArb, (p, s, c, a) => {
        const r = run(endpoint({ initialInstanceCount: s.minCapacity, scaling: s }), p, a, c);
        for (const e of r.timeline) {
          assert.ok(
            e.desiredInstances >= s.minCapacity && e.desiredInstances <= s.maxCapacity,
            `desired ${e.desiredInstances} at ${e.t}`,
          );
          assert.ok(
            e.inServiceInstances >= s.minCapacity && e.inServiceInstances <= s.maxCapacity,
            `in service ${e.inServiceInstances} at ${e.t}`,
          );
        }
      }),
      { numRuns: 150, seed: SEEDS.bounds },
    );
  });

  it("never drops more with a higher max capacity", () => {
    // Only where it holds, in AWS too. A larger fleet gives a lower per-instance metric; with fresh datapoints
    // target tracking then settles on the same ceil(load / target) instances whatever the max, and that serves the
    // load when the target is within one instance's capacity. Two shapes break it (broad search: 20,000–100,000
    // runs per seed on the unrestricted generator failed for most seeds; each restriction alone still failed):
    // - a scale-in cooldown shorter than the metric's lag (period + publication delay): the next scale-in acts on
    //   a datapoint that still counts the larger fleet and removes too much, the deeper the larger the fleet was
    //   (hand-computed in ./max-capacity.test.ts); the cooldown is AWS's only documented guard against it;
    // - a target above one instance's capacity on the concurrency metric with a queue: queued requests count
    //   (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html), so the
    //   fleet flaps between the too-small size the target implies and a scale-out the queue forces, and a higher
    //   max shifts the flapping's phase within the profile (also computed by hand in ./max-capacity.test.ts).
    const withinCapacity = fc
      .record({
        scaling: scalingArb,
        capacity: capacityArb,
        utilisation: fc.double({ min: 0.05, max: 1, noNaN: true }),
        assumptions: assumptionsArb,
      })
      .map(({ scaling, capacity, utilisation, assumptions }) => {
        const highResolution = scaling.metric === CONCURRENT_REQUESTS_PER_MODEL;
        const delays = resolveSimulationAssumptions({
          ...BASE_ASSUMPTIONS,
          ...assumptions,
        }).metricDelaySeconds;
        const lag = highResolution ? 10 + delays.highResolution : 60 + delays.standard;
        // One instance at capacity: maxRps × 60 invocations a minute, or maxRps × latency requests in flight.
        const atCapacity = highResolution
          ? (capacity.maxRequestsPerSecondPerInstance * capacity.latencyMs) / 1000
          : capacity.maxRequestsPerSecondPerInstance * 60;
        const s: ScalingInputs = {
          ...scaling,
          targetValue: utilisation * atCapacity,
          scaleInCooldownSeconds: lag + scaling.scaleInCooldownSeconds,
        };
        return { s, c: capacity, a: assumptions };
      });
    fc.assert(
      fc.property(profileArb, withinCapacity, fc.integer({ min: 1, max: 4 }), (p, { s, c, a }, more) => {
        const e = (max: number) =>
          endpoint({ initialInstanceCount: s.minCapacity, scaling: { ...s, maxCapacity: max } });
        const lower = run(e(s.maxCapacity), p, a, c);
        const higher = run(e(s.maxCapacity + more), p, a, c);
        assert.ok(
          higher.droppedRequests <= lower.droppedRequests + 1e-6,
          `max ${s.maxCapacity + more} dropped ${higher.droppedRequests} > ${lower.droppedRequests} with max ${s.maxCapacity}`,
        );
      }),
      { numRuns: 150, seed: SEEDS.maxCapacity },
    );
  });

  it("never reacts sooner with a longer scale-out cooldown", () => {
    // One rise (a step or a ramp) and no scale-in: for every fleet size, the endpoint with the longer cooldown
    // decides on it no sooner. (With several successive steps this does not hold in general, in AWS either: a fleet
    // that grew more slowly keeps AlarmHigh in ALARM, so the next step is acted on one evaluation sooner.)
    const rise = fc
      .record({
        baseline: fc.double({ min: 0, max: 5, noNaN: true }),
        peak: fc.double({ min: 5, max: 60, noNaN: true }),
        at: fc.integer({ min: 1, max: 10 }),
        ramp: fc.integer({ min: 0, max: 10 }),
      })
      .map(({ baseline, peak, at, ramp }) =>
        profile(at + ramp + 40, baseline, [{ atMinute: at, rps: peak, rampMinutes: ramp }]),
      );
    let reacted = 0;
    fc.assert(
      fc.property(
        rise,
        scalingArb,
        assumptionsArb,
        fc.integer({ min: 1, max: 900 }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        (p, base, a, longer, utilisation) => {
          // One instance serves 10 requests/s (support.INSTANCE at 100 ms); target a share of that.
          const s: ScalingInputs = {
            ...base,
            maxCapacity: base.minCapacity + 6,
            disableScaleIn: true,
            targetValue:
              base.metric === INVOCATIONS_PER_INSTANCE ? utilisation * 10 * 60 : utilisation * 10 * 0.1,
          };
          const e = (cooldown: number) =>
            endpoint({
              initialInstanceCount: s.minCapacity,
              scaling: { ...s, scaleOutCooldownSeconds: cooldown },
            });
          const short = run(e(s.scaleOutCooldownSeconds), p, a);
          const long = run(e(s.scaleOutCooldownSeconds + longer), p, a);
          const reached = (r: typeof short, size: number) =>
            r.scalingActivities.find((x) => x.direction === "out" && x.to >= size)?.t ?? Infinity;
          for (let size = s.minCapacity + 1; size <= s.maxCapacity; size++) {
            assert.ok(
              reached(long, size) >= reached(short, size),
              `${size} instances decided at ${reached(long, size)} s with cooldown ${s.scaleOutCooldownSeconds + longer}, ` +
                `at ${reached(short, size)} s with ${s.scaleOutCooldownSeconds}`,
            );
          }
          if (short.scalingActivities.length > 1 || long.scalingActivities.length > 1) reacted++;
        },
      ),
      { numRuns: 200, seed: SEEDS.cooldown },
    );
    assert.ok(reacted > 20, `only ${reacted} runs scaled out more than once: the property is not exercised`);
  });
});
