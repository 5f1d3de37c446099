/**
 * Partly unknown documents: an object document with an output inside one statement is still checked where it is
 * known, and a known violation is reported at its normal level.
 */
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { unknown } from "../harness";
import type { CorpusCase } from "./types";

const ENDPOINT_ARN = unknown.string; // an endpoint's `arn` output during a first preview
const objectPolicy = (...Statement: unknown[]) => ({
  type: AWS_TYPES.iamPolicy,
  name: "grants",
  props: { policy: { Version: "2012-10-17", Statement } },
});
const role = (...documents: unknown[]) => ({
  type: AWS_TYPES.iamRole,
  name: "exec",
  props: {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    }),
    inlinePolicies: documents.map((policy, i) => ({ name: `p${i}`, policy })),
  },
});
const invoke = { Effect: "Allow", Action: "sagemaker:InvokeEndpoint", Resource: ENDPOINT_ARN };

const wildcard = (
  description: string,
  resource: CorpusCase["resources"][number],
  caught: boolean,
): CorpusCase => ({
  description,
  policy: "iam-no-wildcard-permissions",
  resources: [resource],
  caught,
});
export const PARTLY_UNKNOWN: readonly CorpusCase[] = [
  {
    ...wildcard(
      "Action * on Resource * beside a statement on an unknown endpoint ARN",
      objectPolicy(invoke, { Effect: "Allow", Action: "*", Resource: "*" }),
      true,
    ),
  },
  {
    ...wildcard(
      "NotAction on * with an unknown Sid",
      objectPolicy({ Sid: unknown.string, Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
      true,
    ),
  },
  {
    ...wildcard(
      "s3:* on * with an unknown Condition",
      objectPolicy({ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: unknown.object }),
      true,
    ),
  },
  {
    ...wildcard(
      "a wildcard in a second inline document, the first unknown as a whole",
      role(unknown.string, { Statement: { Effect: "Allow", Action: "*", Resource: "*" } }),
      true,
    ),
    defers: true,
  },
  {
    ...wildcard(
      "a wildcard statement inside an inline document beside an unknown statement",
      role({ Statement: [invoke, { Effect: "Allow", Action: "sagemaker:*", Resource: "*" }] }),
      true,
    ),
    defers: true,
  },
  wildcard(
    "InvokeEndpoint on an unknown endpoint ARN is decided clean by its named action",
    objectPolicy(invoke),
    false,
  ),
  wildcard(
    "an unknown action on a bucket's objects is decided clean by its bounded resource",
    objectPolicy({ Effect: "Allow", Action: unknown.string, Resource: "arn:aws:s3:::models/*" }),
    false,
  ),
  wildcard(
    "a Deny with unknown parts is clean",
    objectPolicy({ Effect: "Deny", Action: "*", Resource: ENDPOINT_ARN }),
    false,
  ),
  {
    description: "PassRole on * beside a statement on an unknown endpoint ARN",
    policy: "iam-no-passrole-wildcard",
    resources: [objectPolicy(invoke, { Effect: "Allow", Action: "iam:PassRole", Resource: "*" })],
    caught: true,
    defers: true,
  },
  {
    description: "InvokeEndpoint on endpoint/* beside a statement with an unknown ARN",
    policy: "lambda-invoke-endpoint-scoped",
    resources: [
      objectPolicy(
        { Effect: "Allow", Action: "s3:GetObject", Resource: unknown.string },
        {
          Effect: "Allow",
          Action: "sagemaker:InvokeEndpoint",
          Resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*",
        },
      ),
    ],
    caught: true,
    defers: true,
  },
];
