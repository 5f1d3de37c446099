/**
 * Traffic profiles: a baseline rate and a list of steps or ramps, replayed by the capacity simulator.
 *
 *   { "name": "5x spike", "durationMinutes": 60, "baselineRps": 1,
 *     "steps": [{ "atMinute": 10, "rps": 5, "rampMinutes": 1 }, { "atMinute": 25, "rps": 1 }] }
 *
 * At minute `atMinute` the rate moves from whatever it was to `rps` requests per second, linearly over
 * `rampMinutes` (0: at once), and holds there until the next step.
 */
import { z } from "zod";

export const TrafficStepSchema = z.strictObject({
  atMinute: z.number().min(0, "must be ≥ 0 (minutes from the start of the profile)"),
  rps: z.number().min(0, "must be ≥ 0 (requests per second)"),
  rampMinutes: z.number().min(0, "must be ≥ 0 (0 means the rate changes at once)").optional(),
});

export const TrafficProfileSchema = z
  .strictObject({
    name: z.string().trim().min(1, "must be a non-empty name"),
    durationMinutes: z
      .number()
      .gt(0, "must be > 0")
      .max(7 * 24 * 60, "must be at most a week (10080 minutes)"),
    baselineRps: z.number().min(0, "must be ≥ 0 (requests per second)"),
    steps: z.array(TrafficStepSchema).default([]),
  })
  .superRefine((profile, ctx) => {
    let previousEnd = 0;
    profile.steps.forEach((step, i) => {
      if (step.atMinute >= profile.durationMinutes) {
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "atMinute"],
          message: `must be before the end of the profile (durationMinutes ${profile.durationMinutes}); got ${step.atMinute}`,
        });
      }
      if (step.atMinute < previousEnd) {
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "atMinute"],
          message:
            `must not start before the previous step has finished (minute ${previousEnd}): steps are in time ` +
            `order and ramps do not overlap; got ${step.atMinute}`,
        });
      }
      previousEnd = step.atMinute + (step.rampMinutes ?? 0);
    });
  });

export type TrafficStep = z.infer<typeof TrafficStepSchema>;
export type TrafficProfile = z.infer<typeof TrafficProfileSchema>;
export type TrafficProfileInput = z.input<typeof TrafficProfileSchema>;

/** Thrown for an invalid profile; the message names each field (`steps[1].atMinute: …`) and the rule. */
export class ProfileError extends Error {
  override name = "ProfileError";
}

/** `steps[1].atMinute: must be …` lines from a zod error, prefixed with `where`. */
export function formatIssues(error: z.ZodError, where: string): string[] {
  return error.issues.map((issue) => {
    let field = where;
    for (const part of issue.path) {
      if (typeof part === "number") field += `[${part}]`;
      else field += field ? `.${String(part)}` : String(part);
    }
    return `${field || "(value)"}: ${issue.message}`;
  });
}

/** Validates one profile; throws a ProfileError naming every bad field. */
export function parseProfile(data: unknown, where = "profile"): TrafficProfile {
  const result = TrafficProfileSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ProfileError(`invalid traffic profile:\n  ${formatIssues(result.error, where).join("\n  ")}`);
}

/** Validates a list of profiles (names must be unique); throws a ProfileError naming every bad field. */
export function parseProfiles(data: unknown, where = "profiles"): TrafficProfile[] {
  const result = z.array(TrafficProfileSchema).safeParse(data);
  if (!result.success)
    throw new ProfileError(`invalid traffic profiles:\n  ${formatIssues(result.error, where).join("\n  ")}`);
  const seen = new Set<string>();
  result.data.forEach((p, i) => {
    if (seen.has(p.name))
      throw new ProfileError(`${where}[${i}].name: must be unique; "${p.name}" appears twice`);
    seen.add(p.name);
  });
  return result.data;
}

/** The offered rate (requests per second) at `seconds` from the start of the profile. */
export function offeredRateAt(profile: TrafficProfile, seconds: number): number {
  const minute = seconds / 60;
  let rate = profile.baselineRps;
  for (const step of profile.steps) {
    if (minute < step.atMinute) break;
    const ramp = step.rampMinutes ?? 0;
    if (ramp > 0 && minute < step.atMinute + ramp) {
      return rate + ((step.rps - rate) * (minute - step.atMinute)) / ramp;
    }
    rate = step.rps;
  }
  return rate;
}

/**
 * The profiles shipped as defaults (policy config `endpoint-capacity.profiles`), in requests per second. Each
 * stack should replace them with its own figures: the rates here suit a small endpoint (dev).
 */
export const DEFAULT_PROFILES: readonly TrafficProfile[] = [
  // Nothing happens: the stack must serve its baseline without dropping anything.
  { name: "steady", durationMinutes: 60, baselineRps: 1, steps: [] },
  // Five times the baseline for 15 minutes, the case the original setup sized its concurrency for ("5 reserved
  // concurrency to handle a 5x spike").
  {
    name: "5x spike",
    durationMinutes: 60,
    baselineRps: 1,
    steps: [
      { atMinute: 10, rps: 5, rampMinutes: 1 },
      { atMinute: 25, rps: 1, rampMinutes: 0 },
    ],
  },
  // A working day: quiet night, a two-hour morning ramp to three times the night rate, an evening ramp down.
  {
    name: "daily peak",
    durationMinutes: 24 * 60,
    baselineRps: 0.5,
    steps: [
      { atMinute: 7 * 60, rps: 1.5, rampMinutes: 120 },
      { atMinute: 18 * 60, rps: 0.5, rampMinutes: 120 },
    ],
  },
];
