/**
 * The root volume of an instance launched from a launch template. An instance (or Spot Instance request) with no
 * `rootBlockDevice` of its own, and every instance of an Auto Scaling group, gets its root volume from the
 * template's `blockDeviceMappings` entry for the root device; with none, the root volume is created from the AMI's
 * snapshot, which is usually unencrypted. The template's other mappings are checked on the template itself
 * (ec2-ebs-encrypted).
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackRuleContext } from "../framework";
import { plain } from "./launch-template-resolution";

/**
 * Device names EC2 reserves for the root volume: `/dev/xvda` and `/dev/sda1` (Linux and Windows AMIs),
 * https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html. A mapping on either name replaces the
 * AMI's root volume settings.
 */
export const ROOT_DEVICE_NAMES: readonly string[] = ["/dev/xvda", "/dev/sda1"];

interface TemplateMapping {
  readonly deviceName?: string;
  readonly noDevice?: string;
  readonly ebs?: { readonly encrypted?: unknown };
}

const isTrue = (value: unknown) => value === true || value === "true";

/**
 * Reports `launcher` when the root volume it takes from `template` is not encrypted: no mapping for a root device
 * name (unless the account encrypts new volumes by default), or one whose `ebs.encrypted` is not "true".
 */
export function checkRootVolume(
  ctx: StackRuleContext<unknown>,
  launcher: PolicyResource,
  template: PolicyResource,
  accountDefaultEncryption: boolean,
  /** The launcher's own field for the root volume; groups and fleets have none. */
  property = "rootBlockDevice",
): void {
  const mappings = ctx.probeDeep("blockDeviceMappings", () => plain(template.props.blockDeviceMappings));
  if (!mappings.known) {
    return ctx.failClosed(
      launcher,
      mappings,
      `the block device mappings of launch template "${template.name}" are unknown`,
    );
  }
  const root = ((mappings.value ?? []) as TemplateMapping[]).find(
    (m) => m?.ebs && typeof m.deviceName === "string" && ROOT_DEVICE_NAMES.includes(m.deviceName),
  );
  const encrypted = root?.ebs?.encrypted;
  if (isTrue(encrypted) || (accountDefaultEncryption && (encrypted === undefined || encrypted === null)))
    return;
  ctx.report(launcher, {
    property,
    problem: root
      ? `is left to launch template "${template.name}", whose root mapping ${root.deviceName} has ebs.encrypted ${JSON.stringify(encrypted ?? null)}, so the root volume is unencrypted`
      : `is left to launch template "${template.name}", which maps no root device (${ROOT_DEVICE_NAMES.join(" or ")}), so the root volume follows the AMI snapshot and is usually unencrypted`,
    fix: `add a blockDeviceMappings entry for the AMI's root device with ebs.encrypted "true" to launch template "${template.name}" (or set rootBlockDevice.encrypted on the instance)`,
  });
}
