/**
 * `npm run bench:capacity`: the capacity simulator on a 24-hour profile at 10-second steps (8,640 steps) for each
 * stack, from its captured resources: reading the inputs from the graph, the replay, metrics, alarms, scaling and
 * cost. The programs run once (under the mock runtime, not timed); then each stack is simulated RUNS times after
 * a warm-up, and the median and the slowest run are printed. Target: < 50 ms per stack and 24-hour profile.
 */
import { performance } from "node:perf_hooks";
import {
  checkStackCapacity,
  parseProfile,
  resolveSimulationAssumptions,
} from "@ml-platform/aws-facts/capacity";
import { runProgram } from "../lib/program-runner";

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const TARGET_MS = 50;

/** A day with a morning ramp, two 5x spikes and an evening decline: it makes the endpoint scale out and in. */
const DAY = parseProfile({
  name: "24 hours with spikes",
  durationMinutes: 24 * 60,
  baselineRps: 2,
  steps: [
    { atMinute: 7 * 60, rps: 8, rampMinutes: 120 },
    { atMinute: 11 * 60, rps: 40, rampMinutes: 1 },
    { atMinute: 11 * 60 + 20, rps: 8, rampMinutes: 0 },
    { atMinute: 15 * 60, rps: 40, rampMinutes: 1 },
    { atMinute: 15 * 60 + 20, rps: 8, rampMinutes: 0 },
    { atMinute: 18 * 60, rps: 2, rampMinutes: 120 },
  ],
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<number> {
  const assumptions = resolveSimulationAssumptions({});
  let failed = false;
  console.log(
    `Capacity simulator: 24-hour profile at 10-s steps (8,640 steps), ${RUNS} runs per stack after a warm-up`,
  );
  for (const stack of ["dev", "prod"]) {
    const result = await runProgram({ stack });
    if (!result.ok) throw new Error(`stack ${stack}: ${result.message}`);
    const simulate = () => checkStackCapacity(result.stack.resources, [DAY], assumptions);
    const warm = simulate();
    const profile = warm.endpoints[0]?.profiles[0];
    if (!profile) throw new Error(`stack ${stack}: no endpoint simulated (${JSON.stringify(warm.skipped)})`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      simulate();
      times.push(performance.now() - t0);
    }
    const med = median(times);
    const worst = Math.max(...times);
    failed ||= med >= TARGET_MS;
    console.log(
      `  ${stack.padEnd(5)} median ${med.toFixed(2)} ms, slowest ${worst.toFixed(2)} ms ` +
        `(${((med * 1000) / profile.timeline.length).toFixed(2)} µs per step; ${profile.scalingActivities.length} ` +
        `scaling activities, dropped ${Math.round(profile.droppedRequests)}) ${med < TARGET_MS ? "✓" : "✗"} target < ${TARGET_MS} ms`,
    );
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
