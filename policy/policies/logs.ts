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

interface Config {
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
  validateConfig: (c) =>
    c.minRetentionDays > c.maxRetentionDays
      ? [`minRetentionDays (${c.minRetentionDays}) must not exceed maxRetentionDays (${c.maxRetentionDays})`]
      : [],
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
});

/** CloudWatch Logs hardening, advisory by default (mandatory in policy/config/prod.json). */
export const logsPolicies = [logGroupRetentionEncryption];
