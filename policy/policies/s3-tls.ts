/**
 * S3 encryption in transit (cdk-nag AwsSolutions-S10, AWS Config s3-bucket-ssl-requests-only): every bucket's
 * policy denies requests that do not use TLS (`aws:SecureTransport` false), so neither a misconfigured client nor
 * a downgrade sends training data or a model artifact over plain HTTP
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html, "Enforce encryption of data
 * in transit").
 */
import type { PolicyResource } from "@pulumi/policy";
import { parseIamDocument, statementCoversAction } from "@ml-platform/aws-facts/iam-document";
import { defineStackPolicy, type StackRuleContext } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { BUCKET_TYPES, refersTo } from "./s3-refs";

type RawStatement = {
  Effect?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown> | undefined>;
  Resource?: unknown;
};

const isEveryone = (principal: unknown) =>
  principal === "*" ||
  (typeof principal === "object" &&
    principal !== null &&
    [(principal as { AWS?: unknown }).AWS].flat().includes("*"));

/** Whether a raw statement's condition matches insecure transport: Bool aws:SecureTransport false. */
function deniesInsecureTransport(statement: RawStatement): boolean {
  const condition = statement.Condition?.Bool ?? statement.Condition?.BoolIfExists;
  if (!condition) return false;
  const entry = Object.entries(condition).find(([k]) => k.toLowerCase() === "aws:securetransport");
  return entry !== undefined && [entry[1]].flat().some((v) => v === false || v === "false");
}

/** True when the bucket policy document denies every S3 action to everyone without TLS, objects included. */
export function enforcesTls(document: unknown): boolean {
  const raw = typeof document === "string" ? safeParse(document) : document;
  const parsed = parseIamDocument(raw);
  if (!parsed.ok) return false;
  const rawStatements = [(raw as { Statement?: unknown }).Statement].flat() as RawStatement[];
  return parsed.document.statements.some((statement) => {
    const source = rawStatements[statement.index] ?? {};
    const objects = [source.Resource]
      .flat()
      .some((r) => r === "*" || (typeof r === "string" && r.endsWith("/*")));
    return (
      statement.effect === "Deny" &&
      isEveryone(source.Principal) &&
      statementCoversAction(statement, "s3:GetObject") &&
      statementCoversAction(statement, "s3:PutObject") &&
      objects &&
      deniesInsecureTransport(source)
    );
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checkBucket(bucket: PolicyResource, policies: PolicyResource[], ctx: StackRuleContext<unknown>) {
  const own = policies.filter((p) => refersTo(p, "bucket", bucket) === "yes");
  for (const policy of own) {
    const document = ctx.probeDeep("policy", () => policy.props.policy);
    // The document is built from the bucket's ARN, unknown until the bucket exists.
    if (!document.known) return ctx.defer(document);
    if (enforcesTls(document.value)) return;
  }
  ctx.report(own[0] ?? bucket, {
    property: own.length > 0 ? "policy" : "bucket policy",
    problem:
      own.length > 0
        ? `does not deny requests without TLS for bucket "${bucket.name}": data can travel over plain HTTP`
        : "is missing: nothing denies requests without TLS, so data can travel over plain HTTP",
    fix:
      'add a statement { Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [<bucket ARN>, ' +
      '"<bucket ARN>/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } } to the bucket policy',
  });
}

export const s3TlsOnly = defineStackPolicy({
  name: "s3-tls-only",
  family: "s3-tls",
  description:
    "Every S3 bucket must have a bucket policy that denies all S3 actions, to every principal, on the bucket's " +
    'objects when aws:SecureTransport is "false".',
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add an aws.s3.BucketPolicy with a Deny statement for Principal `*`, Action `s3:*`, Resource the bucket ARN " +
    'and `<ARN>/*`, Condition `{ "Bool": { "aws:SecureTransport": "false" } }` (aws-facts tlsOnlyBucketPolicy; ' +
    "ProjectBucket adds it to its buckets).",
  unknownValues: {
    behaviour: "defer",
    detail:
      "The bucket policy is built from the bucket's ARN, unknown until the bucket exists: the policy is reported " +
      "as not run during preview and checks the real document during `pulumi up`.",
  },
  resourceTypes: [...BUCKET_TYPES, AWS_TYPES.s3BucketPolicy],
  checks: [
    "Each `aws.s3.Bucket`/`BucketV2` is the `bucket` of an `aws.s3.BucketPolicy` (matched by property dependency, " +
      "else by the bucket's id or name).",
    'That document has a Deny for every principal (`*` or `AWS: "*"`) covering s3:GetObject and s3:PutObject on ' +
      'objects (`*` or an ARN ending `/*`), with `Bool` `aws:SecureTransport` `"false"`.',
  ],
  validateStack: (ctx) => {
    const policies = ctx.resourcesOfType(AWS_TYPES.s3BucketPolicy);
    for (const bucket of ctx.resourcesOfType(...BUCKET_TYPES)) checkBucket(bucket, policies, ctx);
  },
});

/** S3 encryption in transit, advisory by default (mandatory in policy/config/prod.json). */
export const s3TlsPolicies = [s3TlsOnly];
