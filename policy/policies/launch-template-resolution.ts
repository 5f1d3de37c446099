/**
 * Which launch templates of the stack a launcher (instance, Spot Instance request, Auto Scaling group) launches
 * from, so stack rules can judge it by what the template sets. A template is found by the property dependency its
 * reference was built from (the template's id output), or by the known id or name the reference gives.
 */
import type { PolicyResource } from "@pulumi/policy";
import { probe, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const LAUNCH_TEMPLATE = AWS_TYPES.ec2LaunchTemplate;

/** A plain copy of a (proxied) input value; reading it throws on a preview unknown, as `probe` expects. */
export function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A reference to a launch template, as an instance, a Spot request or an Auto Scaling group spells it. */
interface TemplateReference {
  readonly id?: unknown;
  readonly name?: unknown;
}

function findByReference(
  reference: TemplateReference,
  templates: readonly PolicyResource[],
): PolicyResource | undefined {
  return templates.find((t) => {
    const own = probe("template", () => plain({ id: t.props.id, name: t.props.name }));
    if (!own.known) return false;
    const { id, name } = own.value as TemplateReference;
    return (
      (reference.id !== undefined && reference.id === id) ||
      (reference.name !== undefined && reference.name === name)
    );
  });
}

/**
 * The launch template an instance or Spot Instance request names, when it is in this stack: the one its
 * `launchTemplate` input was built from (a property dependency), or the one whose known id or name it gives.
 */
export function templateOf(
  instance: PolicyResource,
  templates: readonly PolicyResource[],
): PolicyResource | undefined {
  const linked = (instance.propertyDependencies.launchTemplate ?? []).find((d) => d.type === LAUNCH_TEMPLATE);
  if (linked) return linked;
  const reference = probe("launchTemplate", () => plain(instance.props.launchTemplate));
  if (!reference.known || reference.value === null || typeof reference.value !== "object") return undefined;
  return findByReference(reference.value as TemplateReference, templates);
}

/** True when the resource leaves every one of `keys` unset (known and absent). */
export function leaves(
  ctx: StackRuleContext<unknown>,
  resource: PolicyResource,
  keys: readonly string[],
): boolean {
  return keys.every((key) => {
    const value = ctx.probe(key, () => resource.props[key]);
    return value.known && (value.value === undefined || value.value === null);
  });
}

/** What an Auto Scaling group launches from: templates of the stack, and references it could not resolve. */
export interface GroupTemplates {
  readonly found: readonly PolicyResource[];
  /** References (by input path) that name no template of this stack, or whose value is unknown. */
  readonly unresolved: readonly string[];
}

interface SpecificationInput {
  readonly launchTemplateId?: unknown;
  readonly launchTemplateName?: unknown;
}

/**
 * The launch templates an Auto Scaling group launches from: `launchTemplate`, and with a mixed instances policy
 * its `launchTemplate.launchTemplateSpecification` and every override's `launchTemplateSpecification` (an
 * override can name its own template, https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-launch-template-overrides.html).
 * A launch configuration is not a template and is not returned.
 */
export function groupTemplates(group: PolicyResource, templates: readonly PolicyResource[]): GroupTemplates {
  const linked = [
    ...(group.propertyDependencies.launchTemplate ?? []),
    ...(group.propertyDependencies.mixedInstancesPolicy ?? []),
  ].filter((d) => d.type === LAUNCH_TEMPLATE);
  const found = new Map(linked.map((t) => [t.urn, t]));
  const unresolved: string[] = [];
  const resolve = (path: string, reference: TemplateReference) => {
    const template = findByReference(reference, templates);
    if (template) found.set(template.urn, template);
    // A reference built from a template's output is resolved by the property dependency above.
    else if (linked.length === 0) unresolved.push(path);
  };
  const direct = probe("launchTemplate", () => plain(group.props.launchTemplate));
  if (!direct.known) {
    if (linked.length === 0) unresolved.push("launchTemplate");
  } else if (direct.value && typeof direct.value === "object") {
    resolve("launchTemplate", direct.value as TemplateReference);
  }
  const mixed = probe("mixedInstancesPolicy", () => plain(group.props.mixedInstancesPolicy));
  if (!mixed.known) {
    if (linked.length === 0) unresolved.push("mixedInstancesPolicy");
  } else if (mixed.value && typeof mixed.value === "object") {
    const launch = (mixed.value as { launchTemplate?: Record<string, unknown> }).launchTemplate ?? {};
    const specs: [string, SpecificationInput | undefined][] = [
      [
        "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
        launch.launchTemplateSpecification as SpecificationInput | undefined,
      ],
      ...((launch.overrides as { launchTemplateSpecification?: SpecificationInput }[] | undefined) ?? []).map(
        (o, i): [string, SpecificationInput | undefined] => [
          `mixedInstancesPolicy.launchTemplate.overrides[${i}].launchTemplateSpecification`,
          o?.launchTemplateSpecification,
        ],
      ),
    ];
    for (const [path, spec] of specs) {
      if (spec) resolve(path, { id: spec.launchTemplateId, name: spec.launchTemplateName });
    }
  }
  return { found: [...found.values()], unresolved };
}
