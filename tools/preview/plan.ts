/**
 * The plan part of the offline preview: the resource tree (components and their children, as `pulumi preview`
 * shows it) and the few inputs per type that a reviewer looks at first (instance types, counts, runtime, ...).
 * Pure functions over the captured graph, shared by the text and JSON output.
 */
import type { CapturedResource } from "../lib/resource-graph";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** `aws:sagemaker/endpoint:Endpoint` → `aws:sagemaker:Endpoint`, as the Pulumi CLI displays types. */
export function displayType(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

type Props = Readonly<Record<string, unknown>>;

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function show(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value.length > 90 ? `${value.slice(0, 87)}...` : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return value.length <= 3 ? value.map((v) => show(v) ?? "?").join(",") : `${value.length} items`;
  return undefined;
}

/** Picks `label=value` pairs from property paths; absent values are skipped. */
function pick(inputs: Props, fields: readonly (readonly [label: string, path: string])[]): string[] {
  const out: string[] = [];
  for (const [label, path] of fields) {
    const v = show(get(inputs, path));
    if (v !== undefined) out.push(`${label}=${v}`);
  }
  return out;
}

function lastSegment(value: unknown): string | undefined {
  return typeof value === "string" ? value.split(/[/:]/).pop() : undefined;
}

/**
 * The inputs worth showing per type, as `key=value` strings. Unknown types show nothing; the JSON output carries
 * every input anyway.
 */
export function keyInputs(resource: CapturedResource): string[] {
  const i = resource.inputs;
  switch (resource.type) {
    case AWS_TYPES.sagemakerNotebookInstance:
      return pick(i, [
        ["instanceType", "instanceType"],
        ["volumeSize", "volumeSize"],
        ["directInternetAccess", "directInternetAccess"],
        ["rootAccess", "rootAccess"],
        ["imds", "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion"],
        ["platform", "platformIdentifier"],
      ]);
    case AWS_TYPES.ec2Instance:
      return [
        ...pick(i, [
          ["instanceType", "instanceType"],
          ["rootVolumeGb", "rootBlockDevice.volumeSize"],
          ["encrypted", "rootBlockDevice.encrypted"],
          ["httpTokens", "metadataOptions.httpTokens"],
          ["market", "instanceMarketOptions.marketType"],
          ["publicIp", "associatePublicIpAddress"],
        ]),
      ];
    case AWS_TYPES.sagemakerEndpointConfiguration: {
      const variants = Array.isArray(i.productionVariants) ? (i.productionVariants as Props[]) : [];
      return variants.map((v) => {
        const serverless = v.serverlessConfig as Props | undefined;
        const size = serverless
          ? `serverless ${show(serverless.memorySizeInMb) ?? "?"}MB×${show(serverless.maxConcurrency) ?? "?"}`
          : `${show(v.instanceType) ?? "?"}×${show(v.initialInstanceCount) ?? "?"}`;
        return `variant ${show(v.variantName) ?? "(auto-named)"}: ${size}`;
      });
    }
    case AWS_TYPES.sagemakerEndpoint:
      return pick(i, [
        ["deployment", "deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration.type"],
        ["rollbackAlarms", "deploymentConfig.autoRollbackConfiguration.alarms"],
      ]).map((s) => (s.startsWith("deployment=") ? `blue/green ${s.slice("deployment=".length)}` : s));
    case AWS_TYPES.sagemakerModel: {
      // The registry host is long and always the same; the repository and tag are what a reviewer checks.
      const image = get(i, "primaryContainer.image");
      return typeof image === "string" ? [`image=${image.split("/").pop()}`] : [];
    }
    case AWS_TYPES.appautoscalingTarget:
      return pick(i, [
        ["resourceId", "resourceId"],
        ["min", "minCapacity"],
        ["max", "maxCapacity"],
      ]);
    case AWS_TYPES.appautoscalingPolicy:
      return pick(i, [
        ["type", "policyType"],
        [
          "metric",
          "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType",
        ],
        ["target", "targetTrackingScalingPolicyConfiguration.targetValue"],
        ["scaleInCooldown", "targetTrackingScalingPolicyConfiguration.scaleInCooldown"],
        ["scaleOutCooldown", "targetTrackingScalingPolicyConfiguration.scaleOutCooldown"],
      ]);
    case AWS_TYPES.lambdaFunction:
      return pick(i, [
        ["runtime", "runtime"],
        ["memory", "memorySize"],
        ["timeout", "timeout"],
        ["reserved", "reservedConcurrentExecutions"],
        ["publish", "publish"],
      ]);
    case AWS_TYPES.lambdaAlias:
      return pick(i, [
        ["name", "name"],
        ["version", "functionVersion"],
      ]);
    case AWS_TYPES.lambdaProvisionedConcurrencyConfig:
      return pick(i, [
        ["qualifier", "qualifier"],
        ["provisioned", "provisionedConcurrentExecutions"],
      ]);
    case AWS_TYPES.cloudwatchLogGroup:
      return pick(i, [
        ["name", "name"],
        ["retentionDays", "retentionInDays"],
      ]);
    case AWS_TYPES.cloudwatchMetricAlarm:
      return pick(i, [
        ["metric", "metricName"],
        ["threshold", "threshold"],
      ]);
    case AWS_TYPES.iamRolePolicyAttachment: {
      const name = lastSegment(i.policyArn);
      return name ? [`policy=${name}`] : [];
    }
    case AWS_TYPES.iamRole: {
      const managed = Array.isArray(i.managedPolicyArns) ? (i.managedPolicyArns as unknown[]) : [];
      return managed.length ? [`managedPolicies=${managed.map(lastSegment).join(",")}`] : [];
    }
    case AWS_TYPES.vpcSecurityGroupIngressRule:
    case AWS_TYPES.vpcSecurityGroupEgressRule: {
      const ports =
        i.fromPort === undefined
          ? "all"
          : i.fromPort === i.toPort
            ? String(i.fromPort)
            : `${i.fromPort}-${i.toPort}`;
      const source =
        show(i.cidrIpv4) ?? show(i.cidrIpv6) ?? show(i.referencedSecurityGroupId) ?? show(i.prefixListId);
      return [`${show(i.ipProtocol) ?? "?"}/${ports}${source ? ` ${source}` : ""}`];
    }
    case AWS_TYPES.s3Bucket:
    case AWS_TYPES.s3BucketV2:
      return pick(i, [["bucket", "bucket"]]);
    case AWS_TYPES.kmsKey:
      return pick(i, [["rotation", "enableKeyRotation"]]);
    default:
      return [];
  }
}

/** Resource options worth flagging in the plan. */
export function optionFlags(resource: CapturedResource): string[] {
  const o = resource.options;
  const flags: string[] = [];
  if (o.protect) flags.push("protect");
  if (o.retainOnDelete) flags.push("retainOnDelete");
  if (o.ignoreChanges.length) flags.push(`ignoreChanges: ${o.ignoreChanges.join(",")}`);
  if (o.replaceOnChanges.length) flags.push(`replaceOnChanges: ${o.replaceOnChanges.join(",")}`);
  if (o.deleteBeforeReplace) flags.push("deleteBeforeReplace");
  if (o.customTimeouts) {
    const t = o.customTimeouts;
    flags.push(
      `timeouts: ${[
        t.create && `create ${t.create}`,
        t.update && `update ${t.update}`,
        t.delete && `delete ${t.delete}`,
      ]
        .filter(Boolean)
        .join(", ")}`,
    );
  }
  return flags;
}

export interface PlanNode {
  readonly resource: CapturedResource;
  readonly children: PlanNode[];
}

/**
 * The resource tree: roots are resources without a parent (the stack) or whose parent was not captured; children
 * keep registration order.
 */
export function buildTree(resources: readonly CapturedResource[]): PlanNode[] {
  const nodes = new Map<string, PlanNode>();
  for (const r of resources) nodes.set(r.urn, { resource: r, children: [] });
  const roots: PlanNode[] = [];
  for (const r of resources) {
    const node = nodes.get(r.urn)!;
    const parent = r.parent ? nodes.get(r.parent) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export interface PlanLine {
  /** Tree prefix, e.g. "│  ├─ ". */
  readonly prefix: string;
  readonly type: string;
  readonly name: string;
  readonly info: string;
  readonly resource: CapturedResource;
}

/** Flattens the tree into display lines with `├─`/`└─` prefixes, as `pulumi preview` draws it. */
export function planLines(resources: readonly CapturedResource[]): PlanLine[] {
  const lines: PlanLine[] = [];
  const walk = (node: PlanNode, indent: string, last: boolean, root: boolean) => {
    const r = node.resource;
    const info = [...keyInputs(r), ...optionFlags(r).map((f) => `[${f}]`)].join("  ");
    lines.push({
      prefix: root ? "" : `${indent}${last ? "└─ " : "├─ "}`,
      type: displayType(r.type),
      name: r.name,
      info,
      resource: r,
    });
    const childIndent = root ? "" : `${indent}${last ? "   " : "│  "}`;
    node.children.forEach((c, idx) => walk(c, childIndent, idx === node.children.length - 1, false));
  };
  for (const root of buildTree(resources)) walk(root, "", true, true);
  return lines;
}
