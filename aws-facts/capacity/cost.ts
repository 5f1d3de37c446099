/**
 * The cost of one simulated profile, with the same price file as the monthly estimate (../pricing): endpoint
 * instance-hours at the hosting rate, and the function's requests, duration and provisioned concurrency at Lambda's
 * rates (https://aws.amazon.com/lambda/pricing/). A missing price makes the cost null with the reason, never zero.
 */
import { getPriceBook } from "../pricing/price-book";
import type { FunctionInputs } from "./inputs";

/** What the simulation counted, for pricing. */
export interface UsageTotals {
  readonly instanceHours: number;
  /** Requests the function ran (throttled ones are not billed). */
  readonly functionRequests: number;
  /** Execution seconds on provisioned environments and on on-demand ones. */
  readonly provisionedExecutionSeconds: number;
  readonly onDemandExecutionSeconds: number;
  readonly durationSeconds: number;
}

export interface ProfileCost {
  /** Total USD, or null when a price is missing. */
  readonly costUsd: number | null;
  readonly endpointUsd: number | null;
  readonly functionUsd: number | null;
  /** Why a figure is null. */
  readonly note?: string;
}

/** Provisioned concurrency is billed from enable to disable, rounded up to 5 minutes. */
const PROVISIONED_BILLING_INCREMENT_SECONDS = 300;

export function priceUsage(
  region: string,
  instanceType: string,
  fn: FunctionInputs | undefined,
  usage: UsageTotals,
): ProfileCost {
  const book = getPriceBook(region);
  if (!book)
    return {
      costUsd: null,
      endpointUsd: null,
      functionUsd: null,
      note: `no price file for region ${region}`,
    };
  const hourly = book.sagemaker.hosting[instanceType]?.usd;
  const endpointUsd = hourly === undefined ? null : usage.instanceHours * hourly;
  let functionUsd: number | null = 0;
  let note: string | undefined =
    hourly === undefined ? `no hosting price for ${instanceType} in ${region}` : undefined;
  if (fn) {
    const prices = book.lambda[fn.architecture];
    const x86 = book.lambda.x86_64;
    const gb = fn.memoryMb / 1024;
    const requests = (prices.requestsPerMillion ?? x86.requestsPerMillion)?.usd;
    const duration = prices.durationGbSecond?.usd;
    const pcDuration = (prices.provisionedDurationGbSecond ?? x86.provisionedDurationGbSecond)?.usd;
    const pc = (prices.provisionedConcurrencyGbSecond ?? x86.provisionedConcurrencyGbSecond)?.usd;
    if (
      requests === undefined ||
      duration === undefined ||
      (fn.provisionedConcurrency > 0 && (pcDuration === undefined || pc === undefined))
    ) {
      functionUsd = null;
      note = [note, `no Lambda ${fn.architecture} price in ${region}`].filter(Boolean).join("; ");
    } else {
      const billedSeconds =
        Math.ceil(usage.durationSeconds / PROVISIONED_BILLING_INCREMENT_SECONDS) *
        PROVISIONED_BILLING_INCREMENT_SECONDS;
      functionUsd =
        (usage.functionRequests / 1e6) * requests +
        usage.onDemandExecutionSeconds * gb * duration +
        usage.provisionedExecutionSeconds * gb * (pcDuration ?? 0) +
        fn.provisionedConcurrency * gb * billedSeconds * (pc ?? 0);
    }
  }
  const costUsd = endpointUsd === null || functionUsd === null ? null : endpointUsd + functionUsd;
  return { costUsd, endpointUsd, functionUsd, ...(note ? { note } : {}) };
}
