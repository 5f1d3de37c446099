/**
 * The Analyzer protocol's messages (`@pulumi/pulumi/proto/analyzer_pb`), built from and read into this client's
 * plain types, the way the engine fills them (pkg/resource/plugin/analyzer_plugin.go in pulumi/pulumi).
 */
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { CapturedResource } from "../lib/resource-graph";
import type {
  AnalyzeResult,
  AnalyzerInfo,
  AnalyzerPolicyInfo,
  AnalyzerProvider,
  EnforcementLevel,
  PolicyConfigEntry,
  PolicyRemediation,
  PolicySeverity,
  PolicyViolation,
} from "./types";
import { durationToSeconds, toStruct } from "./values";

function makeOptions(resource: CapturedResource): analyzerPb.AnalyzerResourceOptions {
  const o = resource.options;
  const opts = new analyzerPb.AnalyzerResourceOptions();
  opts.setProtect(!!o?.protect);
  opts.setIgnorechangesList([...(o?.ignoreChanges ?? [])]);
  if (o?.deleteBeforeReplace !== undefined) {
    opts.setDeletebeforereplace(o.deleteBeforeReplace);
    opts.setDeletebeforereplacedefined(true);
  }
  opts.setAdditionalsecretoutputsList([]);
  opts.setAliasesList([]);
  const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(durationToSeconds(o?.customTimeouts?.create));
  timeouts.setUpdate(durationToSeconds(o?.customTimeouts?.update));
  timeouts.setDelete(durationToSeconds(o?.customTimeouts?.delete));
  opts.setCustomtimeouts(timeouts);
  if (resource.parent) opts.setParent(resource.parent);
  return opts;
}

function makeProvider(provider: AnalyzerProvider): analyzerPb.AnalyzerProviderResource {
  const p = new analyzerPb.AnalyzerProviderResource();
  p.setType(provider.type);
  p.setName(provider.name);
  p.setUrn(provider.urn);
  p.setProperties(toStruct(provider.properties));
  return p;
}

/** The resource fields an AnalyzeRequest and a stack's AnalyzerResource share. */
interface ResourceMessage {
  setType(value: string): unknown;
  setName(value: string): unknown;
  setUrn(value: string): unknown;
  setProperties(value?: Struct): unknown;
  setOptions(value?: analyzerPb.AnalyzerResourceOptions): unknown;
  setProvider(value?: analyzerPb.AnalyzerProviderResource): unknown;
}

/**
 * Fills the fields both messages carry: `properties` are the inputs for Analyze and the outputs for AnalyzeStack.
 * Options are always set: without them the pack answers "A more recent version of the Pulumi CLI is required".
 */
export function setResourceFields<M extends ResourceMessage>(
  message: M,
  resource: CapturedResource,
  properties: Readonly<Record<string, unknown>>,
  provider: AnalyzerProvider | undefined,
): M {
  message.setType(resource.type);
  message.setName(resource.name);
  message.setUrn(resource.urn);
  message.setProperties(toStruct(properties));
  message.setOptions(makeOptions(resource));
  if (provider) message.setProvider(makeProvider(provider));
  return message;
}

/**
 * Finds the provider resource of `resource` in `all` from its provider reference (`<provider-urn>::<id>`), as the
 * engine does for Analyze and AnalyzeStack. Returns undefined when there is no explicit provider or it is not in
 * the list.
 */
export function findProvider(
  resource: CapturedResource,
  all: readonly CapturedResource[],
): AnalyzerProvider | undefined {
  const ref = resource.options?.provider;
  if (!ref) return undefined;
  const sep = ref.lastIndexOf("::");
  const urn = sep > 0 && ref.slice(0, sep).startsWith("urn:") ? ref.slice(0, sep) : ref;
  const prov = all.find((r) => r.urn === urn);
  if (!prov) return undefined;
  return { type: prov.type, name: prov.name, urn: prov.urn, properties: prov.inputs };
}

export const LEVEL_FROM_PROTO: Record<number, EnforcementLevel> = {
  [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};
export const LEVEL_TO_PROTO: Record<EnforcementLevel, analyzerPb.EnforcementLevel> = {
  advisory: analyzerPb.EnforcementLevel.ADVISORY,
  mandatory: analyzerPb.EnforcementLevel.MANDATORY,
  disabled: analyzerPb.EnforcementLevel.DISABLED,
  remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
export const SEVERITY_FROM_PROTO: Record<number, PolicySeverity | undefined> = {
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: undefined,
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerPb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** A GetAnalyzerInfo answer as {@link AnalyzerInfo}. */
export function analyzerInfoFromProto(res: analyzerPb.AnalyzerInfo): AnalyzerInfo {
  const policies: AnalyzerPolicyInfo[] = res.getPoliciesList().map((p) => {
    const schema = p.getConfigschema();
    const fw = p.getFramework();
    const type = p.getPolicyType();
    return {
      name: p.getName(),
      ...(p.getDisplayname() ? { displayName: p.getDisplayname() } : {}),
      description: p.getDescription(),
      enforcementLevel: LEVEL_FROM_PROTO[p.getEnforcementlevel()],
      type:
        type === analyzerPb.PolicyType.POLICY_TYPE_RESOURCE
          ? "resource"
          : type === analyzerPb.PolicyType.POLICY_TYPE_STACK
            ? "stack"
            : "unknown",
      ...(SEVERITY_FROM_PROTO[p.getSeverity()] ? { severity: SEVERITY_FROM_PROTO[p.getSeverity()] } : {}),
      ...(p.getRemediationSteps() ? { remediationSteps: p.getRemediationSteps() } : {}),
      ...(p.getUrl() ? { url: p.getUrl() } : {}),
      tags: p.getTagsList(),
      ...(fw
        ? {
            framework: {
              name: fw.getName() || undefined,
              version: fw.getVersion() || undefined,
              reference: fw.getReference() || undefined,
              specification: fw.getSpecification() || undefined,
            },
          }
        : {}),
      ...(schema
        ? {
            configSchema: {
              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                string,
                Record<string, unknown>
              >,
              required: schema.getRequiredList(),
            },
          }
        : {}),
    };
  });
  const initialConfig: Record<string, PolicyConfigEntry> = {};
  res.getInitialconfigMap().forEach((v, k) => {
    const props = v.getProperties()?.toJavaScript();
    initialConfig[k] = {
      enforcementLevel: LEVEL_FROM_PROTO[v.getEnforcementlevel()],
      ...(props && Object.keys(props).length > 0 ? { properties: props } : {}),
    };
  });
  return {
    name: res.getName(),
    version: res.getVersion(),
    ...(res.getDisplayname() ? { displayName: res.getDisplayname() } : {}),
    ...(res.getDescription() ? { description: res.getDescription() } : {}),
    supportsConfig: res.getSupportsconfig(),
    policies,
    initialConfig,
  };
}

/** The prefix @pulumi/policy gives a policy (or remediation) it could not run because it read an unknown value. */
const SKIPPED_ON_UNKNOWN = /^can't run (policy|remediation) '.*' from policy pack '.*' during preview: /;

/**
 * AnalyzeDiagnostics as {@link PolicyViolation}s, enriched with the metadata of `policies`. Diagnostics without a
 * URN are attributed to `defaultUrn`.
 */
export function violationsFromProto(
  list: analyzerPb.AnalyzeDiagnostic[],
  phase: PolicyViolation["phase"],
  defaultUrn: string,
  policies: readonly AnalyzerPolicyInfo[],
): PolicyViolation[] {
  const byName = new Map(policies.map((p) => [p.name, p]));
  return list.map((d) => {
    const meta = byName.get(d.getPolicyname());
    const severity = SEVERITY_FROM_PROTO[d.getSeverity()] ?? meta?.severity;
    const message = d.getMessage();
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      description: d.getDescription(),
      message,
      enforcementLevel: LEVEL_FROM_PROTO[d.getEnforcementlevel()],
      urn: d.getUrn() || defaultUrn,
      ...(severity ? { severity } : {}),
      ...(meta?.remediationSteps ? { remediationSteps: meta.remediationSteps } : {}),
      ...(meta?.url ? { url: meta.url } : {}),
      phase,
      skippedOnUnknown: SKIPPED_ON_UNKNOWN.test(message),
    };
  });
}

/** PolicyNotApplicable entries as plain objects. */
export function notApplicableFromProto(
  list: analyzerPb.PolicyNotApplicable[],
): AnalyzeResult["notApplicable"] {
  return list.map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
}

/**
 * Splits a RemediateResponse the way the engine does (`step_generator.go` in pulumi/pulumi): a remediation with a
 * diagnostic could not run and is reported as an advisory violation; one with properties replaces the inputs.
 */
export function remediationsFromProto(
  list: analyzerPb.Remediation[],
  urn: string,
  policies: readonly AnalyzerPolicyInfo[],
): { remediations: Omit<PolicyRemediation, "changes">[]; skipped: PolicyViolation[] } {
  const byName = new Map(policies.map((p) => [p.name, p]));
  const remediations: Omit<PolicyRemediation, "changes">[] = [];
  const skipped: PolicyViolation[] = [];
  for (const r of list) {
    const identity = {
      policyName: r.getPolicyname(),
      policyPackName: r.getPolicypackname(),
      policyPackVersion: r.getPolicypackversion(),
      description: r.getDescription(),
      urn,
    };
    const diagnostic = r.getDiagnostic();
    if (diagnostic) {
      const meta = byName.get(identity.policyName);
      skipped.push({
        ...identity,
        message: diagnostic,
        enforcementLevel: "advisory",
        ...(meta?.severity ? { severity: meta.severity } : {}),
        ...(meta?.remediationSteps ? { remediationSteps: meta.remediationSteps } : {}),
        ...(meta?.url ? { url: meta.url } : {}),
        phase: "remediate",
        skippedOnUnknown: SKIPPED_ON_UNKNOWN.test(diagnostic),
      });
    } else if (r.hasProperties()) {
      remediations.push({ ...identity, properties: r.getProperties()!.toJavaScript() });
    }
  }
  return { remediations, skipped };
}
