/**
 * Stateful resources carry the `protect` resource option in production, so a mistaken rename, a refactor that
 * drops a resource, or `pulumi destroy` stops with an error instead of deleting data (model artefacts, notebooks'
 * work, KMS keys whose deletion makes everything they encrypted unreadable).
 *
 * Advisory by default (and in policy/config/dev.json, where stacks are meant to be torn down) and mandatory in
 * policy/config/prod.json. The `protect` option reaches policies as `args.opts.protect` (AnalyzerResourceOptions).
 */
import { defineResourcePolicy, type TypedRule } from "../framework";
import { STATEFUL_TYPES, statefulLoss } from "@ml-platform/aws-facts/stateful-types";

interface Config {
  readonly statefulTypes: readonly string[];
}

/**
 * Resource types whose deletion loses data or access to data: the shared table in aws-facts, which the change
 * preview also uses for its stateful warning, so the pack protects exactly what the preview warns about.
 */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = Object.keys(STATEFUL_TYPES);

/** What deleting a resource of this type by mistake costs, for the message. */
function loss(type: string): string {
  return `a rename, refactor or destroy would delete it (${statefulLoss(type) ?? "it holds data"})`;
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
    "Stateful resources (S3 buckets, notebook instances, KMS keys, ECR repositories, volumes, file systems, " +
    "databases) must " +
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
    "Every resource whose type is in `statefulTypes` has `opts.protect` true. The default list is the stateful-type " +
      "table in aws-facts/stateful-types.ts, which the change preview's stateful warning reads too: S3 buckets " +
      "(Bucket and BucketV2), notebook instances, KMS keys, ECR repositories, EBS volumes, EFS file systems, " +
      "DynamoDB tables, RDS instances and clusters.",
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
  // types means extending STATEFUL_TYPES in aws-facts/stateful-types.ts.
  validateConfig: (config) =>
    config.statefulTypes
      .filter((type) => !DEFAULT_STATEFUL_TYPES.includes(type))
      .map(
        (type) =>
          `statefulTypes entry "${type}" is not a type this policy can check (it checks ` +
          `${DEFAULT_STATEFUL_TYPES.join(", ")}); remove it, or add it to STATEFUL_TYPES in aws-facts/stateful-types.ts`,
      ),
  rules: DEFAULT_STATEFUL_TYPES.map((type) => ({ type, check: checkProtected })),
});

/** Protection of stateful resources, advisory by default (mandatory in policy/config/prod.json). */
export const protectPolicies = [statefulResourcesProtected];
