/**
 * SageMaker notebook instance hardening (cdk-nag SM1–SM3, Checkov CKV_AWS_122/307/371/22). A notebook is a
 * long-lived, interactive host with the training role's credentials on it, so it gets the same treatment as a
 * bastion: no direct internet, no root, IMDSv2 only and its volume encrypted with a key the team controls.
 *
 * Unset fields count as the AWS default, which for `directInternetAccess` and `rootAccess` is Enabled and for the
 * minimum IMDS version is 1: an omission must not pass (Checkov's CKV_AWS_122 passes it, which is wrong).
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType, type ResourceRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const NOTEBOOK = AWS_TYPES.sagemakerNotebookInstance;

/**
 * Requires an Enabled/Disabled notebook field to be exactly "Disabled". Unset means Enabled (the AWS default) and
 * is reported; an unknown value fails closed, since it could be Enabled.
 */
function requireDisabled(
  ctx: ResourceRuleContext<Record<string, never>>,
  property: string,
  read: () => string | undefined,
  message: { consequence: string; fix: string },
): void {
  const value = ctx.probe(property, read);
  if (!value.known) return ctx.failClosed(value, "an unknown value could be Enabled");
  if (value.value === "Disabled") return;
  ctx.report({
    property,
    problem:
      value.value === undefined
        ? `is unset, which means Enabled (the AWS default): ${message.consequence}`
        : `is "${value.value}": ${message.consequence}`,
    fix: message.fix,
  });
}

export const notebookNoDirectInternet = defineResourcePolicy({
  name: "notebook-no-direct-internet",
  family: "notebook",
  description:
    "SageMaker notebook instances must set directInternetAccess to Disabled and reach the internet, if at all, " +
    "through the VPC.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set directInternetAccess: "Disabled" together with subnetId and securityGroups (AWS requires both), and give ' +
    "the subnet a NAT gateway or VPC endpoints for the services the notebook needs.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "directInternetAccess is a literal in every sane program; an unknown value could be Enabled, so it is reported.",
  },
  checks: [
    '`directInternetAccess` is exactly "Disabled"; unset means Enabled (the AWS default) and is reported.',
  ],
  rules: [
    onType<aws.sagemaker.NotebookInstanceArgs>(NOTEBOOK, (nb, ctx) =>
      requireDisabled(ctx, "directInternetAccess", () => nb.directInternetAccess, {
        consequence: "the notebook gets a public internet path",
        fix: 'set directInternetAccess to "Disabled" with subnetId and securityGroups',
      }),
    ),
  ],
});

export const notebookNoRootAccess = defineResourcePolicy({
  name: "notebook-no-root-access",
  family: "notebook",
  description: "SageMaker notebook instances must set rootAccess to Disabled.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set rootAccess: "Disabled". Install packages in a lifecycle configuration (which still runs as root) or in ' +
    "user-level conda environments.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "rootAccess is a literal in every sane program; an unknown value could be Enabled, so it is reported.",
  },
  checks: ['`rootAccess` is exactly "Disabled"; unset means Enabled (the AWS default) and is reported.'],
  rules: [
    onType<aws.sagemaker.NotebookInstanceArgs>(NOTEBOOK, (nb, ctx) =>
      requireDisabled(ctx, "rootAccess", () => nb.rootAccess, {
        consequence: "notebook users get root",
        fix: 'set rootAccess to "Disabled" and install software from a lifecycle configuration',
      }),
    ),
  ],
  remediation: {
    summary: 'sets `rootAccess` to "Disabled" where it is unset or "Enabled".',
    remediate: () => [{ property: "rootAccess", value: "Disabled" }],
  },
});

export const notebookImdsv2 = defineResourcePolicy({
  name: "notebook-imdsv2",
  family: "notebook",
  description:
    "SageMaker notebook instances must require IMDSv2 " +
    '(instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion "2").',
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" }. IMDSv1 lets an ' +
    "SSRF in notebook code read the instance role's credentials.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: 'The minimum IMDS version is a literal; an unknown value could be "1", so it is reported.',
  },
  checks: [
    '`instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion` is "2"; unset means "1" ' +
      "(the AWS default) and is reported.",
  ],
  rules: [
    onType<aws.sagemaker.NotebookInstanceArgs>(NOTEBOOK, (nb, ctx) => {
      const property = "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion";
      const version = ctx.probe(
        property,
        () => nb.instanceMetadataServiceConfiguration?.minimumInstanceMetadataServiceVersion,
      );
      if (!version.known) return ctx.failClosed(version, 'an unknown value could be "1"');
      if (version.value !== "2") {
        ctx.report({
          property,
          problem:
            version.value === undefined
              ? 'is unset, which means "1" (the AWS default): IMDSv1 stays reachable'
              : `is "${version.value}": IMDSv1 stays reachable`,
          fix: 'set instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion to "2"',
        });
      }
    }),
  ],
});

export const notebookKmsEncryption = defineResourcePolicy({
  name: "notebook-kms-encryption",
  family: "notebook",
  description:
    "SageMaker notebook instances must encrypt their ML storage volume with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Create an aws.kms.Key (with rotation enabled) and pass its ARN as kmsKeyId. Grant the notebook's role " +
    "kms:Decrypt and kms:GenerateDataKey on it.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "kmsKeyId is normally the ARN of a key created in the same stack, unknown until the key exists: the policy " +
      "is reported as not run during preview (advisory) and checks the real value during `pulumi up`.",
  },
  checks: ["`kmsKeyId` is a non-empty string."],
  rules: [
    onType<aws.sagemaker.NotebookInstanceArgs>(NOTEBOOK, (nb, ctx) => {
      const key = ctx.probe("kmsKeyId", () => nb.kmsKeyId);
      if (!key.known) return ctx.defer(key);
      if (typeof key.value !== "string" || key.value.trim() === "") {
        ctx.report({
          property: "kmsKeyId",
          problem: "is unset: the notebook's volume is encrypted only with an AWS-owned key",
          fix: "set kmsKeyId to the ARN of a customer-managed KMS key",
        });
      }
    }),
  ],
});

/** Notebook hardening, advisory by default (mandatory in policy/config/prod.json). */
export const notebookPolicies = [
  notebookNoDirectInternet,
  notebookNoRootAccess,
  notebookImdsv2,
  notebookKmsEncryption,
];
