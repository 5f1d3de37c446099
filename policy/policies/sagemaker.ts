/**
 * SageMaker hosting hardening (Checkov CKV_AWS_98): endpoint configurations encrypt the ML storage volume
 * attached to each instance with a customer-managed KMS key.
 *
 * What generic KMS rules miss: instance types with local instance storage (NVMe, hardware-encrypted) cannot take a
 * KMS key at all: CreateEndpointConfig fails if kmsKeyArn is set while any variant uses one. So for those the rule
 * demands the opposite, and reports a key that would break the deployment. Source, KmsKeyId in
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html
 */
import type * as aws from "@pulumi/aws";
import { hasLocalInstanceStorage, parseInstanceType } from "@ml-platform/aws-facts/instance-types";
import { defineResourcePolicy, onType } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

interface Config {
  readonly localStorageClasses: readonly string[];
}

/**
 * True when SageMaker hosts the type on instance storage, so no KMS key may be given: AWS's documented families
 * (decided once, in aws-facts) plus any class the pack's config adds.
 */
export function hasInstanceStorage(instanceType: string, localStorageClasses: readonly string[]): boolean {
  const parsed = parseInstanceType(instanceType);
  if (!parsed.ok) return false;
  const { instanceClass } = parsed.value;
  return (
    hasLocalInstanceStorage(parsed.value) ||
    localStorageClasses.some((c) => c.toLowerCase() === instanceClass)
  );
}

export const endpointConfigKms = defineResourcePolicy<Config>({
  name: "endpoint-config-kms",
  family: "sagemaker",
  description:
    "SageMaker endpoint configurations must encrypt the instances' ML storage volumes with a customer-managed " +
    "KMS key (kmsKeyArn), except when a variant uses an instance type with hardware-encrypted instance storage, " +
    "where AWS forbids a key.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Create an aws.kms.Key (rotation enabled), pass its arn as kmsKeyArn, and allow the SageMaker execution role " +
    "kms:CreateGrant and kms:Decrypt on it. For instance types with local NVMe storage (ml.*d.*, ml.g5, ml.p5, " +
    "...), leave kmsKeyArn unset: their storage is encrypted by the instance hardware.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "kmsKeyArn is normally a key's ARN from the same stack, unknown until the key exists: the policy is " +
      "reported as not run during preview and checks the real value during `pulumi up`. An unknown instance type " +
      "is treated as one without instance storage (a key is required).",
  },
  checks: [
    "`kmsKeyArn` is set when no `productionVariants[].instanceType` has instance storage.",
    "`kmsKeyArn` is unset when one does (a class with a `d` attribute such as m5d or g4dn, or one listed in " +
      "`localStorageClasses`): otherwise CreateEndpointConfig fails.",
  ],
  config: {
    localStorageClasses: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Extra instance classes (without ml. and size) that SageMaker hosts on local NVMe instance storage, for " +
        "families AWS adds before the shared list in aws-facts/instance-types.ts (hasLocalInstanceStorage) does.",
    },
  },
  rules: [
    onType<aws.sagemaker.EndpointConfigurationArgs, Config>(
      AWS_TYPES.sagemakerEndpointConfiguration,
      (config, ctx) => {
        const variants = ctx.probe("productionVariants", () =>
          ((config.productionVariants as { instanceType?: unknown }[] | undefined) ?? []).map((v, i) => {
            const type = ctx.probe(`productionVariants[${i}].instanceType`, () => v?.instanceType);
            return type.known && typeof type.value === "string" ? type.value : undefined;
          }),
        );
        const withStorage = variants.known
          ? variants.value.filter(
              (t): t is string => t !== undefined && hasInstanceStorage(t, ctx.config.localStorageClasses),
            )
          : [];
        const key = ctx.probe("kmsKeyArn", () => config.kmsKeyArn);
        if (!key.known) {
          // A key is being set: that is right unless a variant has instance storage.
          if (withStorage.length === 0) return ctx.defer(key);
        }
        const hasKey = !key.known || (typeof key.value === "string" && key.value.trim() !== "");
        if (withStorage.length > 0) {
          if (!hasKey) return;
          ctx.report({
            property: "kmsKeyArn",
            problem: `is set, but ${withStorage.join(", ")} ${withStorage.length > 1 ? "use" : "uses"} instance storage, which cannot take a KMS key: CreateEndpointConfig fails`,
            fix: "leave kmsKeyArn unset for instance-storage types (their storage is hardware-encrypted), or choose a type without instance storage",
          });
          return;
        }
        if (!hasKey) {
          ctx.report({
            property: "kmsKeyArn",
            problem: "is unset: the endpoint instances' storage volumes use an AWS-managed key",
            fix: "set kmsKeyArn to the ARN of a customer-managed KMS key",
          });
        }
      },
    ),
  ],
});

/** SageMaker hosting hardening, advisory by default (mandatory in policy/config/prod.json). */
export const sagemakerPolicies = [endpointConfigKms];
