/**
 * Stateful resources carry the `protect` resource option in production, so a mistaken rename, a refactor that
 * drops a resource, or `pulumi destroy` stops with an error instead of deleting data (model artefacts, notebooks'
 * work, KMS keys whose deletion makes everything they encrypted unreadable).
 *
 * Advisory by default (and in policy/config/dev.json, where stacks are meant to be torn down) and mandatory in
 * policy/config/prod.json. The `protect` option reaches policies as `args.opts.protect` (AnalyzerResourceOptions).
 */
import { defineResourcePolicy, type TypedRule } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

interface Config {
  readonly statefulTypes: readonly string[];
}

/** Resource types whose deletion loses data or access to data. */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = [
  AWS_TYPES.s3Bucket,
  AWS_TYPES.s3BucketV2,
  AWS_TYPES.sagemakerNotebookInstance,
  AWS_TYPES.kmsKey,
  AWS_TYPES.ecrRepository,
  AWS_TYPES.ebsVolume,
  AWS_TYPES.efsFileSystem,
  AWS_TYPES.dynamodbTable,
  AWS_TYPES.rdsInstance,
  AWS_TYPES.rdsCluster,
];

/** What deleting a resource of this type by mistake costs, for the message. */
function loss(type: string): string {
  switch (type) {
    case AWS_TYPES.kmsKey:
      return "a rename, refactor or destroy would schedule the key's deletion, after which everything it encrypted is unreadable";
    case AWS_TYPES.sagemakerNotebookInstance:
      return "a rename, refactor or destroy would delete the notebook and the work on its volume";
    case AWS_TYPES.ecrRepository:
      return "a rename, refactor or destroy would delete the repository and its images";
    default:
      return "a rename, refactor or destroy would delete its data";
  }
}

const checkProtected: TypedRule<Config>["check"] = (_props, ctx) => {
  if (!ctx.config.statefulTypes.includes(ctx.type)) {
    return ctx.args.notApplicable(`${ctx.type} is not in statefulTypes`);
  }
  if (ctx.args.opts?.protect === true) return;
  ctx.report({
    property: "protect (resource option)",
    problem: `is not set on a stateful resource: ${loss(ctx.type)}`,
    fix: "pass { protect: true } in the resource options (components accept it for their stateful children)",
  });
};

export const statefulResourcesProtected = defineResourcePolicy<Config>({
  name: "stateful-resources-protected",
  family: "protect",
  description:
    "Stateful resources (S3 buckets, notebook instances, KMS keys, ECR repositories, volumes, databases) must " +
    "have the protect resource option in production.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Pass `{ protect: true }` to the resource (or the component option that forwards it to its stateful " +
    "children). To delete such a resource on purpose, first run `pulumi state unprotect <urn>`.",
  unknownValues: {
    behaviour: "fail-closed",
    detail: "`protect` is a resource option, always known to the engine; there is no unknown case.",
  },
  checks: [
    "Every resource whose type is in `statefulTypes` has `opts.protect` true.",
    "Mandatory in prod, advisory in dev (policy/config/<stack>.json).",
  ],
  config: {
    statefulTypes: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_STATEFUL_TYPES],
      description: "Type tokens of resources that must be protected.",
    },
  },
  // One rule per default type: the framework reports other types as not applicable. A type added through config
  // only could never be checked, so such an entry is a config error (reported) rather than a silent no-op; adding
  // types means extending DEFAULT_STATEFUL_TYPES.
  validateConfig: (config) =>
    config.statefulTypes
      .filter((type) => !DEFAULT_STATEFUL_TYPES.includes(type))
      .map(
        (type) =>
          `statefulTypes entry "${type}" is not a type this policy can check (it checks ` +
          `${DEFAULT_STATEFUL_TYPES.join(", ")}); remove it, or add it to DEFAULT_STATEFUL_TYPES in policy/policies/protect.ts`,
      ),
  rules: DEFAULT_STATEFUL_TYPES.map((type) => ({ type, check: checkProtected })),
});

/** Protection of stateful resources, advisory by default (mandatory in policy/config/prod.json). */
export const protectPolicies = [statefulResourcesProtected];
