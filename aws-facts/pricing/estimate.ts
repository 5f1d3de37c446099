/**
 * The cost estimator: a pure function from a resource graph (the one the offline preview captures, or a stack
 * policy's resources) to monthly cost lines with a stated basis each, and stack totals as a min–max range. Each
 * priced family has its own module under `pricers/`; this one dispatches by type token.
 *
 * Rules it keeps:
 * - a month is 730 hours;
 * - a price that is missing (unknown region, instance type, volume type, …) yields an explicit "unknown price"
 *   line, counted separately and never as zero;
 * - every usage figure that is not in the graph comes from {@link CostAssumptions} and is written into the line's
 *   basis;
 * - an AWS resource type with neither a pricer nor a place in free-types.ts is listed as not estimated.
 */
import { AWS_TYPES } from "../type-tokens";
import {
  HOURS_PER_MONTH,
  resolveAssumptions,
  type CostAssumptions,
  type CostAssumptionsInput,
} from "./assumptions";
import { isFreeType } from "./free-types";
import { normaliseGraph, type CostGraphResource } from "./graph";
import { sumTotals, type CostLine, type CostTotals, type NotEstimated } from "./lines";
import { StackEstimation, type Pricer } from "./pricer";
import { priceStandaloneVolume } from "./pricers/ebs";
import { priceAutoScalingGroup, priceEc2Instance } from "./pricers/ec2";
import { priceEndpoint } from "./pricers/endpoint";
import { priceBucket, priceKmsKey, priceLogGroup } from "./pricers/fixed";
import { priceLambdaFunction, priceProvisionedConcurrency } from "./pricers/lambda";
import { priceNotebook } from "./pricers/notebook";
import type { PriceBook } from "./schema";

export type { CostLine, CostTotals, NotEstimated, Range } from "./lines";

export interface StackCostEstimate {
  /** The stack's default region (resources may override it). */
  readonly region: string;
  readonly currency: "USD";
  readonly hoursPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totals: CostTotals;
  /** AWS resources whose type has no cost model here (listed so they are not mistaken for free). */
  readonly notEstimated: readonly NotEstimated[];
  /** Number of resources known to have no direct charge (IAM, security groups, models, …). */
  readonly freeResourceCount: number;
  /** The assumptions used, defaults applied. */
  readonly assumptions: CostAssumptions;
  /** Where the prices came from, per region used. */
  readonly priceFiles: readonly { region: string; generatedAt: string; generatedBy: string }[];
}

export interface EstimateOptions {
  /**
   * The stack's AWS region (`aws:region`), used for resources without their own `region` or provider region.
   * Default `us-east-1`, and when defaulted the region is said on every unknown line.
   */
  readonly region?: string;
  /** Usage assumptions; omitted fields take the documented defaults (see CostAssumptionsSchema). */
  readonly assumptions?: CostAssumptionsInput;
  /**
   * Price files to use instead of the bundled ones, by region (for example one written by
   * `npm run pricing:refresh -- --out`). Regions absent here fall back to the bundled files.
   */
  readonly priceBooks?: Readonly<Record<string, PriceBook>>;
}

/** The pricer of each priced resource type. */
const PRICERS: Readonly<Record<string, Pricer>> = {
  [AWS_TYPES.sagemakerNotebookInstance]: priceNotebook,
  [AWS_TYPES.sagemakerEndpoint]: priceEndpoint,
  [AWS_TYPES.ec2Instance]: priceEc2Instance,
  [AWS_TYPES.autoscalingGroup]: priceAutoScalingGroup,
  [AWS_TYPES.ebsVolume]: priceStandaloneVolume,
  [AWS_TYPES.lambdaFunction]: priceLambdaFunction,
  [AWS_TYPES.lambdaProvisionedConcurrencyConfig]: priceProvisionedConcurrency,
  [AWS_TYPES.kmsKey]: priceKmsKey,
  [AWS_TYPES.s3Bucket]: priceBucket,
  [AWS_TYPES.s3BucketV2]: priceBucket,
  [AWS_TYPES.cloudwatchLogGroup]: priceLogGroup,
};

/** Resource types with a cost model (a pricer), for callers that classify resources. */
export function isPricedType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(PRICERS, type);
}

/** Resources of these providers are AWS resources that can cost money; components and other packages are not. */
const AWS_PROVIDER_PREFIXES = ["aws:", "aws-native:"];

/**
 * Estimates the monthly cost of a stack.
 *
 * @param resources  the resource graph: `CapturedResource[]` from the offline preview, or a stack policy's
 *                   `args.resources` (whose `props` are outputs). Components, providers and free resources
 *                   (IAM, security groups, models, …) add no line.
 * @param options    the stack's region (default `us-east-1`), assumption overrides, optional price files.
 * @returns          per-resource lines (priced, or "unknown price" with a reason) and totals as a min–max range
 *                   plus the number of unknown lines. Never throws on unknown types, regions or values; throws
 *                   only on invalid `options.assumptions` (naming the field).
 *
 * @example
 * const estimate = estimateStackCost(stack.resources, { region: "us-east-1", assumptions: { trainingHostHoursPerMonth: 200 } });
 * console.log(formatCostTable(estimate));
 */
export function estimateStackCost(
  resources: readonly CostGraphResource[],
  options: EstimateOptions = {},
): StackCostEstimate {
  const assumptions = resolveAssumptions(options.assumptions);
  const region = options.region ?? "us-east-1";
  const stack = new StackEstimation(
    normaliseGraph(resources),
    assumptions,
    region,
    options.region === undefined,
    options.priceBooks ?? {},
  );
  const notEstimated: NotEstimated[] = [];
  let freeResourceCount = 0;
  for (const node of stack.nodes) {
    if (!AWS_PROVIDER_PREFIXES.some((p) => node.type.startsWith(p))) continue; // components, stack, providers
    if (isFreeType(node.type)) {
      freeResourceCount++;
      continue;
    }
    const pricer = PRICERS[node.type];
    if (pricer === undefined || !Object.prototype.hasOwnProperty.call(PRICERS, node.type)) {
      notEstimated.push({
        urn: node.urn,
        name: node.name,
        type: node.type,
        reason: "no cost model for this resource type (not in the price file); its charges are not included",
      });
      continue;
    }
    pricer(stack.contextFor(node));
  }
  return {
    region,
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    lines: stack.lines,
    totals: sumTotals(stack.lines),
    notEstimated,
    freeResourceCount,
    assumptions,
    priceFiles: stack.priceFiles,
  };
}
