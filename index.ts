/**
 * The ml-platform program: one stack (dev, prod, ...) of the image-classification platform.
 *
 * Composition only. It reads and validates the whole stack config first (nothing is registered when any of it is
 * wrong), then wires the components and exports the outputs. See README.md ("Configuration") for every key.
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
// Stateful resources (the bucket with the data and artifacts, the notebook with its ML volume) are protected in
// prod: `pulumi destroy` or a replacement fails until `pulumi state unprotect`.
const stateful = { protect: settings.protect };

// 2. Storage.
const bucket = new ProjectBucket(names.bucket, { tags }, stateful);

// 3. Exploration and training.
const notebookInstance = new NotebookInstance(
  names.notebook,
  {
    instanceType: notebook.instanceType,
    volumeSizeGb: notebook.volumeSizeGb,
    idleStopMinutes: notebook.idleStopMinutes,
    subnetId: notebook.subnetId,
    securityGroupIds: notebook.securityGroupIds,
    platformIdentifier: notebook.platformIdentifier,
    bucketArn: bucket.bucketArn,
    namePrefix: prefix,
    tags,
  },
  stateful,
);

const host = new TrainingHost(names.trainingHost, {
  instanceType: trainingHost.instanceType,
  amiParameter: trainingHost.amiParameter,
  rootVolumeGb: trainingHost.rootVolumeGb,
  spot: trainingHost.spot,
  sshCidrs: trainingHost.sshCidrs,
  keyName: trainingHost.keyName,
  subnetId: trainingHost.subnetId,
  vpcId: trainingHost.vpcId,
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
  imageTag: endpoint.imageTag,
  enableNetworkIsolation: endpoint.enableNetworkIsolation,
  blueGreen: endpoint.blueGreen,
  // The endpoint is replaced on an instance-type change, so only its key is protected.
  protectKey: settings.protect,
  tags,
});

const fn = new InferenceFunction(names.inference, {
  endpointName: scalableEndpoint.endpointName,
  endpointArn: scalableEndpoint.endpointArn,
  allowedImageHosts: inference.allowedImageHosts,
  memoryMb: inference.memoryMb,
  timeoutSeconds: inference.timeoutSeconds,
  reservedConcurrency: inference.reservedConcurrency,
  provisionedConcurrency: inference.provisionedConcurrency,
  invokeTimeoutMs: inference.invokeTimeoutMs,
  logRetentionDays: inference.logRetentionDays,
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
