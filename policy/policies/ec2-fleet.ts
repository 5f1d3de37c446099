/**
 * The EC2 hardening rules of ./ec2.ts for the launchers that carry an instance's settings inline instead of in a
 * launch template: a launch configuration (Auto Scaling) and each launch specification of a Spot Fleet request.
 * Their booleans are real booleans, as on an instance. A Spot Fleet request's launch template configurations are
 * judged on the templates (./ec2.ts, ./ec2-launch-template.ts); only `launchSpecifications` are read here.
 */
import type * as aws from "@pulumi/aws";
import type { ResourceRuleContext } from "../framework";

type RuleContext = ResourceRuleContext<unknown>;

interface BlockDevice {
  deviceName?: string;
  encrypted?: unknown;
  noDevice?: unknown;
}

const ENCRYPT_FIX = "set encrypted to true (and kmsKeyId to a customer-managed key)";

/** Each known launch specification with its index; an unknown list fails closed and yields none. */
function launchSpecifications(
  ctx: RuleContext,
  request: aws.ec2.SpotFleetRequestArgs,
  why: string,
): { spec: Record<string, unknown>; at: string }[] {
  const specs = ctx.probe("launchSpecifications", () => request.launchSpecifications as unknown);
  if (!specs.known) {
    ctx.failClosed(specs, why);
    return [];
  }
  if (!Array.isArray(specs.value)) return [];
  return (specs.value as Record<string, unknown>[]).map((spec, i) => ({
    spec: spec ?? {},
    at: `launchSpecifications[${i}]`,
  }));
}

/**
 * IMDSv2: a launch specification has no metadata options (the Spot Fleet API's SpotFleetLaunchSpecification has
 * no MetadataOptions, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SpotFleetLaunchSpecification.html),
 * so its instances get the AWS default, httpTokens "optional", unless the AMI says otherwise. Only a launch
 * template can require IMDSv2 for a Spot Fleet.
 */
export function checkSpotFleetMetadataOptions(request: aws.ec2.SpotFleetRequestArgs, ctx: RuleContext): void {
  for (const { at } of launchSpecifications(
    ctx,
    request,
    "unknown launch specifications cannot require IMDSv2",
  )) {
    ctx.report({
      property: `${at}.metadataOptions`,
      problem:
        "cannot be set: a Spot Fleet launch specification has no metadata options, so its instances keep IMDSv1 " +
        '(the AWS default httpTokens is "optional")',
      fix: 'use launchTemplateConfigs with a launch template whose metadataOptions.httpTokens is "required"',
    });
  }
}

/** One block device list; `what` names the volume kind in messages. */
function checkDevices(
  ctx: RuleContext,
  property: string,
  read: () => unknown,
  lenient: boolean,
  what: string,
): void {
  const devices = ctx.probeDeep(property, read);
  if (!devices.known) return ctx.failClosed(devices, "an unknown device list could hold unencrypted volumes");
  ((devices.value ?? []) as BlockDevice[]).forEach((device, i) => {
    // A suppressed mapping (noDevice) has no volume.
    if (device?.noDevice === true) return;
    if (device?.encrypted === true || (lenient && device?.encrypted === undefined)) return;
    ctx.report({
      property: `${property}[${i}].encrypted`,
      problem: `is ${JSON.stringify(device?.encrypted ?? null)}: ${what} ${device?.deviceName ?? i} is unencrypted`,
      fix: ENCRYPT_FIX,
    });
  });
}

const NO_ROOT =
  "the root volume follows the AMI snapshot and is usually unencrypted (with accountDefaultEncryption it passes)";

export function checkLaunchConfigurationVolumes(
  config: aws.ec2.LaunchConfigurationArgs,
  ctx: ResourceRuleContext<{ accountDefaultEncryption: boolean }>,
): void {
  const lenient = ctx.config.accountDefaultEncryption;
  const root = ctx.probeDeep("rootBlockDevice", () => config.rootBlockDevice as BlockDevice | undefined);
  if (!root.known) ctx.failClosed(root, "an unknown value could leave the root volume unencrypted");
  else if (root.value?.encrypted !== true && !(lenient && root.value?.encrypted === undefined)) {
    ctx.report({
      property: "rootBlockDevice.encrypted",
      problem:
        root.value === undefined || root.value === null
          ? `is unset (no rootBlockDevice): ${NO_ROOT}`
          : `is ${JSON.stringify(root.value.encrypted ?? null)}: the root volume is unencrypted`,
      fix: "set rootBlockDevice.encrypted to true (and kmsKeyId to a customer-managed key)",
    });
  }
  checkDevices(ctx, "ebsBlockDevices", () => config.ebsBlockDevices, lenient, "volume");
}

export function checkSpotFleetVolumes(
  request: aws.ec2.SpotFleetRequestArgs,
  ctx: ResourceRuleContext<{ accountDefaultEncryption: boolean }>,
): void {
  const lenient = ctx.config.accountDefaultEncryption;
  const specs = launchSpecifications(
    ctx,
    request,
    "unknown launch specifications could hold unencrypted volumes",
  );
  for (const { spec, at } of specs) {
    const roots = ctx.probe(`${at}.rootBlockDevices`, () => spec.rootBlockDevices as unknown[] | undefined);
    if (roots.known && (roots.value ?? []).length === 0 && !lenient) {
      ctx.report({
        property: `${at}.rootBlockDevices`,
        problem: `is unset: ${NO_ROOT}`,
        fix: "add a rootBlockDevices entry with encrypted true",
      });
    } else {
      checkDevices(ctx, `${at}.rootBlockDevices`, () => spec.rootBlockDevices, lenient, "root volume");
    }
    checkDevices(ctx, `${at}.ebsBlockDevices`, () => spec.ebsBlockDevices, lenient, "volume");
  }
}

/** A launch configuration has no subnet (its Auto Scaling group places it), so only an explicit true is reported. */
export function checkLaunchConfigurationPublicIp(
  config: aws.ec2.LaunchConfigurationArgs,
  ctx: RuleContext,
): void {
  const publicIp = ctx.probe("associatePublicIpAddress", () => config.associatePublicIpAddress);
  if (!publicIp.known) return ctx.failClosed(publicIp, "an unknown value could be true");
  if (publicIp.value !== true) return;
  ctx.report({
    property: "associatePublicIpAddress",
    problem: "is true: every instance the Auto Scaling group launches is reachable from the internet",
    fix: "set associatePublicIpAddress to false and use SSM Session Manager for access",
  });
}

/** As for an instance: true is reported, and so is unset without a subnet (the default VPC assigns public IPs). */
export function checkSpotFleetPublicIp(request: aws.ec2.SpotFleetRequestArgs, ctx: RuleContext): void {
  for (const { spec, at } of launchSpecifications(ctx, request, "an unknown specification could be public")) {
    const publicIp = ctx.probe(`${at}.associatePublicIpAddress`, () => spec.associatePublicIpAddress);
    if (!publicIp.known) {
      ctx.failClosed(publicIp, "an unknown value could be true");
      continue;
    }
    if (publicIp.value === true) {
      ctx.report({
        property: publicIp.property,
        problem: "is true: the fleet's instances are reachable from the internet",
        fix: "set associatePublicIpAddress to false and use SSM Session Manager for access",
      });
      continue;
    }
    if (publicIp.value === false) continue;
    // The subnet's value may be unknown (created in the same stack); only its presence matters here.
    const subnet = ctx.probe(`${at}.subnetId`, () => spec.subnetId !== undefined && spec.subnetId !== "");
    if (subnet.known && !subnet.value) {
      ctx.report({
        property: `${at}.subnetId`,
        problem:
          "is unset and associatePublicIpAddress is unset: the fleet's instances land in the default VPC, whose " +
          "subnets assign public IPs",
        fix: "set subnetId to a private subnet and associatePublicIpAddress to false",
      });
    }
  }
}
