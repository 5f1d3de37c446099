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
  /**
   * Log every request to the bucket (S3 server access logging) into a log bucket the component creates, encrypted,
   * versioned, public-access-blocked and TLS-only like the bucket itself. Default:
   * `PROJECT_BUCKET_DEFAULTS.accessLogs`.
   */
  accessLogs?: boolean;
  /**
   * Days to keep each access log object, 1-3650 (with `accessLogs`).
   * Default: `PROJECT_BUCKET_DEFAULTS.accessLogRetentionDays`.
   */
  accessLogRetentionDays?: number;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Every default of `ProjectBucketArgs`, written once (the JSDoc above cites these). */
export const PROJECT_BUCKET_DEFAULTS = {
  noncurrentVersionDays: 90,
  forceDestroy: false,
  protect: false,
  accessLogs: false,
  accessLogRetentionDays: 365,
} as const;

/** Suffix of the access-log bucket's logical name: `<name>-access-logs`. */
export const ACCESS_LOG_BUCKET_SUFFIX = "-access-logs";
/** S3's longest bucket name, and what Pulumi's auto-name appends (`-` and 7 hex characters). */
const MAX_BUCKET_NAME = 63;
const AUTO_NAME_SUFFIX = 8;

/** Every problem with the arguments (see `ArgsValidator`). */
export const validateProjectBucketArgs: ArgsValidator<ProjectBucketArgs> = (args, options = {}) => {
  const v = new ArgProblems();
  if (args.accessLogs && options.name !== undefined) {
    const longest = MAX_BUCKET_NAME - AUTO_NAME_SUFFIX - ACCESS_LOG_BUCKET_SUFFIX.length;
    v.check(
      options.name.length <= longest,
      "name",
      `"${options.name}" is too long for accessLogs: the log bucket is auto-named ` +
        `"<name>${ACCESS_LOG_BUCKET_SUFFIX}-<7 hex>", which must fit S3's ${MAX_BUCKET_NAME} characters, so the ` +
        `name may have at most ${longest}`,
    );
  }
  checkInteger(v, "noncurrentVersionDays", args.noncurrentVersionDays, 1, 3650, "days");
  checkInteger(v, "accessLogRetentionDays", args.accessLogRetentionDays, 1, 3650, "days");
  checkTags(v, args.tags);
  return [...v.items];
};
