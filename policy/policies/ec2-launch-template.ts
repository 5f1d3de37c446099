/**
 * EC2 hardening for what an instance takes from its launch template. An instance (or Spot Instance request) that
 * leaves metadata options or network placement unset gets them from the template it names; the template itself
 * is checked by the ec2 resource rules, and this stack rule judges the instance by what that template sets, when
 * the template is in the stack. A template from elsewhere cannot be read, so the instance is reported.
 */
import type { PolicyResource } from "@pulumi/policy";
import { defineStackPolicy, probe, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const LAUNCH_TEMPLATE = AWS_TYPES.ec2LaunchTemplate;
const LAUNCHERS = [AWS_TYPES.ec2Instance, AWS_TYPES.ec2SpotInstanceRequest];

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * The launch template an instance names, when it is in this stack: the one its `launchTemplate` input was built
 * from (a property dependency), or the one whose known id or name it gives.
 */
function templateOf(
  instance: PolicyResource,
  templates: readonly PolicyResource[],
): PolicyResource | undefined {
  const linked = (instance.propertyDependencies.launchTemplate ?? []).find((d) => d.type === LAUNCH_TEMPLATE);
  if (linked) return linked;
  const reference = probe("launchTemplate", () => plain(instance.props.launchTemplate));
  if (!reference.known || reference.value === null || typeof reference.value !== "object") return undefined;
  const { id, name } = reference.value as { id?: unknown; name?: unknown };
  return templates.find((t) => {
    const own = probe("template", () => plain({ id: t.props.id, name: t.props.name }));
    if (!own.known) return false;
    const { id: tid, name: tname } = own.value as { id?: unknown; name?: unknown };
    return (id !== undefined && id === tid) || (name !== undefined && name === tname);
  });
}

/** True when the instance leaves every one of `keys` unset (known and absent). */
function leaves(ctx: StackRuleContext<unknown>, instance: PolicyResource, keys: readonly string[]): boolean {
  return keys.every((key) => {
    const value = ctx.probe(key, () => instance.props[key]);
    return value.known && (value.value === undefined || value.value === null);
  });
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

export const ec2LaunchTemplateInherited = defineStackPolicy({
  name: "ec2-launch-template-inherited",
  family: "ec2",
  description:
    "An instance or Spot Instance request that leaves metadata options or network placement to a launch template " +
    "must use a template of this stack that requires IMDSv2 and places it in a subnet.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    'Set metadataOptions.httpTokens to "required" and a networkInterfaces entry with a private subnetId on the ' +
    "launch template (or set them on the instance). A template from outside the stack cannot be checked here: set " +
    "the values on the instance instead.",
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "An instance whose template cannot be found in the stack, or whose template's settings are unknown, is " +
      "reported: the inherited setting cannot be verified.",
  },
  resourceTypes: [...LAUNCHERS, LAUNCH_TEMPLATE],
  checks: [
    '`aws.ec2.Instance` and `aws.ec2.SpotInstanceRequest` with `launchTemplate` (linked by its id output, or by a known id or name) and no `metadataOptions`: the template requires httpTokens "required" or disables the endpoint',
    "the same with no `subnetId`, `networkInterfaces` or `associatePublicIpAddress`: the template's interfaces name a subnet",
    "an instance whose template is not in the stack is reported for each setting it leaves to it",
  ],
  validateStack: (ctx) => {
    const templates = ctx.resourcesOfType(LAUNCH_TEMPLATE);
    for (const instance of ctx.resourcesOfType(...LAUNCHERS)) {
      if (leaves(ctx, instance, ["launchTemplate"])) continue;
      const imds = leaves(ctx, instance, ["metadataOptions"]);
      const placement = leaves(ctx, instance, ["subnetId", "networkInterfaces", "associatePublicIpAddress"]);
      if (!imds && !placement) continue;
      const template = templateOf(instance, templates);
      if (!template) {
        ctx.report(instance, {
          property: "launchTemplate",
          problem:
            `names a launch template that is not in this stack, and ${[imds ? "metadataOptions" : "", placement ? "subnetId" : ""].filter(Boolean).join(" and ")} ` +
            "are left to it, so they cannot be verified",
          fix: 'set metadataOptions.httpTokens to "required" and subnetId on the instance itself',
        });
        continue;
      }
      if (imds) checkMetadataOptions(ctx, instance, template);
      if (placement) checkPlacement(ctx, instance, template);
    }
  },
});
