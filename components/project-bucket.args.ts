/**
 * The arguments of the ProjectBucket component: their types, their defaults (written once, in
 * {@link PROJECT_BUCKET_DEFAULTS}) and the validator.
 */
import { ArgProblems, checkInteger, checkTags, type ArgsValidator } from "./lib/validation";

export interface ProjectBucketArgs {
  /**
   * Days to keep non-current object versions (overwritten model artifacts), 1-3650.
   * Default: {@link PROJECT_BUCKET_DEFAULTS.noncurrentVersionDays}.
   */
  noncurrentVersionDays?: number;
  /** Let `pulumi destroy` delete a non-empty bucket. Default: {@link PROJECT_BUCKET_DEFAULTS.forceDestroy} (keep your data). */
  forceDestroy?: boolean;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of {@link ProjectBucketArgs}, written once (the JSDoc above cites these). */
export const PROJECT_BUCKET_DEFAULTS = { noncurrentVersionDays: 90, forceDestroy: false } as const;

/** Every problem with the arguments (see {@link ArgsValidator}). */
export const validateProjectBucketArgs: ArgsValidator<ProjectBucketArgs> = (args) => {
  const v = new ArgProblems();
  checkInteger(v, "noncurrentVersionDays", args.noncurrentVersionDays, 1, 3650, "days");
  checkTags(v, args.tags);
  return [...v.items];
};
