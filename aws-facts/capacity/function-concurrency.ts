/**
 * The Lambda function in front of the endpoint, per simulation step:
 * - it needs concurrency = request rate × average duration
 *   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html);
 * - reserved concurrency is its ceiling (without a reservation, the account's unreserved pool); requests beyond it
 *   are throttled (429) and never run the function;
 * - it scales by at most 1,000 execution environments every 10 seconds
 *   (https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html); faster growth is throttled too;
 * - provisioned concurrency is pre-initialised; beyond it requests run on on-demand environments, and each new one
 *   starts cold (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html). Idle on-demand
 *   environments stay warm for `functionWarmSeconds` (undocumented by AWS).
 * The simulation starts in a steady state: the environments the first step needs are already warm.
 */
import type { SimulationAssumptions } from "./assumptions";
import type { FunctionInputs } from "./inputs";

/** Lambda's scaling rate: execution environments per 10 seconds, per function. */
export const LAMBDA_SCALING_ENVIRONMENTS_PER_10S = 1000;

export interface FunctionStep {
  /** Requests per second the function runs (and forwards to the endpoint). */
  readonly acceptedRps: number;
  /** Requests per second throttled with 429. */
  readonly throttledRps: number;
  /** Concurrent executions in use. */
  readonly concurrency: number;
  /** New on-demand execution environments started in this step (each serves a cold start). */
  readonly coldStarts: number;
}

export class FunctionConcurrency {
  private readonly limit: number;
  private previousConcurrency: number | undefined;
  private warmOnDemand = 0;
  private warmLastFullyUsed = 0;

  constructor(
    private readonly fn: FunctionInputs,
    private readonly assumptions: SimulationAssumptions,
  ) {
    this.limit = fn.reservedConcurrency ?? assumptions.accountUnreservedConcurrency;
  }

  /** Concurrency ceiling: reserved concurrency, or the account's unreserved pool. */
  get ceiling(): number {
    return this.limit;
  }

  /** Runs the step [t, t + stepSeconds) at `rps` with each request lasting `durationSeconds`. */
  step(t: number, stepSeconds: number, rps: number, durationSeconds: number): FunctionStep {
    const wanted = rps * durationSeconds;
    const growth = (LAMBDA_SCALING_ENVIRONMENTS_PER_10S * stepSeconds) / 10;
    const reachable = this.previousConcurrency === undefined ? wanted : this.previousConcurrency + growth;
    const concurrency = Math.min(wanted, this.limit, reachable);
    const acceptedRps = concurrency >= wanted || durationSeconds <= 0 ? rps : concurrency / durationSeconds;
    this.previousConcurrency = concurrency;

    // Environments are whole: ceil, with a guard against floating-point noise just above an integer.
    const onDemand = Math.max(0, Math.ceil(concurrency - this.fn.provisionedConcurrency - 1e-9));
    let coldStarts = 0;
    if (t === 0) this.warmOnDemand = onDemand;
    if (onDemand >= this.warmOnDemand) {
      coldStarts = onDemand - this.warmOnDemand;
      this.warmOnDemand = onDemand;
      this.warmLastFullyUsed = t;
    } else if (t - this.warmLastFullyUsed >= this.assumptions.functionWarmSeconds) {
      // Environments idle for longer than the warm period are reclaimed.
      this.warmOnDemand = onDemand;
      this.warmLastFullyUsed = t;
    }
    return { acceptedRps, throttledRps: rps - acceptedRps, concurrency, coldStarts };
  }
}
