/**
 * ml-platform components for platform teams: import these into your own Pulumi program.
 *
 *   import { ScalableEndpoint, InferenceFunction } from "ml-platform/components";
 *
 * Every component validates its arguments before creating anything and throws `pulumi.InputPropertiesError`
 * naming each property and the rule it breaks.
 */
export {
  NotebookInstance,
  NOTEBOOK_INSTANCE_TYPE,
  NOTEBOOK_INSTANCE_LEGACY_TYPE,
  NOTEBOOK_INSTANCE_DEFAULTS,
  NOTEBOOK_PLATFORMS,
  NotebookPlatform,
  validateNotebookInstanceArgs,
  type NotebookInstanceArgs,
} from "./notebook-instance";
export {
  TrainingHost,
  TRAINING_HOST_TYPE,
  TRAINING_HOST_LEGACY_TYPE,
  TRAINING_HOST_DEFAULTS,
  validateTrainingHostArgs,
  type TrainingHostArgs,
} from "./training-host";
export {
  ScalableEndpoint,
  SCALABLE_ENDPOINT_TYPE,
  SCALABLE_ENDPOINT_LEGACY_TYPE,
  SCALABLE_DIMENSION,
  SCALING_METRIC,
  HIGH_RESOLUTION_SCALING_METRIC,
  SCALING_METRICS,
  VARIANT_NAME,
  TRAFFIC_ROUTING_TYPES,
  ScalingMetric,
  TrafficRouting,
  DEFAULT_CONTAINER_ENVIRONMENT,
  SCALABLE_ENDPOINT_DEFAULTS,
  defaultImageTag,
  validateScalableEndpointArgs,
  type BlueGreenDeploymentArgs,
  type ScalableEndpointArgs,
} from "./scalable-endpoint";
export {
  InferenceFunction,
  INFERENCE_FUNCTION_TYPE,
  INFERENCE_FUNCTION_LEGACY_TYPE,
  FunctionArchitecture,
  DEFAULT_CODE_DIRECTORY,
  INFERENCE_FUNCTION_DEFAULTS,
  LOG_RETENTION_DAYS,
  RUNTIME as INFERENCE_RUNTIME,
  validateInferenceFunctionArgs,
  type InferenceFunctionArgs,
} from "./inference-function";
export {
  ProjectBucket,
  PROJECT_BUCKET_TYPE,
  PROJECT_BUCKET_LEGACY_TYPE,
  PROJECT_BUCKET_DEFAULTS,
  validateProjectBucketArgs,
  type ProjectBucketArgs,
} from "./project-bucket";
export * as iamPolicies from "@ml-platform/aws-facts/iam-policies";
export { endpointNameFor, projectNamePrefix, variantShapeDigest } from "./lib/naming";
export { hasLocalInstanceStorage } from "@ml-platform/aws-facts/instance-types";
export { PACKAGE_NAME } from "./lib/type-token";
export type { ArgProblem, ArgsValidator, ValidateOptions } from "./lib/validation";
