/**
 * The mock AWS provider used by the program runner: plausible ids and computed outputs for created resources, and
 * answers to data sources (invokes) from the fixture file. Pure functions, so they are unit-tested without a
 * Pulumi runtime.
 *
 * The goal is that every value a program or a policy reads from another resource's outputs looks like what AWS would
 * return (ARN shapes, lowercase SageMaker ARNs, auto-names), because the policy pack inspects those values.
 */
export { UnansweredInvokeError, type MockAwsContext } from "./context";
export { autoName, stableHex } from "./naming";
export { mockResourceState, type MockResourceState } from "./resource-state";
export { answerInvoke } from "./data-sources";
export { renderPolicyDocument } from "./policy-document";
