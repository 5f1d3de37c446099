/**
 * The cost section of the offline preview: the stack's monthly estimate from aws-facts/pricing (the same
 * estimator and price file as the `monthly-budget` policy), with the budget and usage assumptions taken from the
 * stack's policy config (`monthly-budget` in policy/config/<stack>.json) so the preview and the policy agree.
 */
import type { CapturedResource } from "../lib/resource-graph";
import {
  DEFAULT_MONTHLY_BUDGET_USD,
  estimateStackCost,
  formatCostTable,
  type CostAssumptionsInput,
  type StackCostEstimate,
} from "@ml-platform/aws-facts/pricing";

export type CostSection =
  | {
      readonly status: "ok";
      readonly region: string;
      readonly currency: "USD";
      readonly monthlyMin: number;
      readonly monthlyMax: number;
      /** Lines with an unknown price: never counted as zero, so the range is a lower bound when > 0. */
      readonly unknownCount: number;
      /** The stack's budget from its policy config, when set. */
      readonly budgetUsd?: number;
      /** Whether the worst case fits the budget (only when a budget is set). */
      readonly withinBudget?: boolean;
      /** The estimator's full result: per-resource lines with basis, source and confidence. */
      readonly estimate: StackCostEstimate;
    }
  | { readonly status: "skipped"; readonly reason: string }
  | { readonly status: "error"; readonly message: string };

export interface CostOptions {
  readonly region: string;
  /** `monthly-budget.budgetUsd` from the policy config; the policy's default when unset. */
  readonly budgetUsd?: number;
  /** false when the policy config disables `monthly-budget`: no budget is checked, so none is shown. */
  readonly budgetChecked?: boolean;
  readonly assumptions?: Record<string, unknown>;
}

export function estimateCost(resources: readonly CapturedResource[], options: CostOptions): CostSection {
  try {
    const estimate = estimateStackCost(resources, {
      region: options.region,
      ...(options.assumptions ? { assumptions: options.assumptions as CostAssumptionsInput } : {}),
    });
    const { monthlyMin, monthlyMax, unknownCount } = estimate.totals;
    const budgetUsd =
      options.budgetChecked === false ? undefined : (options.budgetUsd ?? DEFAULT_MONTHLY_BUDGET_USD);
    return {
      status: "ok",
      region: estimate.region,
      currency: "USD",
      monthlyMin,
      monthlyMax,
      unknownCount,
      ...(budgetUsd !== undefined ? { budgetUsd, withinBudget: monthlyMax <= budgetUsd } : {}),
      estimate,
    };
  } catch (err) {
    return { status: "error", message: (err as Error).message };
  }
}

/** The cost table as text (the estimator's own rendering, so the preview and docs show the same table). */
export function formatCost(section: CostSection): string {
  if (section.status === "skipped") return `Cost estimate skipped: ${section.reason}.`;
  if (section.status === "error") return `Cost estimate failed: ${section.message}`;
  return formatCostTable(section.estimate, { basis: true });
}
