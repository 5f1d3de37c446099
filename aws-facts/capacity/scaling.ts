/**
 * Application Auto Scaling target tracking, as documented
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html and
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html):
 * - it scales out when AlarmHigh is in ALARM and in when AlarmLow is, proportionally to the metric, rounding so
 *   that it never adds too little nor removes too much: desired = ceil(capacity × metric / target) (AWS gives no
 *   formula; this is the Kubernetes HPA rule, see `scaleOutCapacityBasis` in ./assumptions.ts);
 * - it never leaves [minCapacity, maxCapacity]
 *   (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html);
 * - scale-out cooldown: after a scale-out it "won't increase the desired capacity again unless either a larger scale
 *   out is triggered or the cooldown period ends"; the capacity just added counts as part of the desired capacity;
 * - scale-in cooldown: no further scale-in until it ends; a scale-out during it happens at once and ends it;
 * - disableScaleIn: never removes capacity.
 */
import type { SimulationAssumptions } from "./assumptions";
import type { ScalingInputs } from "./inputs";

export interface ScalingDecision {
  readonly t: number;
  readonly from: number;
  readonly to: number;
  readonly direction: "out" | "in";
  /** The datapoint that triggered it. */
  readonly metricValue: number;
}

export class TargetTrackingPolicy {
  /** The scalable target's desired capacity. */
  desired: number;
  private scaleOutCooldownEnds = -Infinity;
  private scaleInCooldownEnds = -Infinity;
  /** Desired capacity before the scale-out that started the current scale-out cooldown. */
  private capacityBeforeScaleOut = 0;

  constructor(
    private readonly scaling: ScalingInputs,
    private readonly assumptions: SimulationAssumptions,
    initialCapacity: number,
  ) {
    this.desired = this.clamp(initialCapacity);
  }

  private clamp(n: number): number {
    return Math.min(this.scaling.maxCapacity, Math.max(this.scaling.minCapacity, n));
  }

  /** `ceil(capacity × metric / target)`, guarding against floating-point noise just above an integer. */
  private proportional(capacity: number, metricValue: number): number {
    return Math.ceil((capacity * metricValue) / this.scaling.targetValue - 1e-9);
  }

  /** AlarmHigh is in ALARM at `t` with `metricValue`; `inService` is the capacity the metric is normalised by. */
  onHighAlarm(t: number, metricValue: number, inService: number): ScalingDecision | undefined {
    const inCooldown = t < this.scaleOutCooldownEnds;
    // In the cooldown the capacity just added counts as already there: only a larger scale-out (computed from the
    // capacity before it) raises desired further.
    const basis = inCooldown
      ? this.capacityBeforeScaleOut
      : this.assumptions.scaleOutCapacityBasis === "desired"
        ? this.desired
        : inService;
    const wanted = this.clamp(this.proportional(basis, metricValue));
    if (wanted <= this.desired) return undefined;
    const decision: ScalingDecision = { t, from: this.desired, to: wanted, direction: "out", metricValue };
    if (!inCooldown) this.capacityBeforeScaleOut = basis;
    this.desired = wanted;
    this.scaleOutCooldownEnds = t + this.scaling.scaleOutCooldownSeconds;
    this.scaleInCooldownEnds = -Infinity; // a scale-out ends the scale-in cooldown
    return decision;
  }

  /** AlarmLow is in ALARM at `t` with `metricValue`. */
  onLowAlarm(t: number, metricValue: number): ScalingDecision | undefined {
    if (this.scaling.disableScaleIn) return undefined;
    if (t < this.scaleInCooldownEnds) return undefined;
    if (!this.assumptions.scaleInDuringScaleOutCooldown && t < this.scaleOutCooldownEnds) return undefined;
    const wanted = this.clamp(this.proportional(this.desired, metricValue));
    if (wanted >= this.desired) return undefined;
    const decision: ScalingDecision = { t, from: this.desired, to: wanted, direction: "in", metricValue };
    this.desired = wanted;
    this.scaleInCooldownEnds = t + this.scaling.scaleInCooldownSeconds;
    return decision;
  }
}
