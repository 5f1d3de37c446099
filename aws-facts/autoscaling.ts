/**
 * Application Auto Scaling facts for SageMaker endpoint variants, defined once for the components, the policy pack,
 * the cost estimator and the capacity simulator.
 *
 * - Service namespace and scalable dimension:
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 * - Predefined metrics for target tracking:
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
 * - The high-resolution concurrency metric (emitted every 10 s, queued requests included):
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */

/** `serviceNamespace` of a SageMaker scalable target. */
export const SAGEMAKER_SERVICE_NAMESPACE = "sagemaker";

/** The scalable dimension of an endpoint variant's instance count. */
export const SAGEMAKER_VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount";

/** The scalable dimension of an inference component's copy count. */
export const SAGEMAKER_INFERENCE_COMPONENT_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";

/** Invocations per instance per minute (1-minute metric): target tracking's classic SageMaker metric. */
export const INVOCATIONS_PER_INSTANCE_METRIC = "SageMakerVariantInvocationsPerInstance";

/** Concurrent requests per model, in flight plus queued, at 10-second resolution. */
export const CONCURRENT_REQUESTS_PER_MODEL_METRIC =
  "SageMakerVariantConcurrentRequestsPerModelHighResolution";
