/**
 * The blind-spot corpus: each case names the class of input it probes, the policy that must catch it (or stay
 * silent), and the resources, as inputs for resource policies or outputs for stack policies.
 */
import type { StackResourceInput } from "../harness";

export interface CorpusCase {
  readonly description: string;
  /** The policy under test, by name. */
  readonly policy: string;
  /** Resources: one resource for a resource policy, the stack for a stack policy. */
  readonly resources: readonly StackResourceInput[];
  /** True when the policy must report at least one violation; false when it must report none. */
  readonly caught: boolean;
  /** A pattern the violations must match (what the message must say). */
  readonly says?: RegExp;
  /** A pattern no violation may match (what the message must never say). */
  readonly neverSays?: RegExp;
  /** True when part of the input is unknown and the policy may defer the rest after its findings. */
  readonly defers?: boolean;
  /** Policy config, as in policy/config/<stack>.json. */
  readonly config?: Record<string, unknown>;
}
