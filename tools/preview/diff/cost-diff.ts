/**
 * The cost side of a change preview: the monthly estimate (aws-facts/pricing, as the plain preview computes it)
 * before and after, per resource and in total, with the basis of each line that changed.
 */
import type { CostLine } from "@ml-platform/aws-facts/pricing";
import type { CostSection } from "../cost";

export interface MoneyRange {
  readonly min: number;
  readonly max: number;
}

export interface ResourceCostDiff {
  /** New URN (old URN for a deleted resource). */
  readonly urn: string;
  readonly name: string;
  readonly before: MoneyRange;
  readonly after: MoneyRange;
  readonly difference: MoneyRange;
  /** The lines that changed, with their basis, as "description: basis". */
  readonly changedLines: readonly { readonly side: "before" | "after"; readonly text: string }[];
  /** A line of this resource has no price on either side (the range leaves it out). */
  readonly unknown: boolean;
}

export interface CostDiff {
  readonly status: "ok" | "unavailable";
  readonly reason?: string;
  readonly before: MoneyRange;
  readonly after: MoneyRange;
  readonly difference: MoneyRange;
  readonly resources: readonly ResourceCostDiff[];
}

const ZERO: MoneyRange = { min: 0, max: 0 };
const round = (n: number) => Math.round(n * 100) / 100;

function sum(lines: readonly CostLine[]): MoneyRange {
  return lines.reduce(
    (acc, l) => ({ min: acc.min + (l.monthlyMin ?? 0), max: acc.max + (l.monthlyMax ?? 0) }),
    ZERO,
  );
}

function difference(before: MoneyRange, after: MoneyRange): MoneyRange {
  return { min: round(after.min - before.min), max: round(after.max - before.max) };
}

function lineKey(l: CostLine): string {
  return JSON.stringify([l.description, l.monthlyMin, l.monthlyMax, l.basis, l.status]);
}

function lineText(l: CostLine): string {
  const price =
    l.status === "priced"
      ? `$${(l.monthlyMin ?? 0).toFixed(2)}–$${(l.monthlyMax ?? 0).toFixed(2)}`
      : "unknown";
  return `${l.description} (${price}): ${l.basis || l.reason || ""}`.trim();
}

/**
 * Compares two cost sections. `oldUrnOf` maps a new URN to the base URN (aliases); resources are keyed by the new
 * URN, deleted ones by their old URN.
 */
export function diffCost(
  before: CostSection | undefined,
  after: CostSection | undefined,
  newUrnOfOld: ReadonlyMap<string, string>,
): CostDiff {
  const b = before?.status === "ok" ? before.estimate.lines : before ? undefined : [];
  const a = after?.status === "ok" ? after.estimate.lines : after ? undefined : [];
  if (!b || !a) {
    const reason = !b ? "the base has no cost estimate" : "the new side has no cost estimate";
    return { status: "unavailable", reason, before: ZERO, after: ZERO, difference: ZERO, resources: [] };
  }
  const groups = new Map<string, { name: string; before: CostLine[]; after: CostLine[] }>();
  const group = (urn: string, name: string) => {
    if (!groups.has(urn)) groups.set(urn, { name, before: [], after: [] });
    return groups.get(urn)!;
  };
  for (const l of b) group(newUrnOfOld.get(l.urn) ?? l.urn, l.name).before.push(l);
  for (const l of a) group(l.urn, l.name).after.push(l);
  const resources: ResourceCostDiff[] = [];
  for (const [urn, g] of groups) {
    const beforeKeys = new Set(g.before.map(lineKey));
    const afterKeys = new Set(g.after.map(lineKey));
    const changedLines = [
      ...g.before
        .filter((l) => !afterKeys.has(lineKey(l)))
        .map((l) => ({ side: "before" as const, text: lineText(l) })),
      ...g.after
        .filter((l) => !beforeKeys.has(lineKey(l)))
        .map((l) => ({ side: "after" as const, text: lineText(l) })),
    ];
    if (changedLines.length === 0) continue;
    const sb = sum(g.before);
    const sa = sum(g.after);
    resources.push({
      urn,
      name: g.name,
      before: { min: round(sb.min), max: round(sb.max) },
      after: { min: round(sa.min), max: round(sa.max) },
      difference: difference(sb, sa),
      changedLines,
      unknown: [...g.before, ...g.after].some((l) => l.status === "unknown"),
    });
  }
  const tb = sum(b);
  const ta = sum(a);
  return {
    status: "ok",
    before: { min: round(tb.min), max: round(tb.max) },
    after: { min: round(ta.min), max: round(ta.max) },
    difference: difference(tb, ta),
    resources,
  };
}

/** `+$12.34` / `−$5.00` / `$0.00`, and a range when min and max differ. */
export function formatDelta(d: MoneyRange): string {
  const one = (n: number) => (n > 0 ? `+$${n.toFixed(2)}` : n < 0 ? `−$${Math.abs(n).toFixed(2)}` : "$0.00");
  return d.min === d.max ? one(d.min) : `${one(d.min)} to ${one(d.max)}`;
}

export function formatRange(r: MoneyRange): string {
  return r.min === r.max ? `$${r.min.toFixed(2)}` : `$${r.min.toFixed(2)}–$${r.max.toFixed(2)}`;
}
