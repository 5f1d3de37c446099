/**
 * Wildcard patterns: hostile ones that made a backtracking matcher hang, oversized documents, and ARN globs that
 * reach every resource without the usual spelling (IAM's `*` and `?` match `/` and `:`).
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { CorpusCase } from "./types";

const ACCOUNT = "123456789012";
const identityPolicy = (Statement: unknown) => ({
  type: AWS_TYPES.iamPolicy,
  name: "grants",
  props: { policy: JSON.stringify({ Version: "2012-10-17", Statement }) },
});
const allow = (Action: unknown, Resource: unknown) => identityPolicy([{ Effect: "Allow", Action, Resource }]);

const hostile = (n: number) => "*a".repeat(n) + "*b";

const wildcard = (description: string, action: string, resource: string, caught = true): CorpusCase => ({
  description,
  policy: "iam-no-wildcard-permissions",
  resources: [allow(action, resource)],
  caught,
});
const passRole = (description: string, resource: string, caught = true): CorpusCase => ({
  description,
  policy: "iam-no-passrole-wildcard",
  resources: [allow("iam:PassRole", resource)],
  caught,
});

export const REGEX_BLOW_UP: readonly CorpusCase[] = [
  wildcard(
    "hostile action pattern (150 stars) on Resource *: answered, not FullAccess",
    hostile(150),
    "*",
    false,
  ),
  {
    ...wildcard(
      "s3:* on a hostile pattern (150 stars): too wild to decide, read as every resource",
      "s3:*",
      hostile(150),
    ),
    says: /too complex to check/,
  },
  wildcard(
    "s3:* on a resource pattern too wild to decide: read as every resource",
    "s3:*",
    `*a${"?".repeat(15)}b`,
  ),
  wildcard(
    "s3:* on a 700-character pattern: read as every resource",
    "s3:*",
    `arn:aws:s3:::${"*x".repeat(350)}`,
  ),
  passRole("iam:PassRole on a hostile pattern: read as every role", `arn:aws:iam::${ACCOUNT}:${hostile(20)}`),
  {
    description: "sagemaker:InvokeEndpoint on a hostile pattern: not a specific endpoint",
    policy: "lambda-invoke-endpoint-scoped",
    resources: [allow("sagemaker:InvokeEndpoint", hostile(150))],
    caught: true,
  },
  {
    description: "a document with more statements than the pack reads fails closed",
    policy: "iam-no-wildcard-permissions",
    resources: [
      identityPolicy(Array.from({ length: 1001 }, () => ({ Effect: "Deny", Action: "a:b", Resource: "c" }))),
    ],
    caught: true,
    says: /too large to check/,
  },
  {
    description: "a document longer than IAM accepts fails closed",
    policy: "iam-no-wildcard-permissions",
    resources: [allow("s3:GetObject", `arn:aws:s3:::b/${"k".repeat(41_000)}`)],
    caught: true,
    says: /too large to check/,
  },
  {
    description: "200 statements of costly patterns share one budget and are read as every resource",
    policy: "iam-no-wildcard-permissions",
    resources: [
      identityPolicy(
        Array.from({ length: 200 }, (_, i) => ({
          Effect: "Allow",
          Action: "s3:*",
          Resource: `*a${"?".repeat(15)}${i}`,
        })),
      ),
    ],
    caught: true,
  },
];

export const ARN_GLOBS: readonly CorpusCase[] = [
  wildcard("s3:* on a*", "s3:*", "a*"),
  wildcard("s3:* on arn*", "s3:*", "arn*"),
  wildcard("s3:* on ar?:aws:s3:::*", "s3:*", "ar?:aws:s3:::*"),
  wildcard("s3:* on *:*:*", "s3:*", "*:*:*"),
  wildcard("s3:* on *:s3:::*", "s3:*", "*:s3:::*"),
  wildcard(
    "s3:* on arn:aws:s3:::??* (every bucket name has three characters or more)",
    "s3:*",
    "arn:aws:s3:::??*",
  ),
  wildcard("s3:* on arn:aws:s3:::*?/* (every object)", "s3:*", "arn:aws:s3:::*?/*"),
  wildcard("sagemaker:* on arn:aws:sagemaker:*", "sagemaker:*", "arn:aws:sagemaker:*"),
  wildcard("iam:* on arn:aws:iam::<account>:*", "iam:*", `arn:aws:iam::${ACCOUNT}:*`),
  wildcard("s3:* on one bucket's objects stays bounded", "s3:*", "arn:aws:s3:::model-bucket/*", false),
  wildcard("s3:* on a bucket-name prefix stays bounded", "s3:*", "arn:aws:s3:::ml-platform-*", false),
  passRole("PassRole on arn:aws:iam::*ole/*", "arn:aws:iam::*ole/*"),
  passRole("PassRole on role* (no slash)", `arn:aws:iam::${ACCOUNT}:role*`),
  passRole("PassRole on r?le/*", `arn:aws:iam::${ACCOUNT}:r?le/*`),
  passRole("PassRole on *ole/*", `arn:aws:iam::${ACCOUNT}:*ole/*`),
  passRole("PassRole on *:role/*", "*:role/*"),
  passRole("PassRole on arn:aws:iam::*:role/?*", "arn:aws:iam::*:role/?*"),
  passRole("PassRole on arn:aws:iam::12345678901?:role/*", "arn:aws:iam::12345678901?:role/*"),
  passRole("PassRole on arn:aws:*:role/*", "arn:aws:*:role/*"),
  passRole("PassRole on one role passes", `arn:aws:iam::${ACCOUNT}:role/ml-platform-sagemaker-exec`, false),
  passRole("PassRole on a role path passes", `arn:aws:iam::${ACCOUNT}:role/service-role/*`, false),
  passRole("PassRole on a role-name prefix passes", `arn:aws:iam::${ACCOUNT}:role/ml-platform-*`, false),
];
