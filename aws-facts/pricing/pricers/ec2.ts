/**
 * EC2 compute: a single instance (the training host: hours from an assumption, on-demand or an indicative spot
 * range) and Auto Scaling groups (min size to max size instances, always on, at the launch template's or launch
 * configuration's instance type), each with its EBS volumes.
 */
import { AWS_TYPES } from "../../type-tokens";
import { HOURS_PER_MONTH } from "../assumptions";
import { obj, num, str, type GraphNode } from "../graph";
import type { Range } from "../lines";
import { formatUnitUsd, formatUsd } from "../money";
import { fmt, type ResourcePricing, type StackEstimation } from "../pricer";
import type { PriceEntry } from "../schema";
import { priceEbsVolume, type EbsVolumeOptions } from "./ebs";

const INSTANCE_VOLUME: EbsVolumeOptions = {
  defaultType: "gp3",
  defaultTypeNote: "volume type not set (the AMI's default), priced as gp3",
  billedWhile: "whether the instance runs or is stopped",
  sizeUnsetReason:
    "unknown quantity: volumeSize not set, so the AMI snapshot's size applies and is unknown here",
};

const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.map((v) => obj(v) ?? {}) : [];

/** Root and extra block devices in the shape of `ec2.Instance` and `ec2.LaunchConfiguration`. */
function instanceStyleVolumes(r: ResourcePricing, props: Record<string, unknown>, count?: Range): void {
  const options = count ? { ...INSTANCE_VOLUME, count } : INSTANCE_VOLUME;
  const root = obj(props.rootBlockDevice) ?? {};
  priceEbsVolume(r, "root volume", root, options);
  records(props.ebsBlockDevices).forEach((device, i) =>
    priceEbsVolume(r, `EBS volume ${str(device.deviceName) ?? i + 1}`, device, options),
  );
}

/** The launch template an instance names, when the instance leaves its instance type to it. */
function instanceTemplate(r: ResourcePricing): GraphNode | undefined {
  const { node } = r;
  if (node.props.instanceType !== undefined || obj(node.props.launchTemplate) === undefined) return undefined;
  const source = launchSourceFor(r.stack, node);
  return source?.type === AWS_TYPES.ec2LaunchTemplate ? source : undefined;
}

export function priceEc2Instance(r: ResourcePricing): void {
  const { node, book } = r;
  const template = instanceTemplate(r);
  const type = template ? template.props.instanceType : node.props.instanceType;
  const hours = r.assumptions.trainingHostHoursPerMonth;
  const market = obj(node.props.instanceMarketOptions);
  const spot = str(market?.marketType) === "spot";
  const label = `${str(type) ?? "EC2"} ${spot ? "spot" : "on-demand"} Linux instance-hours`;
  const hoursBasis = `${fmt(hours)} h/month (assumption trainingHostHoursPerMonth)`;
  if (!book) r.noRegion(label, "hour");
  else {
    const price = r.instancePrice(book.ec2.onDemandLinux, type, "EC2 on-demand Linux");
    if (!("entry" in price)) r.unknown(label, "hour", price.reason, hoursBasis);
    else if (!spot)
      r.priced(
        label,
        { min: hours, max: hours },
        price.entry,
        `${hoursBasis}; billed per second, 60 s minimum`,
      );
    else {
      const savings = r.assumptions.spotSavings ?? book.ec2.spotSavings;
      if (!savings) {
        r.missingPrice(label, "hour", "spot savings range", hoursBasis);
      } else {
        const od = price.entry.usd;
        const unitPrice = { min: od * (1 - savings.max), max: od * (1 - savings.min) };
        const pct = (f: number) => `${Math.round(f * 100)} %`;
        r.priced(
          label,
          { min: hours, max: hours },
          price.entry,
          `${hoursBasis}; spot is an indicative range ${pct(savings.min)}–${pct(savings.max)} below on-demand ` +
            `${formatUnitUsd(od)}/h${r.assumptions.spotSavings ? " (assumption spotSavings)" : ` (source: ${book.ec2.spotSavings?.source}, as of ${book.ec2.spotSavings?.asOf})`}, ` +
            `not a quote; spot is capped at on-demand, ${formatUsd(od * hours)}/month if prices spike`,
          unitPrice,
        );
      }
    }
  }
  if (
    template &&
    obj(node.props.rootBlockDevice) === undefined &&
    records(template.props.blockDeviceMappings).length > 0
  )
    templateVolumes(r, template, undefined);
  else instanceStyleVolumes(r, node.props);
}

// ------------------------------------------------------------------------------------------------ Auto Scaling

/**
 * The launch template or configuration a group (or an instance) launches from, found by dependency, id or name,
 * then component parent, then as the stack's only one.
 */
function launchSourceFor(stack: StackEstimation, group: GraphNode): GraphNode | undefined {
  const mixed = obj(obj(group.props.mixedInstancesPolicy)?.launchTemplate);
  const spec = obj(mixed?.launchTemplateSpecification);
  const template = obj(group.props.launchTemplate);
  const wantedIds = [str(template?.id), str(spec?.launchTemplateId)].filter((s) => s !== undefined);
  const wantedNames = [
    str(template?.name),
    str(spec?.launchTemplateName),
    str(group.props.launchConfiguration),
  ].filter((s) => s !== undefined);
  const candidates = [
    ...stack.ofType(AWS_TYPES.ec2LaunchTemplate),
    ...stack.ofType(AWS_TYPES.ec2LaunchConfiguration),
  ];
  const linked = ["launchTemplate", "mixedInstancesPolicy", "launchConfiguration"].flatMap(
    (key) => group.propertyDependencies[key] ?? [],
  );
  const byDeps = candidates.find((c) => linked.includes(c.urn));
  if (byDeps) return byDeps;
  const byRef = candidates.find(
    (c) =>
      (str(c.props.id) !== undefined && wantedIds.includes(str(c.props.id)!)) ||
      (str(c.props.name) !== undefined && wantedNames.includes(str(c.props.name)!)),
  );
  if (byRef) return byRef;
  const dependedOn = candidates.filter((c) => group.dependencies.includes(c.urn));
  if (dependedOn.length === 1) return dependedOn[0];
  const siblings = candidates.filter((c) => c.parent !== undefined && c.parent === group.parent);
  if (siblings.length === 1) return siblings[0];
  const launchers = [
    ...stack.ofType(AWS_TYPES.autoscalingGroup),
    ...stack.ofType(AWS_TYPES.ec2Instance),
  ].filter(
    (n) =>
      n.props.launchTemplate !== undefined ||
      n.props.mixedInstancesPolicy !== undefined ||
      n.type === AWS_TYPES.autoscalingGroup,
  );
  return candidates.length === 1 && launchers.length === 1 ? candidates[0] : undefined;
}

/** Instance count range: min size to max size (desired capacity lies between and moves with scaling). */
function groupCount(group: GraphNode): { count?: Range; basis: string } {
  const min = num(group.props.minSize);
  const max = num(group.props.maxSize);
  const desired = num(group.props.desiredCapacity);
  if (min === undefined || max === undefined)
    return { basis: "minSize or maxSize is not known, so the instance count is unknown" };
  return {
    count: { min, max },
    basis: `min size ${fmt(min)}${desired !== undefined ? ` (desired ${fmt(desired)})` : ""} to max size ${fmt(max)} instances × 730 h`,
  };
}

export function priceAutoScalingGroup(r: ResourcePricing): void {
  const { node: group, book } = r;
  const source = launchSourceFor(r.stack, group);
  const overrides = records(obj(obj(group.props.mixedInstancesPolicy)?.launchTemplate)?.overrides);
  const overrideTypes = overrides.map((o) => o.instanceType).filter((t) => t !== undefined);
  const types: unknown[] = overrideTypes.length > 0 ? overrideTypes : [source?.props.instanceType];
  const typeLabel = types.every((t) => str(t) !== undefined) ? types.map((t) => str(t)).join("/") : "EC2";
  const label = `${typeLabel} on-demand Linux instance-hours (Auto Scaling group)`;
  const { count, basis } = groupCount(group);
  if (!book) r.noRegion(label, "hour");
  else if (!source && overrideTypes.length === 0)
    r.unknown(
      label,
      "hour",
      "unknown price: the group's launch template or configuration is not in the stack",
      basis,
    );
  else if (overrides.some((o) => o.weightedCapacity !== undefined))
    r.unknown(
      label,
      "hour",
      "unknown quantity: weightedCapacity is set, so the instance count depends on which types are launched",
      basis,
    );
  else if (overrides.some((o) => o.instanceRequirements !== undefined) || source?.props.instanceRequirements)
    r.unknown(
      label,
      "hour",
      "unknown price: instance types chosen by attributes (instanceRequirements)",
      basis,
    );
  else if (!count) r.unknown(label, "hour", `unknown quantity: ${basis}`);
  else {
    const prices: PriceEntry[] = [];
    for (const type of types) {
      const price = r.instancePrice(book.ec2.onDemandLinux, type, "EC2 on-demand Linux");
      if (!("entry" in price)) return r.unknown(label, "hour", price.reason, basis);
      prices.push(price.entry);
    }
    const cheapest = prices.reduce((a, b) => (b.usd < a.usd ? b : a));
    const dearest = prices.reduce((a, b) => (b.usd > a.usd ? b : a));
    r.priced(
      label,
      { min: count.min * HOURS_PER_MONTH, max: count.max * HOURS_PER_MONTH },
      dearest,
      `${basis}` +
        (prices.length > 1
          ? `; mixed instance types from ${formatUnitUsd(cheapest.usd)}/h to ${formatUnitUsd(dearest.usd)}/h`
          : "") +
        "; spot capacity, if any, is priced at on-demand (its cap)",
      { min: cheapest.usd, max: dearest.usd },
    );
  }
  if (!source) return;
  if (!count) return r.unknown("EBS volumes", "GB-month", `unknown quantity: ${basis}`);
  if (source.type === AWS_TYPES.ec2LaunchConfiguration) return instanceStyleVolumes(r, source.props, count);
  templateVolumes(r, source, count);
}

/** The EBS volumes a launch template maps (per instance, × `count` instances), or the AMI's root volume. */
function templateVolumes(r: ResourcePricing, template: GraphNode, count: Range | undefined): void {
  const mappings = records(template.props.blockDeviceMappings);
  const options = count ? { ...INSTANCE_VOLUME, count } : INSTANCE_VOLUME;
  if (mappings.length === 0) return priceEbsVolume(r, "root volume", {}, options);
  mappings.forEach((mapping, i) => {
    const ebs = obj(mapping.ebs);
    if (ebs) priceEbsVolume(r, `EBS volume ${str(mapping.deviceName) ?? i + 1}`, ebs, options);
  });
}
