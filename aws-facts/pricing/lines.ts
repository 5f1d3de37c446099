/**
 * What an estimate is made of: cost lines (one billable item of one resource each), the resources without a cost
 * model, and the totals over the priced lines.
 */
import type { Confidence } from "./schema";

/** A closed range; `min === max` for a point value. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** One line of the estimate: one billable item of one resource. */
export interface CostLine {
  /** URN of the resource that incurs the cost. */
  readonly urn: string;
  /** Logical name of the resource. */
  readonly name: string;
  /** Type token of the resource. */
  readonly type: string;
  /** What is billed, e.g. "ml.m5.large hosting instance-hours". */
  readonly description: string;
  /** "priced", or "unknown" when no price (or no quantity) is available: never counted as zero. */
  readonly status: "priced" | "unknown";
  /** Billed quantity per month, in `unit`s; null when unknown. */
  readonly quantity: Range | null;
  /** Billing unit, e.g. "hour", "GB-month", "GB-second". */
  readonly unit: string;
  /** USD per unit (a range for spot capacity); null when unknown. */
  readonly unitPrice: Range | null;
  /** Monthly USD at the low end; null when unknown. */
  readonly monthlyMin: number | null;
  /** Monthly USD in the worst case; null when unknown. */
  readonly monthlyMax: number | null;
  /** Trust in the unit price: "aws" (AWS's own data), "secondary", or "unknown". */
  readonly confidence: Confidence | "unknown";
  /** Human-readable assumptions behind the quantity, e.g. "min capacity 1 to max capacity 3 × 730 h". */
  readonly basis: string;
  /** Where the price comes from, with its as-of date. */
  readonly source?: string;
  readonly asOf?: string;
  /** Caveat from the price file (uncertain, likely stale). */
  readonly note?: string;
  /** For unknown lines: why there is no price. */
  readonly reason?: string;
}

/** A resource whose type the estimator does not model (listed, never silently priced at zero). */
export interface NotEstimated {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly reason: string;
}

export interface CostTotals {
  /** Sum of the priced lines' monthly minimum (USD). */
  readonly monthlyMin: number;
  /** Sum of the priced lines' worst case (USD). */
  readonly monthlyMax: number;
  /** Number of lines with an unknown price. */
  readonly unknownCount: number;
  /** Names of the resources that have at least one unknown line. */
  readonly unknownResources: readonly string[];
  /** The priced part split by confidence. */
  readonly byConfidence: Readonly<Record<Confidence, Range>>;
}

/** Sums the priced lines; unknown lines are counted, never added as zero. */
export function sumTotals(lines: readonly CostLine[]): CostTotals {
  const byConfidence: Record<Confidence, { min: number; max: number }> = {
    aws: { min: 0, max: 0 },
    secondary: { min: 0, max: 0 },
  };
  let monthlyMin = 0;
  let monthlyMax = 0;
  const unknownResources = new Set<string>();
  let unknownCount = 0;
  for (const line of lines) {
    if (line.status === "unknown" || line.monthlyMin === null || line.monthlyMax === null) {
      unknownCount++;
      unknownResources.add(line.name);
      continue;
    }
    monthlyMin += line.monthlyMin;
    monthlyMax += line.monthlyMax;
    if (line.confidence !== "unknown") {
      byConfidence[line.confidence].min += line.monthlyMin;
      byConfidence[line.confidence].max += line.monthlyMax;
    }
  }
  return { monthlyMin, monthlyMax, unknownCount, unknownResources: [...unknownResources], byConfidence };
}
