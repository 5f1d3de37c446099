/**
 * Cost estimation for ml-platform stacks: price files per region, usage assumptions, the estimator and its text
 * rendering. Shared by the offline preview and the `monthly-budget` policy, so both report the same figures.
 *
 * @example
 * import { estimateStackCost, formatCostTable } from "./aws-facts/pricing";
 * const estimate = estimateStackCost(stack.resources, { region: "us-east-1" });
 * console.log(formatCostTable(estimate));
 */
export {
  CostAssumptionsSchema,
  DEFAULT_COST_ASSUMPTIONS,
  DEFAULT_MONTHLY_BUDGET_USD,
  HOURS_PER_MONTH,
  resolveAssumptions,
  type CostAssumptions,
  type CostAssumptionsInput,
} from "./assumptions";
export {
  estimateStackCost,
  isPricedType,
  type CostLine,
  type CostTotals,
  type EstimateOptions,
  type NotEstimated,
  type Range,
  type StackCostEstimate,
} from "./estimate";
export {
  formatCostTable,
  formatUnitUsd,
  formatUsd,
  formatUsdRange,
  shortType,
  summarizeEstimate,
  type CostTableOptions,
} from "./format";
export { freeTypeReason, isFreeType } from "./free-types";
export type { CostGraphResource } from "./graph";
export { bundledPriceRegions, getPriceBook, loadPriceBookFile } from "./price-book";
export { parsePriceBook, PriceBook, PriceEntry, type Confidence } from "./schema";
