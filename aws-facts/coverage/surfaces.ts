/**
 * What a resource type can do that a guardrail must see: grant IAM permissions to a principal (`iam`), launch
 * compute with an instance type (`compute`), or set scaling bounds or behaviour (`scaling`). The enumeration of
 * @pulumi/aws types is generated (./aws-surfaces.generated.ts); types of other providers that can carry the same
 * (aws-native, and CloudFormation stacks, which can hold anything) are matched by the patterns below.
 */
export type Surface = "compute" | "iam" | "scaling";

export interface AwsSurfaceEntry {
  readonly token: string;
  readonly surfaces: readonly Surface[];
}

/**
 * Types from other providers, and stacks of templates, that can create IAM grants or compute without passing
 * through an @pulumi/aws type: aws-native (Cloud Control) in the modules that carry them, and CloudFormation
 * stacks and stack sets in either provider.
 */
export const OTHER_PROVIDER_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  {
    pattern: /^aws-native:(iam|sso|ec2|autoscaling|applicationautoscaling|sagemaker|emr|batch|eks|lambda):/,
    what: "an aws-native (Cloud Control) resource of a module that grants IAM permissions, launches compute or sets scaling",
  },
  {
    pattern:
      /^(aws-native:cloudformation:(Stack|StackSet)|aws:cloudformation\/(stack|stackSet):(Stack|StackSet))$/,
    what: "a CloudFormation stack, whose template can create any resource",
  },
];
