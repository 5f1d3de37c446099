/**
 * Instance-size caps for every compute surface of the platform, all read through the one instance-type parser
 * (aws-facts/instance-types.ts) that the components use to validate their arguments, so the program and its
 * guardrails agree on what `ml.g4dn.xlarge` means. One policy per surface, so each has its own thresholds, level
 * and exemptions; plus a cap on how far a SageMaker variant may scale out (./max-capacity.ts).
 */
import type * as aws from "@pulumi/aws";
import { parseInstanceType, sizeRankOf, type InstanceType } from "@ml-platform/aws-facts/instance-types";
import {
  defineResourcePolicy,
  onType,
  type ConfigSpec,
  type PlatformPolicy,
  type ResourceRuleContext,
} from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { endpointMaxCapacity } from "./max-capacity";

/** Thresholds for one surface. */
export interface InstanceSizeConfig {
  maxSize: string;
  allowedFamilies: string[];
  deniedFamilies: string[];
  allowAccelerators: boolean;
}

function sizeConfig(defaults: InstanceSizeConfig, surface: string): ConfigSpec<InstanceSizeConfig> {
  return {
    maxSize: {
      type: "string",
      minLength: 1,
      default: defaults.maxSize,
      description:
        `Largest size allowed for ${surface} (nano, micro, small, medium, large, xlarge, 2xlarge … 48xlarge, ` +
        "metal), compared by rank across families.",
    },
    allowedFamilies: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: defaults.allowedFamilies,
      description:
        "When non-empty, only these families (`m`, `g`) or classes (`g4dn`, `ml.c5` without the size) are allowed. " +
        "Mutually exclusive with deniedFamilies.",
    },
    deniedFamilies: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: defaults.deniedFamilies,
      description: "Families or classes that are never allowed. Mutually exclusive with allowedFamilies.",
    },
    allowAccelerators: {
      type: "boolean",
      default: defaults.allowAccelerators,
      description:
        "Allow accelerated families (GPU p/g/gr, Inferentia inf, Trainium trn, Gaudi dl, FPGA f, video vt) and " +
        "Elastic Inference accelerators.",
    },
  };
}

function validateSizeConfig(config: Readonly<InstanceSizeConfig>): string[] {
  const errors: string[] = [];
  if (sizeRankOf(config.maxSize) === undefined) {
    errors.push(`maxSize "${config.maxSize}" is not an instance size (e.g. large, xlarge, 2xlarge, metal)`);
  }
  if (config.allowedFamilies.length > 0 && config.deniedFamilies.length > 0) {
    errors.push(
      "allowedFamilies and deniedFamilies are mutually exclusive: set one of them and leave the other empty " +
        `(allowedFamilies: ${JSON.stringify(config.allowedFamilies)}, deniedFamilies: ${JSON.stringify(config.deniedFamilies)})`,
    );
  }
  return errors;
}

/** True when a config entry (`g`, `g4dn`, `ml.g4dn`) names the type's family or class. */
function familyEntryMatches(entry: string, type: InstanceType): boolean {
  const normalised = entry.trim().toLowerCase().replace(/^ml\./, "");
  return normalised === type.family || normalised === type.instanceClass;
}

type SizeContext = ResourceRuleContext<InstanceSizeConfig>;

/** Where a type is used: SageMaker surfaces need the `ml.` prefix, EC2 surfaces must not have it. */
type Platform = "ec2" | "sagemaker";

/**
 * Checks one instance type. An unknown type fails closed: instance types are literals or stack config, and an
 * unknown one could be anything. An unparseable type is reported, never passed.
 */
function checkInstanceType(
  ctx: SizeContext,
  property: string,
  read: () => unknown,
  platform: Platform,
): void {
  const probed = ctx.probe(property, read);
  if (!probed.known) return ctx.failClosed(probed, "an unknown instance type could be of any size or family");
  const raw = probed.value;
  if (raw === undefined || raw === null) return;
  if (typeof raw !== "string") {
    ctx.report({
      property,
      problem: `is ${JSON.stringify(raw)}, not an instance type string`,
      fix: "set a type such as ml.m5.large",
    });
    return;
  }
  const parsed = parseInstanceType(raw);
  if (!parsed.ok) {
    ctx.report({
      property,
      problem: `is unparseable, so its size and family cannot be checked: ${parsed.reason}`,
      fix: "spell the instance type as AWS lists it, such as m5.large (EC2) or ml.m5.large (SageMaker)",
    });
    return;
  }
  const type = parsed.value;
  if (platform === "sagemaker" && !type.sagemaker) {
    ctx.report({
      property,
      problem: `is "${raw}", an EC2 type without the ml. prefix SageMaker requires`,
      fix: `use "ml.${raw}"`,
    });
  } else if (platform === "ec2" && type.sagemaker) {
    ctx.report({
      property,
      problem: `is "${raw}", a SageMaker type (ml. prefix) on an EC2 resource`,
      fix: `use "${type.name}"`,
    });
  }

  const { maxSize, allowedFamilies, deniedFamilies, allowAccelerators } = ctx.config;
  const maxRank = sizeRankOf(maxSize);
  if (maxRank !== undefined && type.sizeRank > maxRank) {
    ctx.report({
      property,
      problem: `is "${raw}", size ${type.size} exceeds the maximum ${maxSize} for this surface`,
      fix: `use ${type.sagemaker ? "ml." : ""}${type.instanceClass}.${maxSize} or smaller, or raise maxSize in the policy config`,
    });
  }
  if (allowedFamilies.length > 0 && !allowedFamilies.some((f) => familyEntryMatches(f, type))) {
    ctx.report({
      property,
      problem: `is "${raw}", whose family ${type.instanceClass} is not in allowedFamilies ${JSON.stringify(allowedFamilies)}`,
      fix: `use one of the allowed families`,
    });
  }
  const denied = deniedFamilies.find((f) => familyEntryMatches(f, type));
  if (denied !== undefined) {
    ctx.report({
      property,
      problem: `is "${raw}", whose family ${type.instanceClass} is denied ("${denied}" in deniedFamilies)`,
      fix: "use a general-purpose or compute-optimised family (m, c)",
    });
  }
  if (type.accelerator && !allowAccelerators) {
    ctx.report({
      property,
      problem: `is "${raw}", an accelerated (${type.accelerator}) type, and accelerators are not allowed here`,
      fix: "use a CPU family, or set allowAccelerators in the policy config for this environment",
    });
  }
}

/**
 * Attribute-based selection (`instanceRequirements`) lets EC2 pick any type matching vCPU and memory ranges, so the
 * size cap only holds when `allowedInstanceTypes` lists exact types; each is then checked like `instanceType`.
 * Wildcard entries (`m5.*`) and a missing list are reported: they admit sizes the cap cannot bound.
 */
function checkInstanceRequirements(
  ctx: SizeContext,
  read: () => unknown,
  path = "instanceRequirements",
): void {
  const requirements = ctx.probeDeep(path, read);
  if (!requirements.known) return ctx.failClosed(requirements, "unknown requirements could admit any size");
  const value = requirements.value as { allowedInstanceTypes?: unknown[] } | undefined | null;
  if (value === undefined || value === null) return;
  const allowed = value.allowedInstanceTypes ?? [];
  if (allowed.length === 0) {
    ctx.report({
      property: `${path}.allowedInstanceTypes`,
      problem: "is unset, so attribute-based selection may launch any size the vCPU and memory ranges admit",
      fix: "list the exact instance types in allowedInstanceTypes (or set instanceType)",
    });
    return;
  }
  allowed.forEach((entry, i) => {
    const property = `${path}.allowedInstanceTypes[${i}]`;
    if (typeof entry === "string" && /[*?]/.test(entry)) {
      ctx.report({
        property,
        problem: `is the pattern "${entry}", which admits sizes the cap cannot bound`,
        fix: "list exact instance types such as m5.xlarge",
      });
    } else {
      checkInstanceType(ctx, property, () => entry, "ec2");
    }
  });
}

/** Checks `list[i].instanceType` (and the Elastic Inference `acceleratorType`) for every variant. */
function checkVariants(ctx: SizeContext, property: string, read: () => unknown): void {
  const variants = ctx.probe(property, read);
  if (!variants.known) return ctx.failClosed(variants, "unknown variants could use any instance type");
  if (!Array.isArray(variants.value)) return;
  const list = variants.value as { instanceType?: unknown; acceleratorType?: unknown }[];
  for (let i = 0; i < list.length; i++) {
    checkInstanceType(ctx, `${property}[${i}].instanceType`, () => list[i]?.instanceType, "sagemaker");
    const accelerator = ctx.probe(`${property}[${i}].acceleratorType`, () => list[i]?.acceleratorType);
    if (!accelerator.known) {
      ctx.failClosed(accelerator, "an unknown accelerator could be attached");
    } else if (accelerator.value && !ctx.config.allowAccelerators) {
      ctx.report({
        property: accelerator.property,
        problem: `attaches the Elastic Inference accelerator "${String(accelerator.value)}", and accelerators are not allowed here`,
        fix: "remove acceleratorType (Elastic Inference is retired), or allow accelerators in the policy config",
      });
    }
  }
}

/** A Spot Fleet request's instance types: each launch specification's, and each template override's. */
function checkSpotFleet(request: aws.ec2.SpotFleetRequestArgs, ctx: SizeContext): void {
  type Entry = { instanceType?: unknown; instanceRequirements?: unknown; overrides?: Entry[] };
  const eachOf = (property: string, read: () => unknown): Entry[] => {
    const list = ctx.probe(property, read);
    if (!list.known) ctx.failClosed(list, "an unknown list could name any instance type");
    return list.known && Array.isArray(list.value) ? (list.value as Entry[]) : [];
  };
  eachOf("launchSpecifications", () => request.launchSpecifications).forEach((spec, i) =>
    checkInstanceType(ctx, `launchSpecifications[${i}].instanceType`, () => spec?.instanceType, "ec2"),
  );
  eachOf("launchTemplateConfigs", () => request.launchTemplateConfigs).forEach((config, i) =>
    eachOf(`launchTemplateConfigs[${i}].overrides`, () => config?.overrides).forEach((override, j) => {
      const at = `launchTemplateConfigs[${i}].overrides[${j}]`;
      checkInstanceType(ctx, `${at}.instanceType`, () => override?.instanceType, "ec2");
      checkInstanceRequirements(ctx, () => override?.instanceRequirements, `${at}.instanceRequirements`);
    }),
  );
}

const SIZE_UNKNOWNS = {
  behaviour: "fail-closed",
  detail:
    "Instance types are literals or stack config; an unknown type could be of any size, so it is reported as a " +
    "violation rather than skipped.",
} as const;

const SIZE_REMEDIATION =
  "Pick the smallest type that meets the workload (the component defaults are sized for the dog-breed model), or " +
  "raise the surface's maxSize / allow the family in policy/config/<stack>.json for that environment. A one-off " +
  "can be exempted with a written reason.";

/** What the three per-surface size policies share: metadata, config schema with the surface's defaults, checks. */
function sizePolicyBasics(defaults: InstanceSizeConfig, surface: string) {
  return {
    family: "instance-size",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: SIZE_REMEDIATION,
    unknownValues: SIZE_UNKNOWNS,
    config: sizeConfig(defaults, surface),
    validateConfig: validateSizeConfig,
  } as const;
}

export const instanceSizeEc2 = defineResourcePolicy<InstanceSizeConfig>({
  name: "instance-size-ec2",
  ...sizePolicyBasics(
    { maxSize: "2xlarge", allowedFamilies: [], deniedFamilies: [], allowAccelerators: true },
    "EC2 instances and launch templates",
  ),
  description:
    "EC2 instances, Spot requests and fleets, launch templates and launch configurations must use an allowed family and a size " +
    "no larger than the configured maximum.",
  checks: [
    "`aws.ec2.Instance`, `aws.ec2.SpotInstanceRequest`, `aws.ec2.LaunchTemplate` `instanceType` (unset passes: the type comes from elsewhere)",
    "`aws.ec2.LaunchConfiguration` `instanceType`",
    "`aws.ec2.SpotFleetRequest`: every `launchSpecifications[].instanceType`, and every `launchTemplateConfigs[].overrides[]` `instanceType` and `instanceRequirements` (an override replaces the template's type)",
    "`aws.ec2.LaunchTemplate` `instanceRequirements` (attribute-based selection): `allowedInstanceTypes` must list exact types, each checked; a missing list or a wildcard entry is reported",
    "size ≤ `maxSize`; family in `allowedFamilies` or not in `deniedFamilies`; accelerators only if `allowAccelerators`",
    "unparseable types and SageMaker `ml.` types on EC2 are reported",
  ],
  rules: [
    onType<aws.ec2.InstanceArgs, InstanceSizeConfig>(AWS_TYPES.ec2Instance, (instance, ctx) =>
      checkInstanceType(ctx, "instanceType", () => instance.instanceType, "ec2"),
    ),
    onType<aws.ec2.SpotInstanceRequestArgs, InstanceSizeConfig>(
      AWS_TYPES.ec2SpotInstanceRequest,
      (request, ctx) => checkInstanceType(ctx, "instanceType", () => request.instanceType, "ec2"),
    ),
    onType<aws.ec2.LaunchTemplateArgs, InstanceSizeConfig>(AWS_TYPES.ec2LaunchTemplate, (template, ctx) => {
      checkInstanceType(ctx, "instanceType", () => template.instanceType, "ec2");
      checkInstanceRequirements(ctx, () => template.instanceRequirements);
    }),
    onType<aws.ec2.LaunchConfigurationArgs, InstanceSizeConfig>(
      AWS_TYPES.ec2LaunchConfiguration,
      (config, ctx) => checkInstanceType(ctx, "instanceType", () => config.instanceType, "ec2"),
    ),
    onType<aws.ec2.SpotFleetRequestArgs, InstanceSizeConfig>(AWS_TYPES.ec2SpotFleetRequest, checkSpotFleet),
  ],
});

export const instanceSizeNotebook = defineResourcePolicy<InstanceSizeConfig>({
  name: "instance-size-notebook",
  ...sizePolicyBasics(
    { maxSize: "xlarge", allowedFamilies: [], deniedFamilies: [], allowAccelerators: false },
    "notebook instances",
  ),
  description:
    "SageMaker notebook instances must use an allowed family and a size no larger than the configured maximum; " +
    "training belongs on the training host, not the notebook.",
  checks: ["`aws.sagemaker.NotebookInstance` `instanceType` (must carry the `ml.` prefix)"],
  rules: [
    onType<aws.sagemaker.NotebookInstanceArgs, InstanceSizeConfig>(
      AWS_TYPES.sagemakerNotebookInstance,
      (notebook, ctx) => checkInstanceType(ctx, "instanceType", () => notebook.instanceType, "sagemaker"),
    ),
  ],
});

export const instanceSizeEndpoint = defineResourcePolicy<InstanceSizeConfig>({
  name: "instance-size-endpoint",
  ...sizePolicyBasics(
    { maxSize: "2xlarge", allowedFamilies: [], deniedFamilies: [], allowAccelerators: false },
    "endpoint variants",
  ),
  description:
    "Every production and shadow variant of a SageMaker endpoint configuration must use an allowed family and a " +
    "size no larger than the configured maximum.",
  checks: [
    "`aws.sagemaker.EndpointConfiguration` `productionVariants[].instanceType` and `shadowProductionVariants[].instanceType` (serverless variants have none and pass)",
    "Elastic Inference `acceleratorType` counts as an accelerator",
  ],
  rules: [
    onType<aws.sagemaker.EndpointConfigurationArgs, InstanceSizeConfig>(
      AWS_TYPES.sagemakerEndpointConfiguration,
      (config, ctx) => {
        checkVariants(ctx, "productionVariants", () => config.productionVariants);
        checkVariants(ctx, "shadowProductionVariants", () => config.shadowProductionVariants);
      },
    ),
  ],
});

export const instanceSizePolicies: readonly PlatformPolicy[] = [
  instanceSizeEc2,
  instanceSizeNotebook,
  instanceSizeEndpoint,
  endpointMaxCapacity,
];
