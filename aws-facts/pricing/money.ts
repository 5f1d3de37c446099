/** USD formatting shared by the estimator's basis texts and the cost table. */

/** Plain decimal notation (no exponent), trailing zeros trimmed to at least `minDecimals`. */
function decimal(n: number, minDecimals: number): string {
  const text = n.toFixed(12).replace(/0+$/, "");
  const [whole, frac = ""] = text.split(".");
  return `${Number(whole).toLocaleString("en-US")}.${frac.padEnd(minDecimals, "0")}`;
}

/** A monthly amount: `$83.95`; sub-cent amounts keep their significant digits (`$0.0041`). */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0.00";
  if (Math.abs(usd) >= 0.01) {
    return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  return `$${decimal(Number(usd.toPrecision(2)), 2)}`;
}

/** `$83.95 – $251.85`, or one amount when both ends print the same. */
export function formatUsdRange(min: number, max: number): string {
  return formatUsd(min) === formatUsd(max) ? formatUsd(min) : `${formatUsd(min)} – ${formatUsd(max)}`;
}

/** A unit price with its significant digits: `$0.115`, `$0.05`, `$21.957642`, `$0.0000041667`. */
export function formatUnitUsd(usd: number): string {
  if (usd === 0) return "$0.00";
  return `$${decimal(Number(usd.toPrecision(8)), 2)}`;
}
