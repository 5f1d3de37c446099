/** Builders shared by the IAM corpus: type tokens, documents and a role with the SageMaker trust policy. */
import { serviceTrustPolicy } from "@ml-platform/aws-facts/iam-policies";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import type { ResourceInput } from "../harness";
export const T = {
  role: AWS_TYPES.iamRole,
  policy: AWS_TYPES.iamPolicy,
  rolePolicy: AWS_TYPES.iamRolePolicy,
  userPolicy: AWS_TYPES.iamUserPolicy,
  groupPolicy: AWS_TYPES.iamGroupPolicy,
  rpa: AWS_TYPES.iamRolePolicyAttachment,
  upa: AWS_TYPES.iamUserPolicyAttachment,
  gpa: AWS_TYPES.iamGroupPolicyAttachment,
  pa: AWS_TYPES.iamPolicyAttachment,
  rpae: AWS_TYPES.iamRolePolicyAttachmentsExclusive,
  upae: AWS_TYPES.iamUserPolicyAttachmentsExclusive,
  gpae: AWS_TYPES.iamGroupPolicyAttachmentsExclusive,
} as const;

export const TRUST = JSON.stringify(serviceTrustPolicy("sagemaker.amazonaws.com"));
export const managed = (name: string, partition = "aws") => `arn:${partition}:iam::aws:policy/${name}`;
export const stmt = (s: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [s] });
export const allow = (Action: unknown, Resource: unknown) => stmt({ Effect: "Allow", Action, Resource });
export const doc = (type: string, policy: unknown): ResourceInput => ({ type, props: { policy } });
export const roleWith = (props: Record<string, unknown>): ResourceInput => ({
  type: T.role,
  props: { assumeRolePolicy: TRUST, ...props },
});
