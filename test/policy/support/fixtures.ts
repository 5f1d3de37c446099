import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
/**
 * Compliant examples shared by the unit and end-to-end tests: each case mutates a fresh copy.
 */

/** A SageMaker notebook instance's inputs that every policy of the pack accepts. */
export function compliantNotebookInputs(): Record<string, any> {
  return {
    instanceType: "ml.t3.medium",
    roleArn: "arn:aws:iam::123456789012:role/notebook",
    directInternetAccess: "Disabled",
    rootAccess: "Disabled",
    subnetId: "subnet-0123456789abcdef0",
    securityGroups: ["sg-0123456789abcdef0"],
    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
    platformIdentifier: "notebook-al2023-v1",
  };
}

/** An endpoint configuration with one small variant, within every cap. */
export function endpointConfig(): { type: string; name: string; props: Record<string, any> } {
  return {
    type: AWS_TYPES.sagemakerEndpointConfiguration,
    name: "dogs-config",
    props: {
      productionVariants: [
        { variantName: "primary", modelName: "dogs", instanceType: "ml.m5.large", initialInstanceCount: 1 },
      ],
    },
  };
}
