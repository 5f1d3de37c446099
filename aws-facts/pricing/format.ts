/**
 * Text rendering of a {@link StackCostEstimate} for the offline preview and policy messages.
 */
import type { StackCostEstimate } from "./estimate";
import type { CostLine, Range } from "./lines";
import { formatUnitUsd, formatUsd, formatUsdRange } from "./money";

export { formatUnitUsd, formatUsd, formatUsdRange };

function formatQuantity(q: Range): string {
  const one = (n: number) =>
    n.toLocaleString("en-US", { maximumFractionDigits: n !== 0 && Math.abs(n) < 1 ? 4 : 2 });
  return q.min === q.max ? one(q.min) : `${one(q.min)}–${one(q.max)}`;
}

/** `aws:sagemaker/endpoint:Endpoint` → `sagemaker:Endpoint`. */
export function shortType(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? `${m[2]}:${m[3]}` : type;
}

/** One-line stack summary: `$152.33 – $351.10 per month (+ 2 unknown: a, b)`. */
export function summarizeEstimate(estimate: StackCostEstimate): string {
  const { totals } = estimate;
  const unknown =
    totals.unknownCount > 0
      ? ` (+ ${totals.unknownCount} unknown: ${totals.unknownResources.join(", ")})`
      : "";
  return `${formatUsdRange(totals.monthlyMin, totals.monthlyMax)} per month${unknown}`;
}

export interface CostTableOptions {
  /** Include the numbered basis of every line below the table. Default true. */
  readonly basis?: boolean;
}

function pad(cells: readonly string[], widths: readonly number[], rightAligned: ReadonlySet<number>): string {
  return cells
    .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join("  ")
    .trimEnd();
}

function unitPriceText(line: CostLine): string {
  if (!line.unitPrice) return "—";
  const { min, max } = line.unitPrice;
  const text =
    formatUnitUsd(min) === formatUnitUsd(max)
      ? formatUnitUsd(min)
      : `${formatUnitUsd(min)}–${formatUnitUsd(max)}`;
  return `${text}/${line.unit}`;
}

/**
 * Renders the estimate as a plain-text table: resource, type, item, quantity, unit price, monthly min–max and
 * confidence, then the stack total (with "+ N unknown"), the basis of each line, price caveats, resources the
 * model does not cover, and the price files used.
 */
export function formatCostTable(estimate: StackCostEstimate, options: CostTableOptions = {}): string {
  const showBasis = options.basis ?? true;
  // The last column refers each line to its note under "Basis:". It has a heading, so its rule sits under
  // something, and it is left out with the notes (a reference to nothing is noise).
  const columns = (cells: string[]) => (showBasis ? cells : cells.slice(0, -1));
  const header = columns([
    "Resource",
    "Type",
    "Item",
    "Quantity",
    "Unit price",
    "Monthly (USD)",
    "Confidence",
    "Basis",
  ]);
  const rows = estimate.lines.map((line, i) =>
    columns([
      line.name,
      shortType(line.type),
      line.description,
      line.quantity
        ? `${formatQuantity(line.quantity)}${/^\d/.test(line.unit) ? " × " : " "}${line.unit}`
        : "—",
      unitPriceText(line),
      line.status === "priced" && line.monthlyMin !== null && line.monthlyMax !== null
        ? formatUsdRange(line.monthlyMin, line.monthlyMax)
        : "unknown price",
      line.confidence === "aws" ? "AWS" : line.confidence,
      `[${i + 1}]`,
    ]),
  );
  const totalRow = columns(["Total", "", "", "", "", summaryTotal(estimate), "", ""]);
  const all = [header, ...rows, totalRow];
  const widths = header.map((_, col) => Math.max(...all.map((r) => r[col]!.length)));
  const right = new Set([3, 4, 5]);
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const out: string[] = [];
  out.push(
    `Cost estimate for region ${estimate.region}: ${summarizeEstimate(estimate)} (USD, ${estimate.hoursPerMonth} h per month)`,
  );
  out.push(pad(header, widths, right), rule);
  for (const row of rows) out.push(pad(row, widths, right));
  out.push(rule, pad(totalRow, widths, right));
  const { byConfidence } = estimate.totals;
  out.push(
    `  of which AWS price data ${formatUsdRange(byConfidence.aws.min, byConfidence.aws.max)}, ` +
      `secondary sources ${formatUsdRange(byConfidence.secondary.min, byConfidence.secondary.max)}`,
  );
  if (showBasis && estimate.lines.length > 0) {
    out.push("", "Basis:");
    estimate.lines.forEach((line, i) => {
      const parts = [
        line.basis,
        line.reason,
        line.source ? `price: ${line.source}, as of ${line.asOf}` : undefined,
      ];
      if (line.note) parts.push(`caution: ${line.note}`);
      out.push(`  [${i + 1}] ${parts.filter((p) => p !== undefined && p !== "").join("; ")}`);
    });
  }
  if (estimate.notEstimated.length > 0) {
    out.push("", "Not estimated (no cost model; not counted):");
    for (const n of estimate.notEstimated) out.push(`  ${n.name} (${shortType(n.type)}): ${n.reason}`);
  }
  out.push(
    "",
    `${estimate.freeResourceCount} resources have no direct charge (IAM, security groups, models, endpoint configurations, …).`,
  );
  for (const file of estimate.priceFiles) {
    out.push(`Prices: ${file.region} price file of ${file.generatedAt} (${file.generatedBy}).`);
  }
  return out.join("\n");
}

function summaryTotal(estimate: StackCostEstimate): string {
  const { totals } = estimate;
  const range = formatUsdRange(totals.monthlyMin, totals.monthlyMax);
  return totals.unknownCount > 0 ? `${range} + ${totals.unknownCount} unknown` : range;
}
