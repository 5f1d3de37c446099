/**
 * One SVG chart per stack and profile: offered and served load and in-service capacity (requests per second, left
 * axis), instances in service (right axis), with drops and throttles marked as shaded bands at the bottom.
 * Self-contained SVG 1.1 (no scripts, no external fonts), so browsers, GitHub and resvg render it alike.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProfileResult, TimelineEntry } from "@ml-platform/aws-facts/capacity";
import type { CapacitySection } from "./report";

const WIDTH = 900;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 60, top: 40, bottom: 70 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export const CHART_COLOURS = {
  offered: "#1f77b4",
  served: "#2ca02c",
  capacity: "#7f7f7f",
  instances: "#9467bd",
  dropped: "#d62728",
  throttled: "#ff7f0e",
} as const;

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/** A "nice" axis maximum ≥ v: 1, 2 or 5 × a power of ten. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v)!;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Downsamples to at most `max` points (keeping each bucket's maximum, so spikes and drops stay visible). */
function downsample(entries: readonly TimelineEntry[], max: number): TimelineEntry[] {
  if (entries.length <= max) return [...entries];
  const size = Math.ceil(entries.length / max);
  const out: TimelineEntry[] = [];
  for (let i = 0; i < entries.length; i += size) {
    const b = entries.slice(i, i + size);
    const peak = (f: (e: TimelineEntry) => number) => Math.max(...b.map(f));
    out.push({
      ...b[0],
      offeredRps: peak((e) => e.offeredRps),
      servedRps: peak((e) => e.servedRps),
      droppedRps: peak((e) => e.droppedRps),
      throttledRps: peak((e) => e.throttledRps),
      capacityRps: peak((e) => e.capacityRps),
      inServiceInstances: peak((e) => e.inServiceInstances),
    });
  }
  return out;
}

export function capacityChartSvg(stack: string, endpoint: string, profile: ProfileResult): string {
  const step = profile.timeline[1]?.t ?? 10;
  const entries = downsample(profile.timeline, PLOT_W);
  const total = profile.durationMinutes * 60;
  // Seconds each (possibly downsampled) entry covers.
  const span = entries.length > 1 ? entries[1].t - entries[0].t : step;
  const rpsMax = niceMax(
    Math.max(...entries.map((e) => Math.max(e.offeredRps, e.capacityRps, e.servedRps)), 0),
  );
  const instMax = Math.max(1, ...entries.map((e) => e.inServiceInstances)) + 1;
  const x = (t: number) => MARGIN.left + (t / total) * PLOT_W;
  const yRps = (v: number) => MARGIN.top + PLOT_H - (v / rpsMax) * PLOT_H;
  const yInst = (n: number) => MARGIN.top + PLOT_H - (n / instMax) * PLOT_H;
  const stepPath = (f: (e: TimelineEntry) => number, y: (v: number) => number) =>
    entries
      .map((e, i) => {
        const x0 = x(e.t).toFixed(1);
        const x1 = x(Math.min(total, e.t + span)).toFixed(1);
        return `${i === 0 ? "M" : "L"}${x0},${y(f(e)).toFixed(1)} L${x1},${y(f(e)).toFixed(1)}`;
      })
      .join(" ");
  const bands = (f: (e: TimelineEntry) => number, colour: string, cls: string) =>
    entries
      .filter((e) => f(e) > 1e-9)
      .map(
        (e) =>
          `<rect class="${cls}" x="${x(e.t).toFixed(1)}" y="${MARGIN.top + PLOT_H - 8}" width="${Math.max(1, x(Math.min(total, e.t + span)) - x(e.t)).toFixed(1)}" height="8" fill="${colour}" fill-opacity="0.8"/>`,
      )
      .join("");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * rpsMax);
  const minutesTotal = profile.durationMinutes;
  const xStep = niceMax(minutesTotal / 8);
  const xTicks: number[] = [];
  for (let m = 0; m <= minutesTotal + 1e-9; m += xStep) xTicks.push(m);
  const title = `${stack}: ${endpoint}, profile "${profile.name}"`;
  const summary =
    `dropped ${Math.round(profile.droppedRequests)} (${profile.droppedPercent.toFixed(2)}%), ` +
    `throttled ${Math.round(profile.throttledRequests)} (${profile.throttledPercent.toFixed(2)}%), ` +
    `peak ${profile.peakInstances} instances`;
  const legend: [string, string, string][] = [
    ["offered", CHART_COLOURS.offered, "offered req/s"],
    ["served", CHART_COLOURS.served, "served req/s"],
    ["capacity", CHART_COLOURS.capacity, "capacity req/s"],
    ["instances", CHART_COLOURS.instances, "instances in service"],
    ["dropped", CHART_COLOURS.dropped, "dropped"],
    ["throttled", CHART_COLOURS.throttled, "throttled"],
  ];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left}" y="32" fill="#444444">${escapeXml(summary)}</text>`,
    `<g class="grid" stroke="#e0e0e0">`,
    ...yTicks.map(
      (v) =>
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${yRps(v).toFixed(1)}" y2="${yRps(v).toFixed(1)}"/>`,
    ),
    `</g>`,
    `<g class="axis" fill="#333333">`,
    ...yTicks.map(
      (v) =>
        `<text x="${MARGIN.left - 6}" y="${(yRps(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
    ),
    ...xTicks.map(
      (m) =>
        `<text x="${x(m * 60).toFixed(1)}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${fmt(m)}</text>`,
    ),
    ...Array.from({ length: instMax + 1 }, (_, n) => n)
      .filter((n) => instMax <= 10 || n % Math.ceil(instMax / 10) === 0)
      .map(
        (n) =>
          `<text x="${MARGIN.left + PLOT_W + 6}" y="${(yInst(n) + 4).toFixed(1)}" fill="${CHART_COLOURS.instances}">${n}</text>`,
      ),
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${MARGIN.top + PLOT_H + 32}" text-anchor="middle">minutes</text>`,
    `<text x="14" y="${MARGIN.top + PLOT_H / 2}" transform="rotate(-90 14 ${MARGIN.top + PLOT_H / 2})" text-anchor="middle">requests per second</text>`,
    `<text x="${WIDTH - 12}" y="${MARGIN.top + PLOT_H / 2}" transform="rotate(90 ${WIDTH - 12} ${MARGIN.top + PLOT_H / 2})" text-anchor="middle" fill="${CHART_COLOURS.instances}">instances</text>`,
    `</g>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#999999"/>`,
    `<g class="marks">${bands((e) => e.droppedRps, CHART_COLOURS.dropped, "dropped")}${bands((e) => e.throttledRps, CHART_COLOURS.throttled, "throttled")}</g>`,
    `<path class="capacity" d="${stepPath((e) => e.capacityRps, yRps)}" fill="none" stroke="${CHART_COLOURS.capacity}" stroke-width="1.5" stroke-dasharray="5,3"/>`,
    `<path class="instances" d="${stepPath((e) => e.inServiceInstances, yInst)}" fill="none" stroke="${CHART_COLOURS.instances}" stroke-width="1.5"/>`,
    `<path class="offered" d="${stepPath((e) => e.offeredRps, yRps)}" fill="none" stroke="${CHART_COLOURS.offered}" stroke-width="4" stroke-opacity="0.6"/>`,
    `<path class="served" d="${stepPath((e) => e.servedRps, yRps)}" fill="none" stroke="${CHART_COLOURS.served}" stroke-width="1.5"/>`,
    `<g class="legend">`,
    ...legend.map(([cls, colour, text], i) => {
      const lx = MARGIN.left + i * 135;
      const ly = HEIGHT - 14;
      return `<rect class="legend-${cls}" x="${lx}" y="${ly - 9}" width="14" height="10" fill="${colour}"/><text x="${lx + 18}" y="${ly}">${escapeXml(text)}</text>`;
    }),
    `</g>`,
    `</svg>`,
    "",
  ].join("\n");
}

/** A file name for a stack and profile: `<stack>-<profile>.svg`, lower-case, safe characters only. */
export function chartFileName(stack: string, profile: string, endpoint?: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  return `${[stack, endpoint, profile]
    .filter(Boolean)
    .map((s) => slug(s!))
    .join("-")}.svg`;
}

/** Writes one chart per stack, endpoint and profile into `dir`; returns the files written. */
export function writeCapacityCharts(
  dir: string,
  stacks: readonly { readonly stack: string; readonly capacity?: CapacitySection }[],
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const { stack, capacity } of stacks) {
    if (capacity?.status !== "ok") continue;
    for (const e of capacity.endpoints) {
      for (const p of e.profiles) {
        const file = join(
          dir,
          chartFileName(stack, p.name, capacity.endpoints.length > 1 ? e.endpoint : undefined),
        );
        writeFileSync(file, capacityChartSvg(stack, e.endpoint, p));
        written.push(file);
      }
    }
  }
  return written;
}
