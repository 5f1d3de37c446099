/**
 * CloudWatch Logs hardening (Checkov CKV_AWS_66 and CKV_AWS_158, cdk-nag NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod
 * and -CloudWatchLogGroupEncrypted, AWS Config cw-loggroup-retention-period-check and cloudwatch-log-group-encrypted):
 * - retention is set, and no longer than a configured maximum: a group without retention keeps (and bills) every
 *   line forever, and the inference function's logs hold request URLs that have no business outliving their use;
 * - with `requireKmsKey` (prod), the group is encrypted with a customer managed KMS key, so reading the logs needs
 *   kms:Decrypt on a key the platform controls and key usage is audited in CloudTrail. The key's policy must let
 *   logs.<region>.amazonaws.com use it for this group
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/**
 * The retention periods CloudWatch Logs accepts, in days
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

interface Config {
  readonly defaultRetentionDays: number;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  readonly requireKmsKey: boolean;
}

export const logGroupRetentionEncryption = defineResourcePolicy<Config>({
  name: "log-group-retention-encryption",
  family: "logs",
  description:
    "CloudWatch log groups must set retentionInDays between the configured minimum and maximum (never " +
    "unset or 0, which keep logs forever) and, where requireKmsKey is on, a customer managed KMS key (kmsKeyId).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set `retentionInDays` to a CloudWatch retention value within the allowed range. For encryption, create an " +
    "aws.kms.Key (rotation on) whose key policy allows logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, " +
    "kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* on the condition kms:EncryptionContext:aws:logs:arn = " +
    "the group's ARN, and pass its ARN as `kmsKeyId` (InferenceFunction does this with `encryptLogs: true`).",
  unknownValues: {
    behaviour: "mixed",
    detail:
      "retentionInDays is a literal: an unknown one is reported (fail closed). kmsKeyId is a key's ARN from the " +
      "stack, unknown until the key exists: an unknown value counts as set, since only its presence is checked.",
  },
  checks: [
    "`aws.cloudwatch.LogGroup` `retentionInDays` is set, not 0, and within `minRetentionDays`..`maxRetentionDays`.",
    "With `requireKmsKey`, `kmsKeyId` is set.",
  ],
  config: {
    defaultRetentionDays: {
      type: "integer",
      enum: RETENTION_DAYS,
      default: 30,
      description:
        "Retention the remediation sets on a log group that leaves retentionInDays unset (a CloudWatch retention " +
        "value within minRetentionDays..maxRetentionDays).",
    },
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Shortest retention allowed, in days (raise it where audits need logs for a set time).",
    },
    maxRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 365,
      description: "Longest retention allowed, in days: stored log data is billed every month it is kept.",
    },
    requireKmsKey: {
      type: "boolean",
      default: false,
      description: "Require a customer managed KMS key (kmsKeyId) on every log group.",
    },
  },
  validateConfig: (c) => {
    if (c.minRetentionDays > c.maxRetentionDays)
      return [
        `minRetentionDays (${c.minRetentionDays}) must not exceed maxRetentionDays (${c.maxRetentionDays})`,
      ];
    if (c.defaultRetentionDays < c.minRetentionDays || c.defaultRetentionDays > c.maxRetentionDays)
      return [
        `defaultRetentionDays (${c.defaultRetentionDays}) must be within minRetentionDays (${c.minRetentionDays}) ` +
          `and maxRetentionDays (${c.maxRetentionDays})`,
      ];
    return [];
  },
  rules: [
    onType<aws.cloudwatch.LogGroupArgs, Config>(AWS_TYPES.cloudwatchLogGroup, (group, ctx) => {
      const { minRetentionDays: min, maxRetentionDays: max } = ctx.config;
      const retention = ctx.probe("retentionInDays", () => group.retentionInDays);
      if (!retention.known) ctx.failClosed(retention, "an unknown retention could be forever");
      else if (typeof retention.value !== "number" || retention.value === 0) {
        ctx.report({
          property: "retentionInDays",
          problem: `is ${retention.value === undefined ? "unset" : JSON.stringify(retention.value)}: the logs are kept, and billed, forever`,
          fix: `set retentionInDays to a CloudWatch retention value from ${min} to ${max} days`,
        });
      } else if (retention.value < min || retention.value > max) {
        ctx.report({
          property: "retentionInDays",
          problem: `is ${retention.value} days, outside the allowed ${min} to ${max}`,
          fix: `set retentionInDays to a CloudWatch retention value from ${min} to ${max} days`,
        });
      }

      if (!ctx.config.requireKmsKey) return;
      const key = ctx.probe("kmsKeyId", () => group.kmsKeyId);
      if (!key.known) return;
      if (typeof key.value !== "string" || key.value.trim() === "") {
        ctx.report({
          property: "kmsKeyId",
          problem: "is unset: the logs are encrypted only with a key CloudWatch Logs manages",
          fix: "set kmsKeyId to the ARN of a customer managed KMS key whose key policy allows CloudWatch Logs",
        });
      }
    }),
  ],
  remediation: {
    summary:
      "sets an unset `retentionInDays` to `defaultRetentionDays`. A retention that is set (0, which keeps logs " +
      "forever, included) is never changed: shortening it would delete log data. A missing KMS key is not added.",
    remediate: (group: { retentionInDays?: unknown }, ctx) =>
      group.retentionInDays === undefined || group.retentionInDays === null
        ? [{ property: "retentionInDays", value: ctx.config.defaultRetentionDays }]
        : [],
  },
});

/** CloudWatch Logs hardening, advisory by default (mandatory in policy/config/prod.json). */
export const logsPolicies = [logGroupRetentionEncryption];
