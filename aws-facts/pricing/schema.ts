/**
 * The format of a price file (`aws-facts/pricing/<region>.json`). One file per region; the refresh command
 * (`npm run pricing:refresh`) writes the same format from the AWS Price List API.
 *
 * Every price carries where it came from, when, and how far to trust it:
 * - `confidence: "aws"`: AWS's own price data (an AWS page or doc, or Price List API output);
 * - `confidence: "secondary"`: third-party compilations or notes citing the AWS price list.
 * A `note` flags figures the sources call uncertain or likely stale; the estimator shows it on the cost line.
 */
import { z } from "zod";

/** How far a figure can be trusted: AWS's own data, or a secondary source. */
export const Confidence = z.enum(["aws", "secondary"]);
export type Confidence = z.infer<typeof Confidence>;

/** Billing units used in the file. */
export const PriceUnit = z.enum([
  "hour",
  "GB-month",
  "GB-second",
  "1M requests",
  "key-month",
  "GB",
  "IOPS-month",
  "MiB/s-month",
]);
export type PriceUnit = z.infer<typeof PriceUnit>;

/**
 * `asOf` is an ISO 8601 date (`2026-07-20`), month (`2026-09`), year (`2022`) or interval of years (`2022/2026`)
 * when the source compilation gives no exact date.
 */
const SourceUrl = z.url({ protocol: /^https$/, error: "url must be an https:// address" });

const AsOf = z
  .string()
  .regex(
    /^\d{4}(-\d{2}(-\d{2})?)?(\/\d{4}(-\d{2}(-\d{2})?)?)?$/,
    "asOf must be an ISO 8601 date, month, year or year interval such as 2026-07-20, 2026-09 or 2022/2026",
  );

/** Where a figure comes from: every price and ratio in the file carries it. */
const PROVENANCE = {
  /** Where the figure comes from, precise enough to re-check it. */
  source: z.string().min(1),
  /** The public page (or price-list file) to re-check the figure against. */
  url: SourceUrl.optional(),
  asOf: AsOf,
  confidence: Confidence,
  /** Why the figure deserves care: "uncertain", "likely stale", … */
  note: z.string().min(1).optional(),
};

/** One unit price in USD. */
export const PriceEntry = z
  .object({
    /** USD per `unit`. */
    usd: z.number().nonnegative().finite(),
    unit: PriceUnit,
    ...PROVENANCE,
  })
  .strict();
export type PriceEntry = z.infer<typeof PriceEntry>;

/** A price that applies up to `upTo` units (inclusive); the last tier has no bound. */
export const PriceTier = PriceEntry.extend({ upTo: z.number().int().positive().optional() }).strict();
export type PriceTier = z.infer<typeof PriceTier>;

/** Tiers in ascending order of `upTo`; only the last may (and must) be unbounded. */
const PriceTiers = z
  .array(PriceTier)
  .min(1)
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, i) => {
      const last = i === tiers.length - 1;
      if (last !== (tier.upTo === undefined))
        ctx.addIssue({
          code: "custom",
          path: [i, "upTo"],
          message: last ? "the last tier must have no upTo" : "every tier but the last needs upTo",
        });
      const previous = tiers[i - 1]?.upTo;
      if (tier.upTo !== undefined && previous !== undefined && tier.upTo <= previous)
        ctx.addIssue({ code: "custom", path: [i, "upTo"], message: "upTo must increase from tier to tier" });
    });
  });

/** A fraction (0–1) with provenance, e.g. AWS's "up to 90 %" managed spot training savings. */
const SourcedFraction = z
  .object({
    fraction: z.number().min(0).max(1),
    ...PROVENANCE,
  })
  .strict();

/** An indicative savings range versus on-demand (fractions 0–1, min ≤ max). */
export const SavingsRange = z
  .object({
    min: z.number().min(0).max(1),
    max: z.number().min(0).max(1),
    ...PROVENANCE,
  })
  .strict()
  .refine((r) => r.min <= r.max, { message: "min must not exceed max", path: ["min"] });
export type SavingsRange = z.infer<typeof SavingsRange>;

/** Instance type → hourly price. Keys are the exact type strings (`ml.m5.large`, `m5.large`). */
const InstancePrices = z.record(z.string().regex(/^(ml\.)?[a-z0-9-]+\.[a-z0-9-]+$/), PriceEntry);

/** Lambda prices for one architecture (both architectures bill the same items, at different rates). */
const LambdaArchitecturePrices = z
  .object({
    requestsPerMillion: PriceEntry.optional(),
    durationGbSecond: PriceEntry.optional(),
    provisionedConcurrencyGbSecond: PriceEntry.optional(),
    provisionedDurationGbSecond: PriceEntry.optional(),
  })
  .strict();

export const PriceBook = z
  .object({
    schemaVersion: z.literal(1),
    /** AWS region code, e.g. `us-east-1`. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "region must be a region code such as us-east-1"),
    currency: z.literal("USD"),
    /** Hours in a billing month: 730, the AWS Pricing Calculator's convention. */
    hoursPerMonth: z.literal(730),
    /** ISO date the file was written. */
    generatedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** How the file was produced (hand-curated, or the refresh command). */
    generatedBy: z.string().min(1),
    sagemaker: z
      .object({
        /** Notebook instances, per instance-hour (usage type `<REGION>-Notebk:<type>`). */
        notebook: InstancePrices,
        /** Real-time inference hosting, per instance-hour (`<REGION>-Host:<type>`). */
        hosting: InstancePrices,
        /** Training, per instance-hour (`<REGION>-Train:<type>`). */
        training: InstancePrices,
        /** Types known to have no credible price here, with the reason (shown on the "unknown price" line). */
        unpriced: z.record(z.string(), z.string().min(1)).optional(),
        /** ML storage for notebook and endpoint volumes, per GB-month. */
        mlStorageGbMonth: PriceEntry.optional(),
        serverless: z
          .object({
            /** Serverless inference duration, per GB-second of configured memory. */
            inferenceGbSecond: PriceEntry.optional(),
            /** Data processed in and out, per GB. */
            dataProcessedGb: PriceEntry.optional(),
          })
          .strict()
          .optional(),
        managedSpotTrainingMaxSavings: SourcedFraction.optional(),
      })
      .strict(),
    ec2: z
      .object({
        /** On-demand Linux, shared tenancy, no pre-installed software, per instance-hour. */
        onDemandLinux: InstancePrices,
        /** Indicative spot savings versus on-demand. */
        spotSavings: SavingsRange.optional(),
      })
      .strict(),
    /**
     * EBS volumes by volume type (https://aws.amazon.com/ebs/pricing/): storage per GB-month for every type,
     * plus provisioned IOPS (io1, io2 by tier, gp3 above its included 3,000) and gp3 throughput above its
     * included 125 MiB/s.
     */
    ebs: z
      .object({
        gp3GbMonth: PriceEntry.optional(),
        gp3IopsMonth: PriceEntry.optional(),
        gp3ThroughputMibpsMonth: PriceEntry.optional(),
        gp2GbMonth: PriceEntry.optional(),
        io1GbMonth: PriceEntry.optional(),
        io1IopsMonth: PriceEntry.optional(),
        io2GbMonth: PriceEntry.optional(),
        io2IopsMonthTiers: PriceTiers.optional(),
        st1GbMonth: PriceEntry.optional(),
        sc1GbMonth: PriceEntry.optional(),
        standardGbMonth: PriceEntry.optional(),
      })
      .strict(),
    lambda: z
      .object({
        x86_64: LambdaArchitecturePrices,
        arm64: LambdaArchitecturePrices,
      })
      .strict(),
    kms: z.object({ keyMonth: PriceEntry.optional() }).strict(),
    s3: z.object({ standardGbMonth: PriceEntry.optional() }).strict(),
    cloudwatch: z.object({ logsIngestionGb: PriceEntry.optional() }).strict(),
  })
  .strict();

/** A validated price file. */
export type PriceBook = z.infer<typeof PriceBook>;
export type LambdaArchitecturePrices = PriceBook["lambda"]["x86_64"];

/**
 * Validates a parsed price file; throws an Error naming each bad field (`sagemaker.hosting.ml.m5.large.usd: …`).
 * @param origin  where the data came from, for the message (a file path or "us-east-1.json").
 */
export function parsePriceBook(data: unknown, origin: string): PriceBook {
  const result = PriceBook.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new Error(`invalid price file ${origin}:\n  ${problems.join("\n  ")}`);
}
