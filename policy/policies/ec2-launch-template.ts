/**
 * EC2 hardening for what an instance takes from its launch template. An instance (or Spot Instance request) that
 * leaves metadata options, network placement or its root volume unset gets them from the template it names, and
 * the instances of an Auto Scaling group, Spot Fleet or EC2 Fleet get everything from theirs; the template itself
 * is checked by the ec2 resource rules, and this stack rule judges the launcher by what that template sets, when
 * the template is in the stack. A template from elsewhere cannot be read, so the launcher is reported.
 */
import type { PolicyResource } from "@pulumi/policy";
import { defineStackPolicy, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import {
  launchedTemplates,
  leaves,
  plain,
  TEMPLATE_LAUNCHERS,
  templateOf,
} from "./launch-template-resolution";
import { checkRootVolume } from "./launch-template-volumes";

const LAUNCH_TEMPLATE = AWS_TYPES.ec2LaunchTemplate;
const LAUNCHERS = [AWS_TYPES.ec2Instance, AWS_TYPES.ec2SpotInstanceRequest];
/**
 * Auto Scaling groups and fleets (TEMPLATE_LAUNCHERS) are read but not declared in `resourceTypes`: declaring them
 * would mark the types as checked in the coverage table, while their instance types and scaling bounds are not
 * checked by this rule.
 */

interface Config {
  readonly accountDefaultEncryption: boolean;
}

function checkMetadataOptions(
  ctx: StackRuleContext<unknown>,
  instance: PolicyResource,
  template: PolicyResource,
) {
  const options = ctx.probeDeep("metadataOptions", () => plain(template.props.metadataOptions));
  if (!options.known) {
    return ctx.failClosed(
      instance,
      options,
      `the metadata options of launch template "${template.name}" are unknown`,
    );
  }
  const { httpEndpoint, httpTokens } = (options.value ?? {}) as {
    httpEndpoint?: string;
    httpTokens?: string;
  };
  if (httpEndpoint === "disabled" || httpTokens === "required") return;
  ctx.report(instance, {
    property: "metadataOptions",
    problem: `is left to launch template "${template.name}", whose httpTokens is ${httpTokens === undefined ? "unset" : `"${httpTokens}"`}, so IMDSv1 stays enabled`,
    fix: `set metadataOptions.httpTokens to "required" on launch template "${template.name}"`,
  });
}

function checkPlacement(ctx: StackRuleContext<unknown>, instance: PolicyResource, template: PolicyResource) {
  const nics = ctx.probeDeep("networkInterfaces", () => plain(template.props.networkInterfaces));
  if (!nics.known) {
    return ctx.failClosed(
      instance,
      nics,
      `the network interfaces of launch template "${template.name}" are unknown`,
    );
  }
  const list = (nics.value ?? []) as { subnetId?: unknown; associatePublicIpAddress?: unknown }[];
  // A public IP on the template's interfaces is reported on the template by ec2-no-public-ip.
  if (list.some((nic) => nic?.associatePublicIpAddress === "true" || nic?.associatePublicIpAddress === true))
    return;
  if (list.some((nic) => nic?.subnetId !== undefined && nic?.subnetId !== null)) return;
  ctx.report(instance, {
    property: "subnetId",
    problem: `is left to launch template "${template.name}", which names no subnet either, so the instance lands in the default VPC, whose subnets assign public IPs`,
    fix: `set subnetId on the instance, or a networkInterfaces entry with a private subnetId on launch template "${template.name}"`,
  });
}

export const ec2LaunchTemplateInherited = defineStackPolicy<Config>({
  name: "ec2-launch-template-inherited",
  family: "ec2",
  description:
    "An instance, Spot Instance request or Auto Scaling group that leaves metadata options, network placement or " +
    "its root volume to a launch template must use a template of this stack that requires IMDSv2, places it in a " +
    "subnet and encrypts the root volume.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set metadataOptions.httpTokens to "required", a networkInterfaces entry with a private subnetId and a ' +
    'blockDeviceMappings entry for the root device (/dev/xvda or /dev/sda1) with ebs.encrypted "true" on the ' +
    "launch template (or set them on the instance). A template from outside the stack cannot be checked here: set " +
    "the values on the instance instead.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "An instance or group whose template cannot be found in the stack, or whose template's settings are " +
      "unknown, is reported: the inherited setting cannot be verified.",
  },
  resourceTypes: [...LAUNCHERS, LAUNCH_TEMPLATE],
  checks: [
    '`aws.ec2.Instance` and `aws.ec2.SpotInstanceRequest` with `launchTemplate` (linked by its id output, or by a known id or name) and no `metadataOptions`: the template requires httpTokens "required" or disables the endpoint',
    "the same with no `subnetId`, `networkInterfaces` or `associatePublicIpAddress`: the template's interfaces name a subnet",
    'the same with no `rootBlockDevice`: the template maps the root device (/dev/xvda or /dev/sda1) with `ebs.encrypted` "true" (unset passes with `accountDefaultEncryption`)',
    "`aws.autoscaling.Group`, `aws.ec2.SpotFleetRequest` and `aws.ec2.Fleet`: every template they launch from (a group's `launchTemplate`, its mixed instances policy's template and each override's; a fleet's `launchTemplateConfigs`) encrypts the root volume the same way",
    "an instance or group whose template is not in the stack is reported for each setting it leaves to it",
  ],
  config: {
    accountDefaultEncryption: {
      type: "boolean",
      default: false,
      description:
        "Set to true when every target account enables EBS encryption by default (as for ec2-ebs-encrypted); a " +
        "template that maps no root device, or leaves its encrypted flag unset, then passes.",
    },
  },
  validateStack: (ctx) => {
    const templates = ctx.resourcesOfType(LAUNCH_TEMPLATE);
    const lenient = ctx.config.accountDefaultEncryption;
    for (const instance of ctx.resourcesOfType(...LAUNCHERS)) {
      if (leaves(ctx, instance, ["launchTemplate"])) continue;
      const imds = leaves(ctx, instance, ["metadataOptions"]);
      const placement = leaves(ctx, instance, ["subnetId", "networkInterfaces", "associatePublicIpAddress"]);
      const root = leaves(ctx, instance, ["rootBlockDevice"]);
      if (!imds && !placement && !root) continue;
      const template = templateOf(instance, templates);
      if (!template) {
        const left = [imds && "metadataOptions", placement && "subnetId", root && "rootBlockDevice"];
        ctx.report(instance, {
          property: "launchTemplate",
          problem:
            `names a launch template that is not in this stack, and ${left.filter(Boolean).join(" and ")} ` +
            "are left to it, so they cannot be verified",
          fix: 'set metadataOptions.httpTokens to "required", subnetId and rootBlockDevice.encrypted on the instance itself',
        });
        continue;
      }
      if (imds) checkMetadataOptions(ctx, instance, template);
      if (placement) checkPlacement(ctx, instance, template);
      if (root) checkRootVolume(ctx, instance, template, lenient);
    }
    // A group's or fleet's instances take everything from their templates; the templates' own metadata options and
    // mappings are checked on the templates (ec2 resource rules), the root volume they give is judged here.
    for (const group of ctx.resourcesOfType(...TEMPLATE_LAUNCHERS)) {
      const { found, unresolved } = launchedTemplates(group, templates);
      for (const path of unresolved) {
        ctx.report(group, {
          property: path,
          problem:
            "names a launch template that is not in this stack (or whose reference is unknown), so the metadata " +
            "options and root volume encryption of its instances cannot be verified",
          fix: "create the launch template in this stack and reference its id output",
        });
      }
      for (const template of found) checkRootVolume(ctx, group, template, lenient, "root volume");
    }
  },
});
