/**
 * What the Pulumi engine would do going from one deployed configuration (stack A, as captured under the mock
 * runtime) to the next (stack B): which resources are created, updated, replaced or deleted, in which order, and
 * which inputs of dependents change because something they reference was replaced or republished.
 *
 * The replace rules are the provider's, per type: an input listed for a type forces a replacement when its value
 * changes (terraform-provider-aws ForceNew / RequiresReplace, as bridged by @pulumi/aws 7.x; each entry names the
 * resource file it comes from). Everything else updates in place. Replacements are create-before-delete unless the
 * resource asks for delete-before-replace (the `deleteBeforeReplace` option, or a type Pulumi marks so), and the
 * deletes of replaced resources run after every create and update, as the engine does.
 */
import type { CapturedResource, CapturedStack } from "../../../tools/lib/resource-graph";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** A path of a changed input (`productionVariants[0].instanceType`) or "*" for "every input except tags". */
type ReplaceRule = readonly string[] | "all-but-tags";

/** Inputs whose change replaces a resource, by type. */
const REPLACE_ON: Readonly<Record<string, ReplaceRule>> = {
  // internal/service/sagemaker/{model,endpoint_configuration}.go: every argument but tags is ForceNew.
  [AWS_TYPES.sagemakerModel]: "all-but-tags",
  [AWS_TYPES.sagemakerEndpointConfiguration]: "all-but-tags",
  // internal/service/sagemaker/endpoint.go: name and deployment_config.auto_rollback_configuration are ForceNew.
  [AWS_TYPES.sagemakerEndpoint]: ["name", "deploymentConfig.autoRollbackConfiguration"],
  // internal/service/sagemaker/notebook_instance.go.
  [AWS_TYPES.sagemakerNotebookInstance]: [
    "name",
    "directInternetAccess",
    "kmsKeyId",
    "platformIdentifier",
    "securityGroups",
    "subnetId",
  ],
  [AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration]: ["name"],
  // internal/service/iam/{role,role_policy,role_policy_attachment,instance_profile}.go.
  [AWS_TYPES.iamRole]: ["name", "namePrefix", "path"],
  [AWS_TYPES.iamRolePolicy]: ["name", "namePrefix", "role"],
  [AWS_TYPES.iamRolePolicyAttachment]: ["role", "policyArn"],
  [AWS_TYPES.iamInstanceProfile]: ["name", "namePrefix", "path"],
  // internal/service/kms/key.go.
  [AWS_TYPES.kmsKey]: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
  // internal/service/ec2/{vpc_security_group,ec2_instance}.go and the vpc rule resources.
  [AWS_TYPES.ec2SecurityGroup]: ["name", "namePrefix", "description", "vpcId"],
  [AWS_TYPES.ec2Instance]: [
    "ami",
    "associatePublicIpAddress",
    "availabilityZone",
    "keyName",
    "subnetId",
    "securityGroups",
    "privateIp",
    "instanceMarketOptions",
    "rootBlockDevice.encrypted",
    "rootBlockDevice.kmsKeyId",
  ],
  [AWS_TYPES.vpcSecurityGroupIngressRule]: ["securityGroupId"],
  [AWS_TYPES.vpcSecurityGroupEgressRule]: ["securityGroupId"],
  // internal/service/appautoscaling/{target,policy}.go.
  [AWS_TYPES.appautoscalingTarget]: ["resourceId", "scalableDimension", "serviceNamespace"],
  [AWS_TYPES.appautoscalingPolicy]: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
  // internal/service/logs/group.go and cloudwatch/metric_alarm.go.
  [AWS_TYPES.cloudwatchLogGroup]: ["name", "namePrefix", "logGroupClass"],
  [AWS_TYPES.cloudwatchMetricAlarm]: ["name"],
  // internal/service/lambda/{function,alias,provisioned_concurrency_config}.go.
  [AWS_TYPES.lambdaFunction]: ["name", "packageType"],
  [AWS_TYPES.lambdaAlias]: ["functionName", "name"],
  [AWS_TYPES.lambdaProvisionedConcurrencyConfig]: ["functionName", "qualifier"],
  // internal/service/s3: the bucket and its singleton settings.
  [AWS_TYPES.s3Bucket]: ["bucket", "bucketPrefix", "objectLockEnabled"],
  [AWS_TYPES.s3BucketPolicy]: ["bucket"],
  [AWS_TYPES.s3BucketOwnershipControls]: ["bucket"],
  [AWS_TYPES.s3BucketPublicAccessBlock]: ["bucket"],
  [AWS_TYPES.s3BucketVersioning]: ["bucket", "expectedBucketOwner"],
  [AWS_TYPES.s3BucketServerSideEncryptionConfiguration]: ["bucket"],
  [AWS_TYPES.s3BucketLifecycleConfiguration]: ["bucket", "expectedBucketOwner"],
};

/** Types Pulumi always replaces delete-before-replace (pulumi-aws resource_overrides.go). */
const DELETE_BEFORE_REPLACE_TYPES: ReadonlySet<string> = new Set([AWS_TYPES.iamRolePolicyAttachment]);

export type StepKind = "create" | "update" | "replace" | "delete";

export interface PlanStep {
  readonly kind: StepKind;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Inputs whose value changes (own changes, or a replaced or republished dependency's new value). */
  readonly changedInputs: readonly string[];
  /** For replacements: delete the old one first (true) or create the new one first (false). */
  readonly deleteBeforeReplace?: boolean;
  /** The resource being deleted (or replaced) carries `protect`: the engine refuses the step. */
  readonly blockedByProtect?: boolean;
  /** A delete that leaves the cloud resource in place (`retainOnDelete`). */
  readonly retained?: boolean;
}

export interface Plan {
  readonly steps: readonly PlanStep[];
  /** The operations in execution order: `create <urn>`, `create-replacement <urn>`, `update`, `delete-replaced`, … */
  readonly order: readonly string[];
  step(urn: string): PlanStep | undefined;
  /** Steps other than "same", by kind. */
  ofKind(kind: StepKind): PlanStep[];
}

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, "[]");
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, "{}");
    for (const [k, v] of entries) flatten(v, path === "" ? k : `${path}.${k}`, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
}

/** Top-level-relative paths of the inputs that differ, collapsed to their property (`a.b[0].c`). */
function changedPaths(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, "", a);
  flatten(after, "", b);
  const paths = new Set<string>();
  for (const key of new Set([...a.keys(), ...b.keys()])) if (a.get(key) !== b.get(key)) paths.add(key);
  return [...paths].sort();
}

const withoutIndexes = (path: string) => path.replace(/\[\d+\]/g, "");
const isTagPath = (path: string) => /^tags(All)?(\.|$)/.test(path);
const under = (path: string, prefix: string) =>
  withoutIndexes(path) === prefix || withoutIndexes(path).startsWith(`${prefix}.`);

function ignored(resource: CapturedResource, path: string): boolean {
  return resource.options.ignoreChanges.some((p) => under(path, p));
}

function forcesReplacement(resource: CapturedResource, paths: readonly string[]): boolean {
  const rule = REPLACE_ON[resource.type];
  const own = paths.filter((p) => !ignored(resource, p));
  if (own.some((p) => resource.options.replaceOnChanges.some((r) => under(p, r)))) return true;
  if (rule === undefined) return false;
  if (rule === "all-but-tags") return own.some((p) => !isTagPath(p));
  return own.some((p) => rule.some((r) => under(p, r)));
}

/** Inputs of `dependent` that take a new value when `changed` is replaced (new id, name and ARN). */
function propertiesFrom(dependent: CapturedResource, changedUrn: string): string[] {
  return Object.entries(dependent.propertyDependencies)
    .filter(([, urns]) => urns.includes(changedUrn))
    .map(([property]) => property);
}

/** Outputs an in-place update changes: a published Lambda function gets a new version on any update. */
function republishedProperties(updated: CapturedResource, dependent: CapturedResource): string[] {
  if (updated.type !== AWS_TYPES.lambdaFunction || updated.inputs.publish !== true) return [];
  return propertiesFrom(dependent, updated.urn).filter((p) => p === "functionVersion");
}

/** Resources ordered so that every resource comes after what it depends on. */
function topological(resources: readonly CapturedResource[]): CapturedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const out: CapturedResource[] = [];
  const visit = (r: CapturedResource) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    for (const dep of [...r.dependencies, ...(r.parent ? [r.parent] : [])]) {
      const d = byUrn.get(dep);
      if (d) visit(d);
    }
    out.push(r);
  };
  resources.forEach(visit);
  return out;
}

/** The plan from deployed stack `a` to the program's new state `b`. */
export function planUpdate(a: CapturedStack, b: CapturedStack): Plan {
  const before = new Map(a.resources.filter((r) => r.custom).map((r) => [r.urn, r]));
  const afterOrdered = topological(b.resources.filter((r) => r.custom));
  const changed = new Map<string, Set<string>>();
  const kinds = new Map<string, StepKind>();

  for (const r of afterOrdered) {
    const old = before.get(r.urn);
    if (!old) {
      kinds.set(r.urn, "create");
      continue;
    }
    const paths = new Set(
      changedPaths(old.inputs as Record<string, unknown>, r.inputs as Record<string, unknown>),
    );
    // What this resource references got replaced (new id/ARN/name) or republished (new Lambda version).
    // A property already seen changing (at some path under it) needs no second, coarser entry.
    const addProperty = (p: string) => {
      if (![...paths].some((q) => under(q, p))) paths.add(p);
    };
    for (const [urn, kind] of kinds) {
      const upstream = b.resources.find((x) => x.urn === urn)!;
      if (kind === "replace") propertiesFrom(r, urn).forEach(addProperty);
      if (kind === "update") republishedProperties(upstream, r).forEach(addProperty);
    }
    const effective = [...paths].filter((p) => !ignored(r, p));
    changed.set(r.urn, new Set(effective));
    if (effective.length === 0) continue;
    kinds.set(r.urn, forcesReplacement(r, effective) ? "replace" : "update");
  }
  for (const urn of before.keys()) if (!b.resources.some((r) => r.urn === urn)) kinds.set(urn, "delete");

  const steps: PlanStep[] = [];
  const order: string[] = [];
  const deletes: string[] = [];
  for (const r of afterOrdered) {
    const kind = kinds.get(r.urn);
    if (!kind) continue;
    const old = before.get(r.urn);
    const deleteBeforeReplace =
      kind === "replace"
        ? r.options.deleteBeforeReplace || DELETE_BEFORE_REPLACE_TYPES.has(r.type)
        : undefined;
    steps.push({
      kind,
      urn: r.urn,
      type: r.type,
      name: r.name,
      changedInputs: [...(changed.get(r.urn) ?? [])].sort(),
      ...(deleteBeforeReplace !== undefined ? { deleteBeforeReplace } : {}),
      ...(kind === "replace" && old?.options.protect ? { blockedByProtect: true } : {}),
      ...(kind === "replace" && old?.options.retainOnDelete ? { retained: true } : {}),
    });
    if (kind === "create") order.push(`create ${r.urn}`);
    if (kind === "update") order.push(`update ${r.urn}`);
    if (kind === "replace" && deleteBeforeReplace)
      order.push(`delete-replaced ${r.urn}`, `create-replacement ${r.urn}`);
    if (kind === "replace" && !deleteBeforeReplace) {
      order.push(`create-replacement ${r.urn}`);
      deletes.push(`delete-replaced ${r.urn}`);
    }
  }
  // Deletes run last, dependents first (the reverse of the old stack's dependency order).
  for (const old of topological([...before.values()]).reverse()) {
    if (kinds.get(old.urn) === "delete") {
      steps.push({
        kind: "delete",
        urn: old.urn,
        type: old.type,
        name: old.name,
        changedInputs: [],
        ...(old.options.protect ? { blockedByProtect: true } : {}),
        ...(old.options.retainOnDelete ? { retained: true } : {}),
      });
      deletes.push(`delete ${old.urn}`);
    }
  }
  const replacedDeletes = deletes.filter((d) => d.startsWith("delete-replaced"));
  const reversedReplaced = [...replacedDeletes].reverse();
  order.push(...reversedReplaced, ...deletes.filter((d) => !d.startsWith("delete-replaced")));
  return {
    steps,
    order,
    step: (urn) => steps.find((s) => s.urn === urn),
    ofKind: (kind) => steps.filter((s) => s.kind === kind),
  };
}
