/**
 * The two ways driving a policy pack fails: it could not be started or configured, or one of its calls failed.
 */

/** Why a pack could not be started or configured. */
export type PolicyPackSetupErrorKind = "spawn" | "exited" | "timeout" | "bad-output" | "rpc" | "config";

/**
 * The pack failed to start (it exited, printed no port in time, or printed something else), or its config is
 * invalid. `stderr` holds what the pack printed, which is where the runner puts load and type errors.
 */
export class PolicyPackSetupError extends Error {
  public override readonly name = "PolicyPackSetupError";
  constructor(
    message: string,
    public readonly kind: PolicyPackSetupErrorKind,
    public readonly stderr: string = "",
    public readonly exitCode: number | null = null,
    /** For `config` errors: one line per problem, `<policy>: <problem>`. */
    public readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A gRPC call to the pack failed (for example a policy threw an error that is not an unknown value). */
export class PolicyPackCallError extends Error {
  public override readonly name = "PolicyPackCallError";
  constructor(
    message: string,
    public readonly method: string,
    public readonly code: number | undefined,
    public readonly stderr: string,
  ) {
    super(message);
  }
}
