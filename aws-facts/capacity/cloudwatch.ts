/**
 * CloudWatch as the managed target-tracking alarms see it: samples aggregated into fixed periods with the
 * metric's statistic, published after a delay, and alarms that go to ALARM when M of the last N datapoints breach.
 *
 * - SageMakerVariantInvocationsPerInstance: each request adds 1/(instances in service) to the metric
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ScalingPolicyMetric.html), emitted once a
 *   minute; target tracking reads its Sum per 60-s period, so the target is invocations per instance per minute
 *   (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-policy.html).
 * - SageMakerVariantConcurrentRequestsPerModelHighResolution: concurrent requests at the container, queued ones
 *   included, emitted every 10 seconds
 *   (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html); read as the
 *   Average per 10-s period.
 * - Alarms: AlarmHigh "> target for M of N", AlarmLow "< low threshold for M of N" (counts in ./assumptions.ts).
 *   Target tracking does not scale in while the alarm is INSUFFICIENT_DATA
 *   (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html).
 */

export type Statistic = "Sum" | "Average";
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** One published datapoint: the period [start, start + period) and its value (undefined: missing). */
export interface Datapoint {
  readonly start: number;
  readonly value: number | undefined;
}

/** Aggregates per-step samples into periods; a period's datapoint is published `delaySeconds` after it ends. */
export class MetricAggregator {
  private periodStart = 0;
  private sum = 0;
  private weight = 0;
  private hasData = false;
  private readonly pending: { readonly publishAt: number; readonly datapoint: Datapoint }[] = [];

  constructor(
    readonly periodSeconds: number,
    readonly statistic: Statistic,
    readonly delaySeconds: number,
  ) {}

  /**
   * Adds the sample of the step [t, t + stepSeconds): for Sum the step's total, for Average the step's mean value
   * (weighted by the step's length). `hasData` false marks a step without any datapoint (no traffic).
   */
  add(t: number, stepSeconds: number, value: number, hasData: boolean): void {
    if (hasData) {
      this.sum += this.statistic === "Sum" ? value : value * stepSeconds;
      this.weight += stepSeconds;
      this.hasData = true;
    }
    const end = t + stepSeconds;
    if (end >= this.periodStart + this.periodSeconds) {
      const value = !this.hasData ? undefined : this.statistic === "Sum" ? this.sum : this.sum / this.weight;
      this.pending.push({
        publishAt: this.periodStart + this.periodSeconds + this.delaySeconds,
        datapoint: { start: this.periodStart, value },
      });
      this.periodStart += this.periodSeconds;
      this.sum = 0;
      this.weight = 0;
      this.hasData = false;
    }
  }

  /** Datapoints published at or before `t`, oldest first (each returned once). */
  takePublished(t: number): Datapoint[] {
    const out: Datapoint[] = [];
    while (this.pending.length > 0 && this.pending[0].publishAt <= t)
      out.push(this.pending.shift()!.datapoint);
    return out;
  }
}

/** A CloudWatch metric alarm: ALARM when `datapointsToAlarm` of the last `evaluationPeriods` breach. */
export class MetricAlarm {
  private readonly history: (number | undefined)[] = [];
  state: AlarmState = "INSUFFICIENT_DATA";

  constructor(
    readonly comparison: "GreaterThanThreshold" | "LessThanThreshold",
    readonly threshold: number,
    readonly datapointsToAlarm: number,
    readonly evaluationPeriods: number,
  ) {}

  private breaches(value: number): boolean {
    return this.comparison === "GreaterThanThreshold" ? value > this.threshold : value < this.threshold;
  }

  /** Adds a datapoint and re-evaluates; returns the new state. */
  evaluate(value: number | undefined): AlarmState {
    this.history.push(value);
    if (this.history.length > this.evaluationPeriods) this.history.shift();
    const known = this.history.filter((v): v is number => v !== undefined);
    const breaching = known.filter((v) => this.breaches(v)).length;
    if (breaching >= this.datapointsToAlarm) this.state = "ALARM";
    else if (this.history.length < this.evaluationPeriods || known.length < this.history.length)
      this.state = "INSUFFICIENT_DATA";
    else this.state = "OK";
    return this.state;
  }
}
