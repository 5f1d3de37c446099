/**
 * The capacity check's settings as they appear in a stack's policy config (`"endpoint-capacity": { … }` in
 * policy/config/<stack>.json): the profiles to replay, which of them the policy enforces, the limits, and
 * assumption overrides. The policy, `npm run capacity` and the preview all resolve them here, so they agree.
 */
import { z } from "zod";
import { resolveSimulationAssumptions, type SimulationAssumptions } from "./assumptions";
import { DEFAULT_PROFILES, formatIssues, parseProfiles, type TrafficProfile } from "./profile";
import type { CapacityLimits } from "./stack";

export const DEFAULT_CAPACITY_LIMITS: CapacityLimits = { maxDroppedPercent: 1, maxThrottledPercent: 1 };

/** The policy name, and the key of its block in policy/config/<stack>.json. */
export const CAPACITY_POLICY_NAME = "endpoint-capacity";

export interface CapacityConfig {
  readonly profiles: readonly TrafficProfile[];
  /** Profiles the policy enforces the limits on; empty: all of them. */
  readonly checkedProfiles: readonly string[];
  readonly limits: CapacityLimits;
  readonly assumptions: SimulationAssumptions;
}

const percent = z.number().min(0, "must be ≥ 0 (percent)").max(100, "must be ≤ 100 (percent)");

const RawCapacityConfig = z.object({
  profiles: z.unknown().optional(),
  checkedProfiles: z.array(z.string().min(1)).optional(),
  maxDroppedPercent: percent.optional(),
  maxThrottledPercent: percent.optional(),
  assumptions: z.unknown().optional(),
});

/**
 * Resolves the `endpoint-capacity` block (other keys such as enforcementLevel and exemptions are ignored); throws
 * an Error naming each bad field.
 */
export function resolveCapacityConfig(raw: unknown = {}, where = CAPACITY_POLICY_NAME): CapacityConfig {
  const parsed = RawCapacityConfig.safeParse(raw ?? {});
  if (!parsed.success)
    throw new Error(`invalid ${where} config:\n  ${formatIssues(parsed.error, where).join("\n  ")}`);
  const c = parsed.data;
  const profiles =
    c.profiles === undefined ? [...DEFAULT_PROFILES] : parseProfiles(c.profiles, `${where}.profiles`);
  const checkedProfiles = c.checkedProfiles ?? [];
  const names = profiles.map((p) => p.name);
  checkedProfiles.forEach((name, i) => {
    if (!names.includes(name))
      throw new Error(
        `${where}.checkedProfiles[${i}]: "${name}" is not one of the profiles (${names.map((n) => `"${n}"`).join(", ")})`,
      );
  });
  return {
    profiles,
    checkedProfiles,
    limits: {
      maxDroppedPercent: c.maxDroppedPercent ?? DEFAULT_CAPACITY_LIMITS.maxDroppedPercent,
      maxThrottledPercent: c.maxThrottledPercent ?? DEFAULT_CAPACITY_LIMITS.maxThrottledPercent,
    },
    assumptions: resolveSimulationAssumptions(c.assumptions ?? {}, `${where}.assumptions`),
  };
}
