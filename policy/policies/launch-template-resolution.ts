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

/** What a group or fleet launches from: templates of the stack, and references it could not resolve. */
export interface LaunchedTemplates {
  readonly found: readonly PolicyResource[];
  /** References (by input path) that name no template of this stack, or whose value is unknown. */
  readonly unresolved: readonly string[];
}

interface SpecificationInput {
  readonly launchTemplateId?: unknown;
  readonly launchTemplateName?: unknown;
  readonly id?: unknown;
  readonly name?: unknown;
}

type Specifications = (value: Record<string, unknown>) => [string, SpecificationInput | undefined][];

/** How each launching type spells its template references, per top-level input. */
const REFERENCES: Readonly<Record<string, Readonly<Record<string, Specifications>>>> = {
  // An override can name its own template:
  // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-launch-template-overrides.html
  [AWS_TYPES.autoscalingGroup]: {
    launchTemplate: (value) => [["launchTemplate", value as SpecificationInput]],
    mixedInstancesPolicy: (value) => {
      const launch = (value.launchTemplate ?? {}) as Record<string, unknown>;
      const overrides = (launch.overrides ?? []) as { launchTemplateSpecification?: SpecificationInput }[];
      return [
        [
          "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
          launch.launchTemplateSpecification as SpecificationInput | undefined,
        ],
        ...overrides.map((o, i): [string, SpecificationInput | undefined] => [
          `mixedInstancesPolicy.launchTemplate.overrides[${i}].launchTemplateSpecification`,
          o?.launchTemplateSpecification,
        ]),
      ];
    },
  },
  [AWS_TYPES.ec2SpotFleetRequest]: { launchTemplateConfigs: configs },
  [AWS_TYPES.ec2Fleet]: { launchTemplateConfigs: configs },
};

function configs(value: Record<string, unknown>): [string, SpecificationInput | undefined][] {
  const list = (Array.isArray(value) ? value : []) as { launchTemplateSpecification?: SpecificationInput }[];
  return list.map((c, i) => [
    `launchTemplateConfigs[${i}].launchTemplateSpecification`,
    c?.launchTemplateSpecification,
  ]);
}

/** Types whose instances take everything from the launch templates they name. */
export const TEMPLATE_LAUNCHERS: readonly string[] = Object.keys(REFERENCES);

/**
 * The launch templates an Auto Scaling group, Spot Fleet request or EC2 Fleet launches from. A launch
 * configuration, or a Spot Fleet's own launch specifications, are not templates and are not returned.
 */
export function launchedTemplates(
  launcher: PolicyResource,
  templates: readonly PolicyResource[],
): LaunchedTemplates {
  const inputs = REFERENCES[launcher.type] ?? {};
  const linked = Object.keys(inputs)
    .flatMap((key) => launcher.propertyDependencies[key] ?? [])
    .filter((d) => d.type === LAUNCH_TEMPLATE);
  const found = new Map(linked.map((t) => [t.urn, t]));
  const unresolved: string[] = [];
  // A reference built from a template's output is resolved by its property dependency.
  const miss = (path: string) => {
    if (linked.length === 0) unresolved.push(path);
  };
  for (const [key, specifications] of Object.entries(inputs)) {
    const value = probe(key, () => plain(launcher.props[key]));
    if (!value.known) {
      miss(key);
      continue;
    }
    if (!value.value || typeof value.value !== "object") continue;
    for (const [path, spec] of specifications(value.value as Record<string, unknown>)) {
      if (!spec) continue;
      const template = findByReference(
        { id: spec.launchTemplateId ?? spec.id, name: spec.launchTemplateName ?? spec.name },
        templates,
      );
      if (template) found.set(template.urn, template);
      else miss(path);
    }
  }
  return { found: [...found.values()], unresolved };
}
