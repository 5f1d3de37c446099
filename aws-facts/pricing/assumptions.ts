/**
 * Usage assumptions behind every estimate. The resource graph says what exists; it cannot say how many hours a
 * training host runs or how many requests a function serves, so those figures are stated here, shown on each cost
 * line's basis, and overridable (by the preview from stack config, by the budget policy from its config).
 */
import { z } from "zod";

/** Hours in a billing month (the AWS Pricing Calculator's convention). Not an assumption: a fixed definition. */
export const HOURS_PER_MONTH = 730;

/**
 * The `monthly-budget` policy's budget when a stack's policy config sets none. The preview shows the same figure,
 * so a stack without `budgetUsd` is compared with the budget the pack actually applies.
 */
export const DEFAULT_MONTHLY_BUDGET_USD = 1000;

const hours = z.number().finite().min(0).max(HOURS_PER_MONTH);
const count = z.number().finite().min(0);

export const CostAssumptionsSchema = z
  .object({
    /**
     * Hours a notebook runs per month when an idle auto-stop lifecycle configuration is attached (the low end of
     * its range; the high end stays 730 h, a notebook kept busy never idles). Default 176: 8 h × 22 working days.
     */
    notebookIdleStopHoursPerMonth: hours.default(176),
    /** Hours per month an EC2 training host runs. Default 730 (always on). */
    trainingHostHoursPerMonth: hours.default(HOURS_PER_MONTH),
    /**
     * Spot savings versus on-demand as a fraction range, for spot EC2 instances. Default: the price file's
     * observed range (0.49–0.66 in us-east-1).
     */
    spotSavings: z
      .object({ min: z.number().min(0).max(1), max: z.number().min(0).max(1) })
      .strict()
      .refine((r) => r.min <= r.max, { message: "min must not exceed max", path: ["min"] })
      .optional(),
    /**
     * ML storage per endpoint instance when a variant does not set `volumeSizeInGb` (AWS then attaches a default
     * volume whose size it does not document per type). Default 30 GB.
     */
    endpointVolumeGbPerInstance: count.default(30),
    /** Requests per month to each Lambda function. Default 1,000,000 (about 0.4 requests per second). */
    lambdaRequestsPerMonth: count.default(1_000_000),
    /** Average billed duration per Lambda invocation, in ms. Default 500 (image download plus endpoint call). */
    lambdaAverageDurationMs: count.default(500),
    /** Requests per month to each SageMaker serverless variant. Default 100,000. */
    serverlessRequestsPerMonth: count.default(100_000),
    /** Average inference duration per serverless request, in ms. Default 500. */
    serverlessAverageDurationMs: count.default(500),
    /** Data processed (request plus response) per serverless request, in KB. Default 200. */
    serverlessPayloadKbPerRequest: count.default(200),
    /** Data stored in each S3 bucket, in GB (S3 Standard). Default 50. */
    bucketStorageGb: count.default(50),
    /**
     * Server access logs kept in each bucket that receives them (the `targetBucket` of an aws.s3.BucketLogging),
     * in GB, instead of bucketStorageGb. Default 1: a log record is a few hundred bytes per request, and the log
     * bucket's lifecycle rule expires old logs.
     */
    accessLogStorageGb: count.default(1),
    /** Log data ingested per month into each CloudWatch log group, in GB. Default 1. */
    logIngestionGbPerMonth: count.default(1),
  })
  .strict();

/** Assumption overrides: every field optional; omitted fields take the documented default. */
export type CostAssumptionsInput = z.input<typeof CostAssumptionsSchema>;
/** Assumptions with every default applied. */
export type CostAssumptions = z.output<typeof CostAssumptionsSchema>;

/** The defaults, for documentation and for the budget policy's configSchema. */
export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = CostAssumptionsSchema.parse({});

/**
 * Applies the defaults to `input` and validates it. Throws an Error naming each bad field and its rule, e.g.
 * `cost assumptions: trainingHostHoursPerMonth: Too big: expected number to be <=730`.
 */
export function resolveAssumptions(input: CostAssumptionsInput | undefined): CostAssumptions {
  const result = CostAssumptionsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new Error(`invalid cost assumptions: ${problems.join("; ")}`);
}
