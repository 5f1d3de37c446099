/** Attempts to sneak FullAccess or wildcard permissions past the IAM policies: each must be caught. */
import type { ResourceInput } from "../harness";
import { T, managed, stmt, allow, doc, roleWith } from "./iam-builders";

export const SNEAK_ATTEMPTS: [string, ResourceInput][] = [
  // Managed policies, every attachment path.
  [
    "Role.managedPolicyArns AmazonSageMakerFullAccess",
    roleWith({ managedPolicyArns: [managed("AmazonSageMakerFullAccess")] }),
  ],
  [
    "Role.managedPolicyArns AdministratorAccess among scoped ones",
    roleWith({ managedPolicyArns: [managed("AmazonS3ReadOnlyAccess"), managed("AdministratorAccess")] }),
  ],
  [
    "RolePolicyAttachment AmazonS3FullAccess",
    { type: T.rpa, props: { role: "r", policyArn: managed("AmazonS3FullAccess") } },
  ],
  [
    "RolePolicyAttachment PowerUserAccess",
    { type: T.rpa, props: { role: "r", policyArn: managed("PowerUserAccess") } },
  ],
  [
    "RolePolicyAttachment IAMFullAccess",
    { type: T.rpa, props: { role: "r", policyArn: managed("IAMFullAccess") } },
  ],
  [
    "UserPolicyAttachment AdministratorAccess",
    { type: T.upa, props: { user: "u", policyArn: managed("AdministratorAccess") } },
  ],
  [
    "GroupPolicyAttachment AmazonEC2FullAccess",
    { type: T.gpa, props: { group: "g", policyArn: managed("AmazonEC2FullAccess") } },
  ],
  [
    "PolicyAttachment to roles",
    { type: T.pa, props: { roles: ["r"], policyArn: managed("AmazonSageMakerFullAccess") } },
  ],
  [
    "PolicyAttachment to users",
    { type: T.pa, props: { users: ["u"], policyArn: managed("AWSLambda_FullAccess") } },
  ],
  [
    "PolicyAttachment to groups",
    { type: T.pa, props: { groups: ["g"], policyArn: managed("CloudWatchFullAccess") } },
  ],
  [
    "RolePolicyAttachmentsExclusive",
    { type: T.rpae, props: { roleName: "r", policyArns: [managed("AmazonSageMakerFullAccess")] } },
  ],
  [
    "UserPolicyAttachmentsExclusive",
    { type: T.upae, props: { userName: "u", policyArns: [managed("AdministratorAccess")] } },
  ],
  [
    "GroupPolicyAttachmentsExclusive",
    { type: T.gpae, props: { groupName: "g", policyArns: [managed("PowerUserAccess")] } },
  ],
  // Partitions, paths and spelling.
  [
    "aws-cn partition",
    { type: T.rpa, props: { role: "r", policyArn: managed("AmazonSageMakerFullAccess", "aws-cn") } },
  ],
  [
    "aws-us-gov partition",
    { type: T.rpa, props: { role: "r", policyArn: managed("AdministratorAccess", "aws-us-gov") } },
  ],
  ["aws-iso partition", roleWith({ managedPolicyArns: [managed("AmazonS3FullAccess", "aws-iso")] })],
  [
    "service-role/ path",
    { type: T.rpa, props: { role: "r", policyArn: managed("service-role/AmazonSageMakerFullAccess") } },
  ],
  [
    "job-function/ style path",
    roleWith({ managedPolicyArns: [managed("job-function/AdministratorAccess")] }),
  ],
  ["lower-case name", { type: T.rpa, props: { role: "r", policyArn: managed("amazonsagemakerfullaccess") } }],
  [
    "AdministratorAccess-Amplify variant",
    { type: T.rpa, props: { role: "r", policyArn: managed("AdministratorAccess-Amplify") } },
  ],
  [
    "FullAccess mid-name",
    { type: T.rpa, props: { role: "r", policyArn: managed("AmazonDynamoDBFullAccesswithDataPipeline") } },
  ],
  ["padded ARN", { type: T.rpa, props: { role: "r", policyArn: ` ${managed("AdministratorAccess")} ` } }],
  // Equivalent documents.
  ["Policy Action * Resource * (string doc)", doc(T.policy, JSON.stringify(allow("*", "*")))],
  ["Policy *:* on *", doc(T.policy, allow("*:*", "*"))],
  ["Policy s3:* on * (object doc)", doc(T.policy, allow("s3:*", "*"))],
  ["RolePolicy sagemaker:* on *", doc(T.rolePolicy, JSON.stringify(allow(["sagemaker:*"], ["*"])))],
  ["RolePolicy upper-case SAGEMAKER:*", doc(T.rolePolicy, allow("SAGEMAKER:*", "*"))],
  ["RolePolicy mixed-case Iam:*", doc(T.rolePolicy, allow("Iam:*", "*"))],
  [
    "UserPolicy NotAction on *",
    doc(T.userPolicy, stmt({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
  ],
  [
    "GroupPolicy NotAction list on *",
    doc(T.groupPolicy, stmt({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: ["*"] })),
  ],
  ["wildcard hidden after scoped actions", doc(T.policy, allow(["s3:GetObject", "ec2:*"], "*"))],
  ["wildcard resource hidden after a scoped one", doc(T.policy, allow("s3:*", ["arn:aws:s3:::b/*", "*"]))],
  [
    "second statement of many",
    doc(T.policy, {
      Version: "2012-10-17",
      Statement: [
        allow("s3:GetObject", "arn:aws:s3:::b/*").Statement[0],
        { Effect: "Allow", Action: "kms:*", Resource: "*" },
      ],
    }),
  ],
  [
    "lone statement object (not array)",
    doc(
      T.policy,
      JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } }),
    ),
  ],
  [
    "lower-case element names",
    doc(T.policy, { version: "2012-10-17", statement: [{ effect: "allow", action: "s3:*", resource: "*" }] }),
  ],
  ["s3:* on every bucket ARN", doc(T.policy, allow("s3:*", "arn:aws:s3:::*"))],
  ["s3:* on every object ARN", doc(T.policy, allow("s3:*", "arn:aws:s3:::*/*"))],
  ["sagemaker:* on arn:aws:sagemaker:*:*:*", doc(T.policy, allow("sagemaker:*", "arn:aws:sagemaker:*:*:*"))],
  ["s3:?* spelling", doc(T.policy, allow("s3:?*", "*"))],
  ["colon-less s3* spelling", doc(T.policy, allow("s3*", "*"))],
  ["double star sagemaker:**", doc(T.policy, allow("sagemaker:**", "*"))],
  [
    "Action * with NotResource",
    doc(T.policy, stmt({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::audit/*" })),
  ],
  [
    "wildcard with a Condition still grants",
    doc(
      T.policy,
      stmt({
        Effect: "Allow",
        Action: "*",
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
      }),
    ),
  ],
  ["padded action and resource", doc(T.policy, allow(" s3:* ", " * "))],
  [
    "Deny of one thing does not hide an Allow *",
    doc(T.policy, {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Action: "iam:*", Resource: "*" },
        { Effect: "Allow", Action: "*", Resource: "*" },
      ],
    }),
  ],
  [
    "Role.inlinePolicies wildcard",
    roleWith({ inlinePolicies: [{ name: "x", policy: JSON.stringify(allow("*", "*")) }] }),
  ],
  [
    "Role.inlinePolicies second entry",
    roleWith({
      inlinePolicies: [
        { name: "ok", policy: JSON.stringify(allow("s3:GetObject", "arn:aws:s3:::b/*")) },
        { name: "bad", policy: JSON.stringify(allow("dynamodb:*", "*")) },
      ],
    }),
  ],
  [
    "malformed JSON hides a wildcard",
    doc(T.policy, '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]'),
  ],
  ["Effect spelled in lower case", doc(T.policy, stmt({ Effect: "allow", Action: "*", Resource: "*" }))],
  [
    "a second, lower-case Action key",
    doc(T.policy, stmt({ Effect: "Allow", Action: "s3:GetObject", action: "*", Resource: "*" })),
  ],
  [
    "a second, lower-case Statement key",
    doc(T.policy, {
      Version: "2012-10-17",
      Statement: [],
      statement: { Effect: "Allow", Action: "*", Resource: "*" },
    }),
  ],
  [
    "an array Statement with one element",
    doc(T.policy, JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })),
  ],
  ["upper-case service in an Action array", doc(T.rolePolicy, allow(["S3:*"], ["*"]))],
  [
    "empty NotAction list (excepts nothing)",
    doc(T.policy, stmt({ Effect: "Allow", NotAction: [], Resource: "*" })),
  ],
  [
    "empty NotResource list (excepts nothing)",
    doc(T.policy, stmt({ Effect: "Allow", Action: "s3:*", NotResource: [] })),
  ],
  [
    "a Principal smuggled into an identity policy",
    doc(T.policy, stmt({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" })),
  ],
  [
    "a NotPrincipal smuggled into an inline policy",
    roleWith({
      inlinePolicies: [
        {
          name: "np",
          policy: JSON.stringify(
            stmt({
              Effect: "Allow",
              NotPrincipal: { AWS: "arn:aws:iam::1:root" },
              Action: "iam:*",
              Resource: "*",
            }),
          ),
        },
      ],
    }),
  ],
  ["JSON string with a byte-order mark", doc(T.rolePolicy, `\uFEFF${JSON.stringify(allow("*", "*"))}`)],
  [
    "pretty-printed JSON with surrounding whitespace",
    doc(T.policy, `\n\t ${JSON.stringify(allow("ec2:*", "*"), null, 2)}\n`),
  ],
  ["Allow * without any Resource element", doc(T.policy, stmt({ Effect: "Allow", Action: "*" }))],
  ["double-encoded JSON document", doc(T.policy, JSON.stringify(JSON.stringify(allow("*", "*"))))],
  [
    "Deny and a lower-case Allow effect in one statement",
    doc(T.policy, stmt({ Effect: "Deny", effect: "Allow", Action: "*", Resource: "*" })),
  ],
  ["every ARN of every service", doc(T.policy, allow("s3:*", "arn:aws:*:*:*:*"))],
  [
    "aws-us-gov job-function path",
    {
      type: T.pa,
      props: { roles: ["r"], policyArn: managed("job-function/AdministratorAccess", "aws-us-gov") },
    },
  ],
  [
    "upper-case ARN",
    { type: T.rpa, props: { role: "r", policyArn: "ARN:AWS:IAM::AWS:POLICY/ADMINISTRATORACCESS" } },
  ],
];
