/** AWS service principals named by the components' trust and resource policies, defined once. */

/**
 * Service principals the components name, defined once
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services).
 */
export const SERVICE_PRINCIPALS = {
  sagemaker: "sagemaker.amazonaws.com",
  ec2: "ec2.amazonaws.com",
  lambda: "lambda.amazonaws.com",
  s3Logging: "logging.s3.amazonaws.com",
} as const;

/** Service principals that assume the component roles. */
export type ServicePrincipal =
  typeof SERVICE_PRINCIPALS.sagemaker | typeof SERVICE_PRINCIPALS.ec2 | typeof SERVICE_PRINCIPALS.lambda;

/** CloudWatch Logs' regional service principal (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). */
export function cloudWatchLogsPrincipal(region: string): string {
  return `logs.${region}.amazonaws.com`;
}
