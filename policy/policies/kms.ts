/**
 * KMS hardening (AWSGuard `cmk-backing-key-rotation-enabled`, Checkov CKV_AWS_7, cdk-nag AwsSolutions-KMS5):
 * customer managed symmetric encryption keys rotate their key material automatically, so a leaked or broken
 * backing key stops protecting new data within a year.
 *
 * Only keys AWS can rotate are held to it. Automatic rotation is not supported for asymmetric keys, HMAC keys, keys
 * in a custom key store (CloudHSM or external) and keys with imported key material (aws.kms.ExternalKey, a separate
 * resource type this policy does not check); EnableKeyRotation fails on them.
 * Source: https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

interface Config {
  readonly maxRotationPeriodDays: number;
}

/** The key spec of a symmetric encryption key, the only spec AWS rotates automatically. */
export const SYMMETRIC_KEY_SPEC = "SYMMETRIC_DEFAULT";
/** Rotation periods KMS accepts (RotationPeriodInDays), in days. */
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560, default: 365 } as const;

/** Why AWS cannot rotate a key with these settings, or undefined when it can. */
export function notRotatable(key: {
  keySpec?: unknown;
  keyUsage?: unknown;
  customKeyStoreId?: unknown;
  xksKeyId?: unknown;
}): string | undefined {
  if (typeof key.keySpec === "string" && key.keySpec !== SYMMETRIC_KEY_SPEC)
    return `its key spec ${key.keySpec} is ${key.keySpec.startsWith("HMAC") ? "an HMAC" : "an asymmetric"} key`;
  if (key.keyUsage === "GENERATE_VERIFY_MAC") return "it is an HMAC key";
  if (key.keyUsage === "SIGN_VERIFY" || key.keyUsage === "KEY_AGREEMENT")
    return `it is an asymmetric ${key.keyUsage} key`;
  if (typeof key.customKeyStoreId === "string" && key.customKeyStoreId !== "")
    return "it lives in a custom key store";
  if (typeof key.xksKeyId === "string" && key.xksKeyId !== "") return "it lives in an external key store";
  return undefined;
}

export const kmsKeyRotation = defineResourcePolicy<Config>({
  name: "kms-key-rotation",
  family: "kms",
  description:
    "Customer managed symmetric KMS keys must have automatic key rotation enabled (enableKeyRotation), with a " +
    "rotation period no longer than the configured maximum.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set `enableKeyRotation: true` on the aws.kms.Key (and `rotationPeriodInDays` within the maximum, or leave it " +
    "unset for AWS's 365 days). Asymmetric, HMAC and custom-key-store keys cannot rotate automatically and are " +
    "not checked: rotate them manually by creating a new key and moving the alias.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "enableKeyRotation and the key spec are literals; an unknown one is reported, since an unknown flag could be " +
      "false. An unknown rotation period defers to `pulumi up`.",
  },
  checks: [
    "Every `aws.kms.Key` whose `customerMasterKeySpec` is `SYMMETRIC_DEFAULT` (or unset) with `ENCRYPT_DECRYPT` usage, outside a " +
      "custom or external key store, has `enableKeyRotation` true.",
    "`rotationPeriodInDays`, when set, is at most `maxRotationPeriodDays`.",
    "Keys AWS cannot rotate (asymmetric, HMAC, custom key store, imported material) are not applicable " +
      "(https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).",
  ],
  config: {
    maxRotationPeriodDays: {
      type: "integer",
      minimum: ROTATION_PERIOD_DAYS.min,
      maximum: ROTATION_PERIOD_DAYS.max,
      default: ROTATION_PERIOD_DAYS.default,
      description:
        "Longest rotation period allowed, in days (KMS accepts 90-2560; AWS's default period is 365).",
    },
  },
  rules: [
    onType<aws.kms.KeyArgs, Config>(AWS_TYPES.kmsKey, (key, ctx) => {
      const shape = ctx.probe("customerMasterKeySpec", () => ({
        keySpec: key.customerMasterKeySpec,
        keyUsage: key.keyUsage,
        customKeyStoreId: key.customKeyStoreId,
        xksKeyId: key.xksKeyId,
      }));
      if (!shape.known)
        return ctx.failClosed(shape, "an unknown key spec could be a symmetric key without rotation");
      const reason = notRotatable(shape.value);
      if (reason !== undefined)
        return ctx.args.notApplicable(`AWS cannot rotate this key automatically: ${reason}`);

      const rotation = ctx.probe("enableKeyRotation", () => key.enableKeyRotation);
      if (!rotation.known) return ctx.failClosed(rotation, "an unknown flag could be false");
      if (rotation.value !== true) {
        ctx.report({
          property: "enableKeyRotation",
          problem: `is ${rotation.value === undefined ? "unset (false)" : JSON.stringify(rotation.value)}: the key's material is never rotated`,
          fix: "set enableKeyRotation to true",
        });
        return;
      }
      const period = ctx.probe("rotationPeriodInDays", () => key.rotationPeriodInDays);
      if (!period.known) return ctx.defer(period);
      if (typeof period.value === "number" && period.value > ctx.config.maxRotationPeriodDays) {
        ctx.report({
          property: "rotationPeriodInDays",
          problem: `is ${period.value} days, longer than the allowed ${ctx.config.maxRotationPeriodDays}`,
          fix: `set rotationPeriodInDays to at most ${ctx.config.maxRotationPeriodDays}, or leave it unset (365)`,
        });
      }
    }),
  ],
});

/** KMS hardening, advisory by default (mandatory in policy/config/prod.json). */
export const kmsPolicies = [kmsKeyRotation];
