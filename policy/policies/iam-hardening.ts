/**
 * IAM hardening beyond the must-have FullAccess rule (policy-core's iam.ts): relationship rules along the ML chain.
 * `iam:PassRole` on `*` lets whoever holds the grant hand any role — including an admin role — to a service they
 * control (a notebook, a training job, a Lambda), which is privilege escalation in one call.
 *
 * Documents are read with the shared structural parser (aws-facts/iam-document.ts), so `"iam:passrole"`,
 * `"iam:Pass*"`, `"iam:*"`, NotAction, a single statement or an array, a JSON string or an object all count.
 */
import {
  ARN_SHAPES,
  coveredShape,
  newCoverageBudget,
  SERVICE_WIDE_SHAPES,
  type CoverageBudget,
} from "@ml-platform/aws-facts/arn-shapes";
import { statementsGranting, type IamDocument, type IamStatement } from "@ml-platform/aws-facts/iam-document";
import {
  defineResourcePolicy,
  type ResourceRuleContext,
  type TypedRule,
  type UnknownProbe,
} from "../framework";
import { readDocument } from "./iam-document-reader";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** Where identity-policy documents live: resource type → how to list (property path, document) pairs. */
const DOCUMENT_SOURCES: Readonly<
  Record<string, (props: any) => { property: string; read: () => unknown }[]>
> = {
  [AWS_TYPES.iamPolicy]: (p) => [{ property: "policy", read: () => p.policy }],
  [AWS_TYPES.iamRolePolicy]: (p) => [{ property: "policy", read: () => p.policy }],
  [AWS_TYPES.iamUserPolicy]: (p) => [{ property: "policy", read: () => p.policy }],
  [AWS_TYPES.iamGroupPolicy]: (p) => [{ property: "policy", read: () => p.policy }],
  [AWS_TYPES.iamRole]: (p) => {
    const inline = p.inlinePolicies as unknown[] | undefined;
    if (!Array.isArray(inline)) return [];
    return inline.map((_, i) => ({
      property: `inlinePolicies[${i}].policy`,
      read: () => p.inlinePolicies[i].policy,
    }));
  },
};

/** Resource types that carry identity-policy documents. */
export const IAM_DOCUMENT_TYPES = Object.keys(DOCUMENT_SOURCES);

/**
 * Builds one rule per document-carrying type that calls `check` for each parsed document. A document unknown as
 * a whole (built from other resources' outputs, e.g. an endpoint ARN) defers: the runtime reports the policy as
 * not run during preview, and `pulumi up` checks the real document. In a partly unknown object document the known
 * statements are checked first, and a known violation is reported before the rest defers. Unparseable documents
 * are skipped here; the must-have iam rules report them.
 */
export function onIamDocuments<C>(
  check: (document: IamDocument, property: string, ctx: ResourceRuleContext<C>) => void,
): TypedRule<C>[] {
  return IAM_DOCUMENT_TYPES.map((type) => ({
    type,
    check: (props: any, ctx: ResourceRuleContext<C>) => {
      const sources = ctx.probe("inlinePolicies", () => DOCUMENT_SOURCES[type](props));
      if (!sources.known) return ctx.defer(sources);
      let undecided: UnknownProbe | undefined;
      for (const source of sources.value) {
        const reading = readDocument(ctx, source.property, source.read);
        if (reading.kind === "unknown") undecided ??= reading.unknown;
        else if (reading.kind === "known" && reading.parsed.ok) {
          check(reading.parsed.document, source.property, ctx);
        } else if (reading.kind === "partial") {
          check(reading.document, source.property, ctx);
          undecided ??= reading.partial[0]?.unknown;
        }
      }
      if (undecided) ctx.defer(undecided);
    },
  }));
}

/** `Statement[2]` or `Statement` — how a message points into a document. */
export function statementPath(property: string, statement: IamStatement, document: IamDocument): string {
  return document.statements.length > 1 || statement.index > 0
    ? `${property} Statement[${statement.index}]`
    : `${property} Statement`;
}

/**
 * True for a resource pattern that covers every role of an account, however spelt: `role/*`, `*`,
 * `arn:aws:iam::123456789012:*`, `arn:aws:iam::*ole/*`, `arn:aws:iam::123456789012:r?le/*` (IAM globs match
 * `/` and `:` too). Role paths (`role/service-role/*`) and name prefixes (`role/app-*`) are bounded.
 */
function coversEveryRole(resource: string, budget: CoverageBudget): boolean {
  return coveredShape(resource, [ARN_SHAPES.iamRole, ...SERVICE_WIDE_SHAPES], budget).shape !== undefined;
}

export const iamNoPassroleWildcard = defineResourcePolicy({
  name: "iam-no-passrole-wildcard",
  family: "iam-hardening",
  description:
    "Identity policies must not allow iam:PassRole on every role (Resource `*`, `role/*` or NotResource); " +
    "name the roles that may be passed.",
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Limit iam:PassRole to the ARNs of the roles the principal really hands to a service (for example the " +
    "SageMaker execution role), and add a Condition on iam:PassedToService (sagemaker.amazonaws.com).",
  unknownValues: {
    behaviour: "defer",
    detail:
      "A document built from other resources' ARNs is unknown during preview: the policy is reported as not run " +
      "(advisory) and checks the real document during `pulumi up`.",
  },
  checks: [
    "Documents in `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and `Role.inlinePolicies`.",
    "An Allow statement whose Action (or NotAction complement) covers `iam:PassRole` — `iam:PassRole`, " +
      "`iam:Pass*`, `iam:*`, `*`, any case — on any pattern that covers every role of an account however it is " +
      "spelt (`role/*`, `arn:aws:iam::<account>:*`, `arn:aws:iam::*ole/*`: IAM's `*` and `?` match `/` and `:`), " +
      "any service-wide ARN, or NotResource.",
  ],
  rules: onIamDocuments((document, property, ctx) => {
    const budget = newCoverageBudget();
    for (const statement of statementsGranting(document, "iam:PassRole")) {
      const where = statementPath(property, statement, document);
      const broad = statement.hasNotResource
        ? `NotResource ${JSON.stringify(statement.notResources)}`
        : statement.resources.find((r) => coversEveryRole(r, budget));
      if (broad === undefined) continue;
      ctx.report({
        property: where,
        problem: `allows iam:PassRole on ${broad.startsWith("NotResource") ? broad : JSON.stringify(broad)}: the holder can pass any role, admin roles included, to a service it controls`,
        fix: "list the specific role ARNs that may be passed and add a Condition on iam:PassedToService",
      });
    }
  }),
});

/** IAM hardening, advisory by default (mandatory in policy/config/prod.json). */
export const iamHardeningPolicies = [iamNoPassroleWildcard];
