/**
 * EC2 hardening for the training host and anything else that launches instances (Checkov CKV_AWS_79/8/88,
 * compliance-policies, awsguard): IMDSv2 only, encrypted volumes, no public IP. Both `aws.ec2.Instance` and
 * `aws.ec2.LaunchTemplate` are checked, since either can launch the host. Note the LaunchTemplate schema spells
 * booleans as strings ("true"), unlike Instance. Launch configurations and Spot Fleet launch specifications carry
 * the same settings inline and get the same checks (./ec2-fleet.ts).
 *
 * Every field checked here is a literal in a well-written program, so an unknown value fails closed.
 */
import type * as aws from "@pulumi/aws";
import { defineResourcePolicy, onType, type ResourceRuleContext } from "../framework";
import { ec2LaunchTemplateInherited } from "./ec2-launch-template";
import {
  checkLaunchConfigurationPublicIp,
  checkLaunchConfigurationVolumes,
  checkSpotFleetMetadataOptions,
  checkSpotFleetPublicIp,
  checkSpotFleetVolumes,
} from "./ec2-fleet";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const INSTANCE = AWS_TYPES.ec2Instance;
/** A Spot Instance request takes the same launch arguments as an instance, so it gets the same checks. */
const SPOT_REQUEST = AWS_TYPES.ec2SpotInstanceRequest;
const LAUNCH_TEMPLATE = AWS_TYPES.ec2LaunchTemplate;
const VOLUME = AWS_TYPES.ebsVolume;
/** Launchers that carry instance settings inline: rules in ./ec2-fleet.ts. */
const LAUNCH_CONFIGURATION = AWS_TYPES.ec2LaunchConfiguration;
const SPOT_FLEET = AWS_TYPES.ec2SpotFleetRequest;

export type MetadataOptions = { httpEndpoint?: string; httpTokens?: string } | undefined;

/**
 * True when an instance leaves a setting unset and names a launch template, which then supplies it. An unknown
 * reference still counts as naming one.
 */
function leftToTemplate(
  ctx: ResourceRuleContext<unknown>,
  setting: () => unknown,
  template: () => unknown,
): boolean {
  const own = ctx.probe("setting", setting);
  if (!own.known || (own.value !== undefined && own.value !== null)) return false;
  const named = ctx.probe("launchTemplate", template);
  return !named.known || (named.value !== undefined && named.value !== null);
}

function checkMetadataOptions(read: () => MetadataOptions, ctx: ResourceRuleContext<unknown>): void {
  const options = ctx.probeDeep("metadataOptions", read);
  if (!options.known) return ctx.failClosed(options, 'an unknown value could leave httpTokens "optional"');
  const { httpEndpoint, httpTokens } = options.value ?? {};
  // With the metadata endpoint switched off there is no IMDSv1 to abuse.
  if (httpEndpoint === "disabled") return;
  if (httpTokens !== "required") {
    ctx.report({
      property: "metadataOptions.httpTokens",
      problem:
        httpTokens === undefined
          ? 'is unset, which leaves IMDSv1 enabled unless the AMI says otherwise (the AWS default is "optional")'
          : `is "${httpTokens}": IMDSv1 stays enabled and an SSRF can read the instance role's credentials`,
      fix: 'set metadataOptions.httpTokens to "required" (and httpPutResponseHopLimit to 1, or 2 for containers)',
    });
  }
}

export const ec2Imdsv2Required = defineResourcePolicy({
  name: "ec2-imdsv2-required",
  family: "ec2",
  description:
    'EC2 instances and launch templates must require IMDSv2 (metadataOptions.httpTokens "required").',
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } on the Instance or ' +
    "LaunchTemplate (hop limit 2 if containers on the host call IMDS).",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      'metadataOptions is a literal; an unknown value could leave httpTokens "optional", so it is reported.',
  },
  checks: [
    '`metadataOptions.httpTokens` is "required" on `aws.ec2.Instance`, `aws.ec2.SpotInstanceRequest` and ' +
      "`aws.ec2.LaunchTemplate`; unset is reported (the AWS default allows IMDSv1), unless the instance names a " +
      "launch template, which `ec2-launch-template-inherited` then judges.",
    "`aws.ec2.LaunchConfiguration`: `metadataOptions.httpTokens` the same way.",
    "`aws.ec2.SpotFleetRequest`: every `launchSpecifications[]` entry is reported, since a launch specification " +
      "has no metadata options (its instances keep the AWS default); a launch template must set them.",
    '`metadataOptions.httpEndpoint: "disabled"` also passes: no metadata service at all.',
  ],
  rules: [
    ...[INSTANCE, SPOT_REQUEST].map((type) =>
      onType<aws.ec2.InstanceArgs>(type, (instance, ctx) => {
        // Left to a launch template: ec2-launch-template-inherited judges it with what the template sets.
        if (
          leftToTemplate(
            ctx,
            () => instance.metadataOptions,
            () => instance.launchTemplate,
          )
        )
          return;
        checkMetadataOptions(() => instance.metadataOptions as MetadataOptions, ctx);
      }),
    ),
    onType<aws.ec2.LaunchTemplateArgs>(LAUNCH_TEMPLATE, (template, ctx) =>
      checkMetadataOptions(() => template.metadataOptions as MetadataOptions, ctx),
    ),
    onType<aws.ec2.LaunchConfigurationArgs>(LAUNCH_CONFIGURATION, (config, ctx) =>
      checkMetadataOptions(() => config.metadataOptions as MetadataOptions, ctx),
    ),
    onType<aws.ec2.SpotFleetRequestArgs>(SPOT_FLEET, checkSpotFleetMetadataOptions),
  ],
  remediation: {
    // A Spot Fleet launch specification has no metadata options to set.
    types: [INSTANCE, SPOT_REQUEST, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION],
    summary:
      'sets `metadataOptions.httpTokens` to "required" where it is unset or "optional", keeping the other ' +
      "metadata options (an instance that leaves it to its launch template is not touched).",
    remediate: () => [{ property: "metadataOptions.httpTokens", value: "required" }],
  },
});

/** True for the LaunchTemplate string booleans and real booleans alike. */
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

const ENCRYPT_FIX = "set encrypted to true (and kmsKeyId to a customer-managed key)";

export const ec2EbsEncrypted = defineResourcePolicy({
  name: "ec2-ebs-encrypted",
  family: "ec2",
  description:
    "EBS volumes must be encrypted: the root and every EBS block device of an instance or launch template, and " +
    "standalone aws.ebs.Volume resources.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set rootBlockDevice.encrypted and each ebsBlockDevices[].encrypted to true on Instances, " +
    'blockDeviceMappings[].ebs.encrypted to "true" on LaunchTemplates, and encrypted: true on ebs.Volume. ' +
    "Add kmsKeyId for a customer-managed key. If the account enables EBS encryption by default, set the policy's " +
    "accountDefaultEncryption config to true.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: "encrypted flags are literals; an unknown value could be false, so it is reported.",
  },
  checks: [
    "`aws.ec2.Instance` and `aws.ec2.SpotInstanceRequest`: `rootBlockDevice.encrypted` and every `ebsBlockDevices[].encrypted` are true; an unset " +
      "rootBlockDevice is reported (the root volume would follow the AMI snapshot, usually unencrypted), unless the " +
      "instance names a launch template, whose root mapping `ec2-launch-template-inherited` then judges.",
    '`aws.ec2.LaunchTemplate`: every `blockDeviceMappings[].ebs.encrypted` is "true".',
    "`aws.ec2.LaunchConfiguration`: `rootBlockDevice.encrypted` and every `ebsBlockDevices[].encrypted` are true " +
      "(an unset rootBlockDevice is reported; `noDevice` mappings are skipped).",
    "`aws.ec2.SpotFleetRequest`: in every `launchSpecifications[]` entry, each `rootBlockDevices[].encrypted` and " +
      "`ebsBlockDevices[].encrypted` is true; an entry without rootBlockDevices is reported.",
    "`aws.ebs.Volume`: `encrypted` is true.",
    "With `accountDefaultEncryption: true` (the account has EBS encryption by default), unset flags pass; an " +
      "explicit false is still reported.",
  ],
  config: {
    accountDefaultEncryption: {
      type: "boolean",
      default: false,
      description:
        "Set to true when every target account enables EBS encryption by default " +
        "(aws.ebs.EncryptionByDefault); unset encryption flags then pass, explicit false still fails.",
    },
  },
  rules: [
    ...[INSTANCE, SPOT_REQUEST].map((type) =>
      onType<aws.ec2.InstanceArgs, { accountDefaultEncryption: boolean }>(type, (instance, ctx) => {
        const lenient = ctx.config.accountDefaultEncryption;
        const root = ctx.probeDeep(
          "rootBlockDevice",
          () => instance.rootBlockDevice as { encrypted?: boolean },
        );
        if (!root.known) ctx.failClosed(root, "an unknown value could leave the root volume unencrypted");
        else if (
          !isTrue(root.value?.encrypted) &&
          !(lenient && root.value?.encrypted === undefined) &&
          // Left to a launch template: ec2-launch-template-inherited judges the template's root mapping.
          !leftToTemplate(
            ctx,
            () => instance.rootBlockDevice,
            () => instance.launchTemplate,
          )
        ) {
          ctx.report({
            property: "rootBlockDevice.encrypted",
            problem:
              root.value === undefined
                ? "is unset (no rootBlockDevice): the root volume follows the AMI snapshot and is usually unencrypted"
                : `is ${JSON.stringify(root.value.encrypted ?? null)}: the root volume is unencrypted`,
            fix: `set rootBlockDevice.encrypted to true (and kmsKeyId to a customer-managed key)`,
          });
        }
        const devices = ctx.probeDeep(
          "ebsBlockDevices",
          () => instance.ebsBlockDevices as { deviceName?: string; encrypted?: boolean }[] | undefined,
        );
        if (!devices.known)
          return ctx.failClosed(devices, "an unknown device list could hold unencrypted volumes");
        (devices.value ?? []).forEach((device, i) => {
          if (isTrue(device?.encrypted) || (lenient && device?.encrypted === undefined)) return;
          ctx.report({
            property: `ebsBlockDevices[${i}].encrypted`,
            problem: `is ${JSON.stringify(device?.encrypted ?? null)}: volume ${device?.deviceName ?? i} is unencrypted`,
            fix: ENCRYPT_FIX,
          });
        });
      }),
    ),
    onType<aws.ec2.LaunchTemplateArgs, { accountDefaultEncryption: boolean }>(
      LAUNCH_TEMPLATE,
      (template, ctx) => {
        const lenient = ctx.config.accountDefaultEncryption;
        const mappings = ctx.probeDeep(
          "blockDeviceMappings",
          () =>
            template.blockDeviceMappings as
              | {
                  deviceName?: string;
                  noDevice?: string;
                  virtualName?: string;
                  ebs?: { encrypted?: string };
                }[]
              | undefined,
        );
        if (!mappings.known)
          return ctx.failClosed(mappings, "an unknown mapping could hold unencrypted volumes");
        (mappings.value ?? []).forEach((mapping, i) => {
          // Instance-store (virtualName) and suppressed (noDevice) mappings have no EBS volume.
          if (!mapping?.ebs) return;
          if (isTrue(mapping.ebs.encrypted) || (lenient && mapping.ebs.encrypted === undefined)) return;
          ctx.report({
            property: `blockDeviceMappings[${i}].ebs.encrypted`,
            problem: `is ${JSON.stringify(mapping.ebs.encrypted ?? null)}: volume ${mapping.deviceName ?? i} is unencrypted`,
            fix: 'set ebs.encrypted to "true" (a string in LaunchTemplate) and kmsKeyId to a customer-managed key',
          });
        });
      },
    ),
    onType<aws.ec2.LaunchConfigurationArgs, { accountDefaultEncryption: boolean }>(
      LAUNCH_CONFIGURATION,
      checkLaunchConfigurationVolumes,
    ),
    onType<aws.ec2.SpotFleetRequestArgs, { accountDefaultEncryption: boolean }>(
      SPOT_FLEET,
      checkSpotFleetVolumes,
    ),
    onType<aws.ebs.VolumeArgs, { accountDefaultEncryption: boolean }>(VOLUME, (volume, ctx) => {
      const encrypted = ctx.probe("encrypted", () => volume.encrypted);
      if (!encrypted.known) return ctx.failClosed(encrypted, "an unknown value could be false");
      if (isTrue(encrypted.value) || (ctx.config.accountDefaultEncryption && encrypted.value === undefined))
        return;
      ctx.report({
        property: "encrypted",
        problem: `is ${JSON.stringify(encrypted.value ?? null)}: the volume is unencrypted`,
        fix: ENCRYPT_FIX,
      });
    }),
  ],
});

export const ec2NoPublicIp = defineResourcePolicy({
  name: "ec2-no-public-ip",
  family: "ec2",
  description:
    "EC2 instances and launch templates must not get a public IP address; reach them through SSM Session " +
    "Manager or a bastion in the VPC.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set associatePublicIpAddress to false and launch into a private subnet (subnetId). Use SSM Session " +
    "Manager (the AmazonSSMManagedInstanceCore policy on the instance role) instead of SSH from the internet.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: "associatePublicIpAddress and subnetId presence are literals; an unknown value could be true.",
  },
  checks: [
    "`aws.ec2.Instance` and `aws.ec2.SpotInstanceRequest`: `associatePublicIpAddress` is not true; when unset, the instance must name a `subnetId` " +
      "(without one it lands in the default VPC, whose subnets assign public IPs).",
    '`aws.ec2.LaunchTemplate`: no `networkInterfaces[].associatePublicIpAddress` of "true".',
    "`aws.ec2.LaunchConfiguration`: `associatePublicIpAddress` is not true (unset passes: the group's subnets place it).",
    "`aws.ec2.SpotFleetRequest`: every `launchSpecifications[]` entry as an instance: `associatePublicIpAddress` " +
      "not true, and when unset a `subnetId` is named.",
  ],
  rules: [
    ...[INSTANCE, SPOT_REQUEST].map((type) =>
      onType<aws.ec2.InstanceArgs>(type, (instance, ctx) => {
        const publicIp = ctx.probe("associatePublicIpAddress", () => instance.associatePublicIpAddress);
        if (!publicIp.known) return ctx.failClosed(publicIp, "an unknown value could be true");
        if (publicIp.value === true) {
          ctx.report({
            property: "associatePublicIpAddress",
            problem: "is true: the instance is reachable from the internet",
            fix: "set associatePublicIpAddress to false and use SSM Session Manager for access",
          });
          return;
        }
        if (publicIp.value === false) return;
        // Network placement left to a launch template: ec2-launch-template-inherited judges the template.
        if (
          leftToTemplate(
            ctx,
            () => instance.subnetId ?? instance.networkInterfaces,
            () => instance.launchTemplate,
          )
        )
          return;
        // The subnet's value may be unknown (created in the same stack); only its presence matters here.
        const subnet = ctx.probe(
          "subnetId",
          () => instance.subnetId !== undefined && instance.subnetId !== "",
        );
        const nics = ctx.probe(
          "networkInterfaces",
          () => (instance.networkInterfaces as unknown[] | undefined)?.length,
        );
        if (subnet.known && !subnet.value && nics.known && !nics.value) {
          ctx.report({
            property: "subnetId",
            problem:
              "is unset and associatePublicIpAddress is unset: the instance lands in the default VPC, whose subnets " +
              "assign public IPs",
            fix: "set subnetId to a private subnet and associatePublicIpAddress to false",
          });
        }
      }),
    ),
    onType<aws.ec2.LaunchTemplateArgs>(LAUNCH_TEMPLATE, (template, ctx) => {
      const nics = ctx.probeDeep(
        "networkInterfaces",
        () => template.networkInterfaces as { associatePublicIpAddress?: string }[] | undefined,
      );
      if (!nics.known) return ctx.failClosed(nics, "an unknown interface could associate a public IP");
      (nics.value ?? []).forEach((nic, i) => {
        if (!isTrue(nic?.associatePublicIpAddress)) return;
        ctx.report({
          property: `networkInterfaces[${i}].associatePublicIpAddress`,
          problem: 'is "true": instances launched from the template are reachable from the internet',
          fix: 'set associatePublicIpAddress to "false" and launch into a private subnet',
        });
      });
    }),
    onType<aws.ec2.LaunchConfigurationArgs>(LAUNCH_CONFIGURATION, checkLaunchConfigurationPublicIp),
    onType<aws.ec2.SpotFleetRequestArgs>(SPOT_FLEET, checkSpotFleetPublicIp),
  ],
});

/** EC2 hardening, advisory by default (mandatory in policy/config/prod.json). */
export const ec2Policies = [ec2Imdsv2Required, ec2LaunchTemplateInherited, ec2EbsEncrypted, ec2NoPublicIp];
