/**
 * The capacity section as text: per endpoint, its settings and the assumptions used, a table with one row per
 * profile, and a compact timeline per profile (offered load and capacity as bars, instances in service as digits,
 * drops and throttles marked), one column per time bucket.
 */
import { relative } from "node:path";
import type { ProfileResult, TimelineEntry } from "@ml-platform/aws-facts/capacity";
import type { CapacitySection, EndpointCapacityReport } from "./report";

const BARS = " ▁▂▃▄▅▆▇█";

/** mm:ss (or h:mm:ss from an hour), "–" for null. */
export function clock(seconds: number | null): string {
  if (seconds === null) return "–";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  const mm = String(m).padStart(h > 0 ? 2 : 1, "0");
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (n: number) => `${n.toFixed(2)}%`;
const usd = (n: number | null) => (n === null ? "unknown" : `$${n.toFixed(2)}`);

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

function settingsLine(e: EndpointCapacityReport): string {
  const { inputs: i, assumptions: a } = e;
  const scaling = i.scaling
    ? `${i.scaling.minCapacity}–${i.scaling.maxCapacity} instances on ${i.scaling.metric} target ${i.scaling.targetValue}, ` +
      `cooldowns out ${i.scaling.scaleOutCooldownSeconds} s / in ${i.scaling.scaleInCooldownSeconds} s`
    : `fixed fleet of ${i.initialInstanceCount} (no autoscaling)`;
  const fn = i.function
    ? `; function ${i.function.name}: reserved ${i.function.reservedConcurrency ?? "none (account pool)"}, ` +
      `provisioned ${i.function.provisionedConcurrency}, timeout ${i.function.timeoutSeconds} s`
    : "; no function in front";
  return (
    `Endpoint ${e.endpoint} (${a.instanceType}): ${scaling}${fn}.\n` +
    `Assumptions: ${a.maxRequestsPerSecondPerInstance} requests/s per instance at ${a.latencyMs} ms, start-up ` +
    `${a.instanceStartupSeconds} s, ${a.functionDurationMs} ms per request at the function, queue ` +
    `${a.endpointQueueSeconds} s (${a.source.split(";")[0]}).`
  );
}

export function profileTable(profiles: readonly ProfileResult[]): string[] {
  const rows = [
    [
      "Profile",
      "Offered",
      "Served",
      "Dropped",
      "Throttled",
      "Cold starts",
      "Breach",
      "Decision",
      "In service",
      "Peak",
      "Final",
      "Instance-h",
      "Cost",
    ],
    ...profiles.map((p) => [
      p.name,
      count(p.offeredRequests),
      count(p.servedRequests),
      `${count(p.droppedRequests)} (${percent(p.droppedPercent)})`,
      `${count(p.throttledRequests)} (${percent(p.throttledPercent)})`,
      String(p.coldStarts),
      clock(p.firstBreachSeconds),
      clock(p.firstScaleOutDecisionSeconds),
      clock(p.firstScaleOutInServiceSeconds),
      String(p.peakInstances),
      String(p.finalInstances),
      p.instanceHours.toFixed(2),
      usd(p.costUsd),
    ]),
  ];
  return table(rows);
}

/** A compact timeline of at most `columns` buckets. */
export function timelineLines(profile: ProfileResult, columns = 60): string[] {
  const entries = profile.timeline;
  if (entries.length === 0) return [];
  const perColumn = Math.max(1, Math.ceil(entries.length / columns));
  const buckets: TimelineEntry[][] = [];
  for (let i = 0; i < entries.length; i += perColumn) buckets.push(entries.slice(i, i + perColumn));
  const max = Math.max(...entries.map((e) => Math.max(e.offeredRps, e.capacityRps)), 1e-9);
  const bar = (v: number) => BARS[Math.min(8, Math.round((v / max) * 8))];
  const mean = (b: TimelineEntry[], f: (e: TimelineEntry) => number) =>
    b.reduce((s, e) => s + f(e), 0) / b.length;
  const bucketSeconds = perColumn * (entries[1]?.t ?? 10);
  const label = bucketSeconds % 60 === 0 ? `${bucketSeconds / 60} min` : `${bucketSeconds} s`;
  return [
    `Timeline "${profile.name}" (one column per ${label}; bars scaled to ${max.toFixed(1)} requests/s):`,
    `  offered    ${buckets.map((b) => bar(mean(b, (e) => e.offeredRps))).join("")}`,
    `  capacity   ${buckets.map((b) => bar(mean(b, (e) => e.capacityRps))).join("")}`,
    `  instances  ${buckets
      .map((b) => {
        const n = Math.max(...b.map((e) => e.inServiceInstances));
        return n > 9 ? "+" : String(n);
      })
      .join("")}`,
    `  lost       ${buckets
      .map((b) =>
        b.some((e) => e.droppedRps > 1e-9) ? "x" : b.some((e) => e.throttledRps > 1e-9) ? "t" : "·",
      )
      .join("")}   (x dropped at the endpoint, t throttled at the function)`,
  ];
}

export function renderCapacity(section: CapacitySection, options: { timelines?: boolean } = {}): string {
  if (section.status === "skipped") return `Capacity check skipped: ${section.reason}.`;
  if (section.status === "error") return `Capacity check failed: ${section.message}`;
  const out: string[] = [];
  const checked =
    section.checkedProfiles.length > 0
      ? section.checkedProfiles.map((n) => `"${n}"`).join(", ")
      : "every profile";
  out.push(
    `Capacity (endpoint-capacity ${section.enforcementLevel}; limits: dropped ≤ ${section.limits.maxDroppedPercent}%, ` +
      `throttled ≤ ${section.limits.maxThrottledPercent}% on ${checked}; ${section.configFile ? relative(process.cwd(), section.configFile) : "default profiles"})`,
  );
  for (const e of section.endpoints) {
    out.push(settingsLine(e), "", ...profileTable(e.profiles), "");
    if (e.alternativeMetric) {
      const alt = e.alternativeMetric;
      out.push(
        `On ${alt.metric} (equivalent target ${+alt.targetValue.toFixed(3)}) the same profiles would give:`,
      );
      for (const p of alt.profiles) {
        const mine = e.profiles.find((x) => x.name === p.name);
        out.push(
          `  ${p.name}: scale-out decided ${clock(p.firstScaleOutDecisionSeconds)} (now ${clock(mine?.firstScaleOutDecisionSeconds ?? null)}), ` +
            `dropped ${count(p.droppedRequests)} (now ${count(mine?.droppedRequests ?? 0)}), peak ${p.peakInstances}, ` +
            `${p.instanceHours.toFixed(2)} instance-h`,
        );
      }
      out.push("");
    }
    if (options.timelines !== false) for (const p of e.profiles) out.push(...timelineLines(p), "");
    if (e.shortfalls.length === 0) out.push(`Verdict: absorbs ${checked}.`);
    for (const s of e.shortfalls) {
      out.push(
        `Verdict: CANNOT absorb "${s.profile}": ${s.problems.join("; ")}.`,
        `  Fix: ${s.fixes.join("; or ")}.`,
      );
    }
  }
  for (const s of section.skipped) out.push(`Endpoint ${s.name} not simulated: ${s.problem}.`);
  if (section.endpoints.length === 0 && section.skipped.length === 0)
    out.push("No SageMaker endpoint in the stack.");
  return out.join("\n");
}
