/**
 * IAM: no FullAccess or administrator managed policies on any attachment path, and no wildcard grants in
 * policy documents. Documents are parsed structurally (aws-facts/iam-document.ts), never matched as text.
 */
import type * as aws from "@pulumi/aws";
import {
  BROAD_MANAGED_POLICY_PATTERNS,
  broadManagedPolicyMatch,
  incompleteGrantReason,
  isServiceWideAction,
  isUnboundedResource,
  wildcardGrants,
  type IamDocument,
} from "@ml-platform/aws-facts/iam-document";
import { element, readDocument, stringsOf, type PartlyUnknownStatement } from "./iam-document-reader";
import {
  defineResourcePolicy,
  onType,
  type ConfigSpec,
  type PlatformPolicy,
  type Probe,
  type ResourceRuleContext,
  type UnknownProbe,
} from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

// ------------------------------------------------------------------------------------------------------------------
// iam-no-full-access

interface FullAccessConfig {
  deniedManagedPolicies: string[];
}

const fullAccessConfig: ConfigSpec<FullAccessConfig> = {
  deniedManagedPolicies: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [...BROAD_MANAGED_POLICY_PATTERNS],
    description:
      "Name patterns (`*` and `?` wildcards, case-insensitive) of AWS-managed policies that may not be attached, " +
      "matched against the policy name after any path (`service-role/`, `job-function/`).",
  },
};

type FullAccessContext = ResourceRuleContext<FullAccessConfig>;

const FULL_ACCESS_FIX =
  "attach a customer-managed policy (or an inline policy) that allows only the actions and resources this " +
  "principal needs, e.g. sagemaker:InvokeEndpoint on one endpoint ARN";

/** Checks one attached policy ARN. An unknown ARN (computed from another resource) defers to `pulumi up`. */
function checkAttachedArn(ctx: FullAccessContext, arn: Probe<unknown>, principals: string): void {
  if (!arn.known) ctx.defer(arn);
  if (typeof arn.value !== "string") return;
  const match = broadManagedPolicyMatch(arn.value, ctx.config.deniedManagedPolicies);
  if (!match) return;
  ctx.report({
    property: arn.property,
    problem:
      `attaches the AWS-managed policy ${match.policy.path}${match.policy.name} (partition ${match.policy.partition}, ` +
      `matches "${match.pattern}") to ${principals}`,
    fix: FULL_ACCESS_FIX,
  });
}

/** Checks a list of attached ARNs; known entries are checked before an unknown one defers the rest. */
function checkAttachedArnList(
  ctx: FullAccessContext,
  property: string,
  read: () => unknown,
  principals: string,
) {
  const list = ctx.probe(property, read);
  if (!list.known) ctx.defer(list);
  if (!Array.isArray(list.value)) return;
  const values = list.value;
  const unknowns: Probe<unknown>[] = [];
  for (let i = 0; i < values.length; i++) {
    const arn = ctx.probe(`${property}[${i}]`, () => values[i]);
    if (arn.known) checkAttachedArn(ctx, arn, principals);
    else unknowns.push(arn);
  }
  const first = unknowns[0];
  if (first && !first.known) ctx.defer(first);
}

/** A principal reference for messages: a literal name, or "the referenced role" when computed. */
function principalName(ctx: FullAccessContext, kind: string, read: () => unknown): string {
  const value = ctx.probe(kind, read);
  return value.known && typeof value.value === "string" ? `${kind} "${value.value}"` : `the ${kind}`;
}

function principalList(ctx: FullAccessContext, kind: string, read: () => unknown): string[] {
  const value = ctx.probe(kind, read);
  if (!value.known || !Array.isArray(value.value)) return [];
  const list = value.value;
  return list.map((_, i) => {
    const item = ctx.probe(`${kind}[${i}]`, () => list[i]);
    return item.known && typeof item.value === "string" ? `${kind.replace(/s$/, "")} "${item.value}"` : kind;
  });
}

/**
 * One-policy attachments: the principal input is named after its kind (`role`, `user`, `group`), as in
 * aws.iam.RolePolicyAttachmentArgs, UserPolicyAttachmentArgs and GroupPolicyAttachmentArgs.
 */
const SINGLE_ATTACHMENTS = [
  { type: AWS_TYPES.iamRolePolicyAttachment, principal: "role" },
  { type: AWS_TYPES.iamUserPolicyAttachment, principal: "user" },
  { type: AWS_TYPES.iamGroupPolicyAttachment, principal: "group" },
] as const satisfies readonly {
  type: string;
  principal:
    | keyof aws.iam.RolePolicyAttachmentArgs
    | keyof aws.iam.UserPolicyAttachmentArgs
    | keyof aws.iam.GroupPolicyAttachmentArgs;
}[];

/** Exclusive attachment sets (`policyArns[]`), whose principal input is `<kind>Name`. */
const EXCLUSIVE_ATTACHMENTS = [
  {
    type: AWS_TYPES.iamRolePolicyAttachmentsExclusive,
    principal: "role",
    nameKey: "roleName",
  },
  {
    type: AWS_TYPES.iamUserPolicyAttachmentsExclusive,
    principal: "user",
    nameKey: "userName",
  },
  {
    type: AWS_TYPES.iamGroupPolicyAttachmentsExclusive,
    principal: "group",
    nameKey: "groupName",
  },
] as const satisfies readonly {
  type: string;
  principal: string;
  nameKey:
    | keyof aws.iam.RolePolicyAttachmentsExclusiveArgs
    | keyof aws.iam.UserPolicyAttachmentsExclusiveArgs
    | keyof aws.iam.GroupPolicyAttachmentsExclusiveArgs;
}[];

export const iamNoFullAccess = defineResourcePolicy<FullAccessConfig>({
  name: "iam-no-full-access",
  family: "iam",
  description:
    "IAM principals must not get AWS-managed FullAccess, AdministratorAccess or PowerUserAccess policies, on any " +
    "attachment path and in any partition.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Replace the managed policy with a least-privilege customer-managed or inline policy: list the exact actions " +
    "(e.g. sagemaker:InvokeEndpoint) on the exact resource ARNs (e.g. the one endpoint). The components in " +
    "components/lib build such documents. If a broad policy is truly required, exempt the resource with a written " +
    "reason.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "A policy ARN that is unknown during preview is computed from another resource (usually a customer-managed " +
      "aws.iam.Policy, whose document this pack checks separately), so the check is deferred to `pulumi up`, " +
      "where every ARN is known. Known entries of a partly unknown list are still checked in preview.",
  },
  checks: [
    "`aws.iam.Role` `managedPolicyArns[]`",
    "`aws.iam.RolePolicyAttachment`, `UserPolicyAttachment`, `GroupPolicyAttachment` `policyArn`",
    "`aws.iam.PolicyAttachment` `policyArn` (roles, users and groups)",
    "`aws.iam.RolePolicyAttachmentsExclusive`, `UserPolicyAttachmentsExclusive`, `GroupPolicyAttachmentsExclusive` `policyArns[]`",
    "AWS-managed ARNs in every partition (`aws`, `aws-cn`, `aws-us-gov`, ISO) and under any path (`service-role/`, `job-function/`)",
  ],
  config: fullAccessConfig,
  rules: [
    onType<aws.iam.RoleArgs, FullAccessConfig>(AWS_TYPES.iamRole, (role, ctx) =>
      checkAttachedArnList(ctx, "managedPolicyArns", () => role.managedPolicyArns, `role "${ctx.name}"`),
    ),
    ...SINGLE_ATTACHMENTS.map(({ type, principal }) =>
      onType<{ policyArn: string } & Record<string, unknown>, FullAccessConfig>(type, (attachment, ctx) =>
        checkAttachedArn(
          ctx,
          ctx.probe("policyArn", () => attachment.policyArn),
          principalName(ctx, principal, () => attachment[principal]),
        ),
      ),
    ),
    onType<aws.iam.PolicyAttachmentArgs, FullAccessConfig>(
      AWS_TYPES.iamPolicyAttachment,
      (attachment, ctx) => {
        const principals = [
          ...principalList(ctx, "roles", () => attachment.roles),
          ...principalList(ctx, "users", () => attachment.users),
          ...principalList(ctx, "groups", () => attachment.groups),
        ];
        checkAttachedArn(
          ctx,
          ctx.probe("policyArn", () => attachment.policyArn),
          principals.length > 0 ? principals.join(", ") : "its principals",
        );
      },
    ),
    ...EXCLUSIVE_ATTACHMENTS.map(({ type, principal, nameKey }) =>
      onType<{ policyArns: string[] } & Record<string, unknown>, FullAccessConfig>(type, (attachment, ctx) =>
        checkAttachedArnList(
          ctx,
          "policyArns",
          () => attachment.policyArns,
          principalName(ctx, principal, () => attachment[nameKey]),
        ),
      ),
    ),
  ],
});

// ------------------------------------------------------------------------------------------------------------------
// iam-no-wildcard-permissions

type WildcardContext = ResourceRuleContext<Record<string, never>>;

const WILDCARD_FIX =
  "list the specific actions (e.g. s3:GetObject) on specific resource ARNs (e.g. arn:aws:s3:::model-bucket/*); " +
  "use Deny or a permissions boundary for guardrails, not Allow with NotAction";

/** How a message points at a statement: `policy Statement[2] (Sid "x")`. */
function statementPath(
  property: string,
  arrayForm: boolean,
  statement: { index: number; sid?: string },
): string {
  const where = arrayForm ? `Statement[${statement.index}]` : "Statement";
  return `${property} ${where}${statement.sid ? ` (Sid "${statement.sid}")` : ""}`;
}

function reportMalformed(ctx: WildcardContext, property: string, reason: string): void {
  ctx.report({
    property,
    problem: `is not a valid IAM policy document (${reason}), so its grants cannot be verified`,
    fix: "provide a JSON policy document with Version and Statement (aws.iam.getPolicyDocument builds one)",
  });
}

/** Reports incomplete Allow statements and wildcard grants among known statements. */
function checkStatements(ctx: WildcardContext, property: string, document: IamDocument): void {
  for (const statement of document.statements) {
    const incomplete = incompleteGrantReason(statement);
    if (!incomplete) continue;
    ctx.report({
      property: statementPath(property, document.statementArray, statement),
      problem: `is an Allow that ${incomplete}, which IAM rejects in an identity policy, so its grants cannot be verified`,
      fix: "give every Allow statement an Action list and a Resource list",
    });
  }
  // An identity policy: a Principal there is invalid and does not turn an Allow into a trust statement.
  for (const grant of wildcardGrants(document, { identityPolicy: true })) {
    ctx.report({
      property: statementPath(property, document.statementArray, grant.statement),
      problem: `allows ${grant.reason}, which is FullAccess in effect`,
      fix: WILDCARD_FIX,
    });
  }
}

/**
 * What a statement with unknown parts amounts to: `clean` when a known part already rules out a wildcard grant
 * (Effect Deny, a named action list, a bounded resource list), `grant` when the known parts make it one,
 * `undecided` when the verdict depends on an unknown part.
 */
function partialVerdict(statement: PartlyUnknownStatement): "clean" | "grant" | "undecided" {
  const effect = element(statement, "Effect");
  if (effect.state === "known" && String(effect.value).trim().toLowerCase() === "deny") return "clean";
  const notAction = element(statement, "NotAction");
  const action = element(statement, "Action");
  let wideAction: boolean | undefined = notAction.state !== "absent" ? true : undefined;
  if (wideAction === undefined && action.state === "known") {
    const actions = stringsOf(action.value);
    if (actions && !actions.some(isServiceWideAction)) return "clean";
    wideAction = actions !== undefined;
  }
  const notResource = element(statement, "NotResource");
  const resource = element(statement, "Resource");
  let unbounded: boolean | undefined = notResource.state !== "absent" ? true : undefined;
  if (unbounded === undefined && resource.state === "known") {
    const resources = stringsOf(resource.value);
    if (resources && !resources.some((r) => isUnboundedResource(r))) return "clean";
    unbounded = resources !== undefined;
  }
  const allow = effect.state === "known" && String(effect.value).trim().toLowerCase() === "allow";
  return allow && wideAction === true && unbounded === true ? "grant" : "undecided";
}

/**
 * Checks one identity-policy document. A document unknown as a whole (a JSON string built with
 * pulumi.jsonStringify from other resources' ARNs) is returned for the caller to defer on; in a document built as
 * an object, known statements are checked and a known violation reported, and only a statement whose verdict
 * depends on an unknown part is deferred. A malformed document is a violation.
 */
function checkDocument(
  ctx: WildcardContext,
  property: string,
  read: () => unknown,
): UnknownProbe | undefined {
  const reading = readDocument(ctx, property, read);
  switch (reading.kind) {
    case "absent":
      return undefined;
    case "unknown":
      return reading.unknown;
    case "known":
      if (!reading.parsed.ok) reportMalformed(ctx, property, reading.parsed.reason);
      else checkStatements(ctx, property, reading.parsed.document);
      return undefined;
    case "partial": {
      if (reading.malformed) reportMalformed(ctx, property, reading.malformed);
      checkStatements(ctx, property, reading.document);
      let undecided: UnknownProbe | undefined;
      for (const statement of reading.partial) {
        const verdict = partialVerdict(statement);
        if (verdict === "undecided") undecided ??= statement.unknown;
        if (verdict !== "grant") continue;
        ctx.report({
          property: statementPath(property, true, statement),
          problem:
            "allows a service-wide action on every resource (some of its other elements are unknown during " +
            "preview), which is FullAccess in effect",
          fix: WILDCARD_FIX,
        });
      }
      return undecided;
    }
  }
}

/** Resources whose `policy` input is an identity-policy document. */
const DOCUMENT_TYPES = [
  AWS_TYPES.iamPolicy,
  AWS_TYPES.iamRolePolicy,
  AWS_TYPES.iamUserPolicy,
  AWS_TYPES.iamGroupPolicy,
] as const;

export const iamNoWildcardPermissions = defineResourcePolicy({
  name: "iam-no-wildcard-permissions",
  family: "iam",
  description:
    "IAM policy documents must not Allow every action of a service (`*`, `<service>:*`, or NotAction) on every " +
    "resource (`*`, a service-wide ARN, or NotResource).",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Rewrite the statement with explicit actions and resource ARNs. For example, the inference Lambda needs " +
    "sagemaker:InvokeEndpoint on its endpoint's ARN only. Deny statements and trust policies (assumeRolePolicy) " +
    "are not checked, because they grant nothing.",
  unknownValues: {
    behaviour: "defer",
    detail:
      "Documents usually embed ARNs of resources created in the same update, so they are unknown during a first " +
      "preview. A document built as an object is checked statement by statement: known statements (and a " +
      "statement whose known Action or Resource already decides) are checked in preview and a known violation " +
      "reported at the normal level; only a statement whose verdict depends on an unknown part is deferred to " +
      "`pulumi up`. A document unknown as a whole (a JSON string) is deferred. A malformed document is a violation.",
  },
  checks: [
    "`aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` `policy`, and `aws.iam.Role` `inlinePolicies[].policy`",
    "documents as JSON strings or objects; `Statement` as one statement or an array; `Action`/`Resource` as a string or an array; any case",
    "Allow + (`*` | `<service>:*` | NotAction) + (`*` | service-wide ARN such as `arn:aws:s3:::*` | NotResource)",
    "`NotAction: []` / `NotResource: []` read as every action / every resource; a Principal in an identity policy (invalid there) does not exempt a statement",
    "malformed documents, and Allow statements without Action/NotAction or Resource/NotResource, are reported, never skipped",
    "resource patterns are read by what they cover, not by spelling: IAM's `*` and `?` also match `/` and `:`, so `a*`, `*:*:*` and `arn:aws:iam::123456789012:*` are every resource too; a pattern too long or too wild to decide is read as every resource",
    "matching is linear (no regular expressions built from input) and bounded per document: a document larger than IAM accepts (over 40,960 characters or 1,000 statements) is reported as too large to check",
  ],
  rules: [
    ...DOCUMENT_TYPES.map((type) =>
      onType<{ policy: unknown }>(type, (policy, ctx) => {
        const undecided = checkDocument(ctx, "policy", () => policy.policy);
        if (undecided) ctx.defer(undecided);
      }),
    ),
    onType<aws.iam.RoleArgs>(AWS_TYPES.iamRole, (role, ctx) => {
      const inline = ctx.probe("inlinePolicies", () => role.inlinePolicies);
      if (!inline.known) return ctx.defer(inline);
      const list = inline.value;
      if (!Array.isArray(list)) return;
      // Check every known document first, so one unknown document does not hide a wildcard in another.
      let undecided: UnknownProbe | undefined;
      for (let i = 0; i < list.length; i++) {
        const unknownPart = checkDocument(ctx, `inlinePolicies[${i}].policy`, () => list[i]?.policy);
        undecided ??= unknownPart;
      }
      if (undecided) ctx.defer(undecided);
    }),
  ],
});

export const iamPolicies: readonly PlatformPolicy[] = [iamNoFullAccess, iamNoWildcardPermissions];
