/**
 * The offline analyzer client: drives a CrossGuard policy pack over the Analyzer gRPC protocol exactly as the
 * Pulumi CLI and engine do (start-up, config, Remediate, Analyze, AnalyzeStack), so the offline preview, the pack's
 * end-to-end tests and the policy benchmark see what `pulumi preview --policy-pack` would.
 */
export { PolicyAnalyzer, type StackAnalysis, type StackAnalysisOptions } from "./client";
export { PolicyPackCallError, PolicyPackSetupError, type PolicyPackSetupErrorKind } from "./errors";
export { resolvePolicyRunner, startPolicyPack } from "./launch";
export {
  DEFAULT_POLICY_CONFIG_DIR,
  DEFAULT_POLICY_PACK_DIR,
  listPolicyConfigStacks,
  parsePolicyConfig,
  PolicyConfig,
  policyPackConfigSource,
  readPolicyConfigFile,
  readStackPolicyConfig,
  reconcilePolicyConfig,
  stackPolicyConfigPath,
  type PolicyDefinition,
  type PolicyPackConfigSource,
} from "./policy-config";
export { findProvider } from "./protocol";
export {
  formatPropertyPath,
  propertyChanges,
  withRemediatedInputs,
  type PropertyChange,
} from "./remediation";
export * from "./types";
export { durationToSeconds, ENGINE_UNKNOWN_SENTINEL, toEngineValue } from "./values";
