/**
 * The arguments of the ProjectBucket component: their types, their defaults (written once, in
 * `PROJECT_BUCKET_DEFAULTS`) and the validator.
 */
import { ArgProblems, checkInteger, checkTags, type ArgsValidator } from "./lib/validation";

export interface ProjectBucketArgs {
  /**
   * Days to keep non-current object versions (overwritten model artifacts), 1-3650.
   * Default: `PROJECT_BUCKET_DEFAULTS.noncurrentVersionDays`.
   */
  noncurrentVersionDays?: number;
  /**
   * Protect the bucket itself (the `protect` resource option): a replacement or `pulumi destroy` then stops instead
   * of deleting the data. Only the bucket: its settings (policy, encryption, lifecycle, ...) hold no data and stay
   * replaceable. Prefer this to `protect` in the component's options, which every child would inherit.
   * Default: `PROJECT_BUCKET_DEFAULTS.protect`.
   */
  protect?: boolean;
  /** Let `pulumi destroy` delete a non-empty bucket. Default: `PROJECT_BUCKET_DEFAULTS.forceDestroy` (keep your data). */
  forceDestroy?: boolean;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of `ProjectBucketArgs`, written once (the JSDoc above cites these). */
export const PROJECT_BUCKET_DEFAULTS = {
  noncurrentVersionDays: 90,
  forceDestroy: false,
  protect: false,
} as const;

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateProjectBucketArgs: ArgsValidator<ProjectBucketArgs> = (args) => {
  const v = new ArgProblems();
  checkInteger(v, "noncurrentVersionDays", args.noncurrentVersionDays, 1, 3650, "days");
  checkTags(v, args.tags);
  return [...v.items];
};
