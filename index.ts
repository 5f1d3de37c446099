/**
 * The ml-platform program: one stack (dev, prod, ...) of the image-classification platform.
 *
 * Composition only. It reads and validates the whole stack config first (nothing is registered when any of it is
 * wrong), then wires the components and exports the outputs. See docs/configuration.md for every key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  InferenceFunction,
  NotebookInstance,
  ProjectBucket,
  ScalableEndpoint,
  TrainingHost,
} from "@ml-platform/components";
import { bundleProblem } from "@ml-platform/components/inference-function";
import { defaultVpcIdOutput } from "@ml-platform/components/lib/default-vpc";
import { loadStackConfig } from "./program/stack-config";

// 1. Validate everything up front: the config (every key, all problems at once) and the Lambda bundle.
const settings = loadStackConfig();
const missingBundle = bundleProblem();
if (missingBundle) throw new pulumi.RunError(missingBundle);

const { namePrefix: prefix, names, notebook, trainingHost, endpoint, inference } = settings;
// Every resource carries the project and stack (for cost allocation), plus the stack's own `ml-platform:tags`.
const tags = {
  "ml-platform:project": settings.project,
  "ml-platform:stack": settings.stack,
  ...settings.tags,
};
// Exactly the resources that hold data or keys are protected in prod (the bucket, the notebook with its ML volume,
// the KMS keys, the access-log bucket): `pulumi destroy` or a replacement of them fails until `pulumi state unprotect`. Never through the
// components' options, which every child would inherit, blocking the replacement of a role, a policy or a lifecycle
// configuration (https://www.pulumi.com/docs/iac/concepts/options/protect/: children inherit it).
const protect = settings.protect;

// 2. Storage.
const bucket = new ProjectBucket(names.bucket, { protect, accessLogs: settings.accessLogs, tags });

// 3. Exploration and training.
const notebookInstance = new NotebookInstance(names.notebook, {
  instanceType: notebook.instanceType,
  volumeSizeGb: notebook.volumeSizeGb,
  idleStopMinutes: notebook.idleStopMinutes,
  subnetId: notebook.subnetId,
  securityGroupIds: notebook.securityGroupIds,
  platformIdentifier: notebook.platformIdentifier,
  bucketArn: bucket.bucketArn,
  namePrefix: prefix,
  protect,
  tags,
});

const host = new TrainingHost(names.trainingHost, {
  instanceType: trainingHost.instanceType,
  amiParameter: trainingHost.amiParameter,
  rootVolumeGb: trainingHost.rootVolumeGb,
  spot: trainingHost.spot,
  sshCidrs: trainingHost.sshCidrs,
  keyName: trainingHost.keyName,
  subnetId: trainingHost.subnetId,
  // Without a configured subnet, the default VPC is looked up here so that a region without one fails at preview
  // with the config keys to set.
  vpcId:
    trainingHost.vpcId ??
    (trainingHost.subnetId === undefined
      ? defaultVpcIdOutput(undefined, "ml-platform:trainingHost.subnetId and ml-platform:trainingHost.vpcId")
      : undefined),
  associatePublicIp: trainingHost.associatePublicIp,
  bucketArn: bucket.bucketArn,
  tags,
});

// 4. Serving. A relative modelDataUrl is a key in the project bucket.
const modelDataUrl = endpoint.modelDataUrl.startsWith("s3://")
  ? endpoint.modelDataUrl
  : pulumi.interpolate`s3://${bucket.bucketName}/${endpoint.modelDataUrl}`;

const scalableEndpoint = new ScalableEndpoint(names.endpoint, {
  instanceType: endpoint.instanceType,
  initialInstanceCount: endpoint.initialInstanceCount,
  minCapacity: endpoint.minCapacity,
  maxCapacity: endpoint.maxCapacity,
  targetInvocationsPerInstance: endpoint.targetInvocationsPerInstance,
  scalingMetric: endpoint.scalingMetric,
  targetConcurrentRequestsPerModel: endpoint.targetConcurrentRequestsPerModel,
  scaleInCooldownSeconds: endpoint.scaleInCooldownSeconds,
  scaleOutCooldownSeconds: endpoint.scaleOutCooldownSeconds,
  modelDataUrl,
  // Uploaded before the model is created, so a new stack's first `up` needs no manual upload.
  modelArchive: endpoint.modelArchive,
  imageTag: endpoint.imageTag,
  enableNetworkIsolation: endpoint.enableNetworkIsolation,
  blueGreen: endpoint.blueGreen,
  // The endpoint is replaced on an instance-type change, so only its key is protected.
  protectKey: protect,
  tags,
});

const fn = new InferenceFunction(names.inference, {
  endpointName: scalableEndpoint.endpointName,
  // Every generation of the endpoint's name: an instance-type change replaces the endpoint without touching the
  // function's policy, so the published version still calling the old endpoint keeps access until the alias moves.
  endpointArn: scalableEndpoint.invokeArnPattern,
  allowedImageHosts: inference.allowedImageHosts,
  memoryMb: inference.memoryMb,
  timeoutSeconds: inference.timeoutSeconds,
  reservedConcurrency: inference.reservedConcurrency,
  provisionedConcurrency: inference.provisionedConcurrency,
  invokeTimeoutMs: inference.invokeTimeoutMs,
  logRetentionDays: inference.logRetentionDays,
  encryptLogs: inference.encryptLogs,
  protectLogKey: protect,
  architecture: inference.architecture,
  tags,
});

// 5. Outputs.
export const bucketName = bucket.bucketName;
export const notebookUrl = notebookInstance.url;
export const trainingHostId = host.instanceId;
export const endpointName = scalableEndpoint.endpointName;
export const functionName = fn.functionName;
export const aliasArn = fn.aliasArn;
