/** Legitimate least-privilege documents, the stack's own among them: none may be reported. */
import {
  inferenceFunctionPolicy,
  modelExecutionPolicy,
  notebookExecutionPolicy,
  serviceTrustPolicy,
  ssmManagedInstanceCoreArn,
  tlsOnlyBucketPolicy,
  trainingHostPolicy,
  trainingJobExecutionPolicy,
  type AwsContext,
} from "@ml-platform/aws-facts/iam-policies";
import type { ResourceInput } from "../harness";
import { T, managed, stmt, allow, doc, roleWith } from "./iam-builders";

const ctx: AwsContext = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
const bucketArn = "arn:aws:s3:::ml-platform-dev-artifacts";
const endpointArn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-platform-dev-dogs";
const roleArn = "arn:aws:iam::123456789012:role/ml-platform-dev-training";
const ecr = ["arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference"];

/** [description, resource]: none may be reported. The stack's own documents come from aws-facts/iam-policies. */
export const LEGITIMATE: [string, ResourceInput][] = [
  [
    "stack: notebook execution policy",
    doc(
      T.rolePolicy,
      JSON.stringify(
        notebookExecutionPolicy({
          ctx,
          namePrefix: "ml-platform",
          bucketArn,
          trainingRoleArn: roleArn,
          ecrRepositoryArns: ecr,
          selfStopNotebookName: "ml-platform-dev-notebook",
        }),
      ),
    ),
  ],
  [
    "stack: training-job execution policy",
    doc(
      T.rolePolicy,
      JSON.stringify(
        trainingJobExecutionPolicy({
          ctx,
          bucketArn,
          dataPrefix: "data/",
          artifactPrefix: "models/",
          ecrRepositoryArns: ecr,
        }),
      ),
    ),
  ],
  [
    "stack: training host policy",
    doc(
      T.rolePolicy,
      JSON.stringify(trainingHostPolicy({ bucketArn, dataPrefix: "data/", artifactPrefix: "models/" })),
    ),
  ],
  [
    "stack: model execution policy",
    doc(
      T.rolePolicy,
      JSON.stringify(
        modelExecutionPolicy({
          ctx,
          artifactPrefixArn: `${bucketArn}/models/v1/*`,
          ecrRepositoryArn: ecr[0],
          endpointNamePrefix: "ml-platform-dev",
        }),
      ),
    ),
  ],
  [
    "stack: inference function policy",
    doc(
      T.rolePolicy,
      JSON.stringify(
        inferenceFunctionPolicy({
          endpointArn,
          logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/infer",
        }),
      ),
    ),
  ],
  [
    "stack: training host role with SSM core",
    roleWith({
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
      managedPolicyArns: [ssmManagedInstanceCoreArn("aws")],
    }),
  ],
  [
    "stack: TLS-only bucket policy document as an IAM policy (Deny only)",
    doc(T.policy, JSON.stringify(tlsOnlyBucketPolicy(bucketArn))),
  ],
  [
    "Lambda basic execution role",
    { type: T.rpa, props: { role: "fn", policyArn: managed("service-role/AWSLambdaBasicExecutionRole") } },
  ],
  [
    "read-only managed policy",
    { type: T.rpa, props: { role: "r", policyArn: managed("AmazonS3ReadOnlyAccess") } },
  ],
  [
    "customer-managed ARN named like FullAccess",
    {
      type: T.rpa,
      props: { role: "r", policyArn: "arn:aws:iam::123456789012:policy/ProjectFullAccessBoundary" },
    },
  ],
  ["invoke one endpoint (object doc)", doc(T.policy, allow("sagemaker:InvokeEndpoint", endpointArn))],
  ["s3:* confined to one bucket prefix", doc(T.policy, allow("s3:*", `${bucketArn}/scratch/*`))],
  ["prefix wildcard action on a bucket", doc(T.policy, allow("s3:Get*", [`${bucketArn}/*`]))],
  [
    "ecr:GetAuthorizationToken on * (no resource-level permissions)",
    doc(T.policy, allow("ecr:GetAuthorizationToken", "*")),
  ],
  [
    "cloudwatch:PutMetricData on * with a namespace condition",
    doc(
      T.policy,
      stmt({
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "ml-platform" } },
      }),
    ),
  ],
  [
    "NotAction scoped to one bucket",
    doc(T.policy, stmt({ Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: bucketArn })),
  ],
  [
    "Deny everything outside a region",
    doc(
      T.policy,
      stmt({
        Effect: "Deny",
        NotAction: "iam:*",
        Resource: "*",
        Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } },
      }),
    ),
  ],
  [
    "PassRole of one role to SageMaker",
    doc(
      T.policy,
      stmt({
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: roleArn,
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      }),
    ),
  ],
  [
    "sagemaker:* on the project's endpoints only",
    doc(T.policy, allow("sagemaker:*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ml-platform-*")),
  ],
  [
    "KMS decrypt on one key",
    doc(
      T.userPolicy,
      allow(
        ["kms:Decrypt", "kms:GenerateDataKey"],
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      ),
    ),
  ],
  [
    "logs on one log group",
    doc(
      T.groupPolicy,
      allow(
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/ml:*",
      ),
    ),
  ],
  [
    "role with a broad trust policy but scoped grants",
    roleWith({
      assumeRolePolicy: JSON.stringify(
        stmt({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "sts:AssumeRole",
        }),
      ),
      inlinePolicies: [{ name: "read", policy: JSON.stringify(allow("s3:GetObject", `${bucketArn}/*`)) }],
    }),
  ],
  ["gov-cloud scoped document", doc(T.policy, allow("s3:GetObject", "arn:aws-us-gov:s3:::gov-bucket/*"))],
  [
    "AdministratorAccess as a permissions boundary (a limit, not a grant)",
    roleWith({
      permissionsBoundary: managed("AdministratorAccess"),
      managedPolicyArns: [ssmManagedInstanceCoreArn("aws")],
    }),
  ],
  [
    "exclusive attachments of scoped policies",
    {
      type: T.rpae,
      props: {
        roleName: "r",
        policyArns: [managed("AmazonSSMManagedInstanceCore"), "arn:aws:iam::123456789012:policy/scoped"],
      },
    },
  ],
];
