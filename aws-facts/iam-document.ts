/**
 * Structural IAM policy-document parsing, shared by the components (which build least-privilege documents) and
 * the policy pack (which rejects FullAccess and wildcard grants), so both read a document the same way.
 *
 * Regex checks on JSON text (cdk-nag IAM5 style) miss equivalent spellings; this parses the document instead:
 * a JSON string or an object; `Statement` as one statement or an array; `Action`/`NotAction`/`Resource`/
 * `NotResource` as a string or an array. Element names are matched case-insensitively and action names are
 * compared case-insensitively, as IAM does. A malformed document is a parse failure with a reason naming the
 * element, never an exception.
 */

import {
  coveredShape,
  newCoverageBudget,
  SERVICE_WIDE_SHAPES,
  type CoverageBudget,
  type ShapeCoverage,
} from "./arn-shapes";
import { globCovers, globMatches } from "./glob";

export type Effect = "Allow" | "Deny";

/**
 * Largest document read, in characters of JSON. IAM accepts at most 10,240 (a role's inline policies together;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length),
 * so a larger one cannot be deployed anyway, and reading it would let one input stall the pack.
 */
export const MAX_DOCUMENT_CHARACTERS = 40_960;
/** Most statements read from one document (a 10,240-character document holds about 200). */
export const MAX_STATEMENTS = 1_000;

/** One statement, normalised: every list is an array (possibly empty), never a lone string. */
export interface IamStatement {
  /** Position in the document's Statement array (0 for a lone statement). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /**
   * True when a NotAction element is present, even as an empty list: `"NotAction": []` excepts nothing, so it is
   * read as "every action" (fail safe) rather than as an absent element.
   */
  readonly hasNotAction: boolean;
  /** True when a NotResource element is present, even as an empty list (read as "every resource"). */
  readonly hasNotResource: boolean;
  /** True when the statement has a Principal/NotPrincipal (resource-based or trust policy statement). */
  readonly hasPrincipal: boolean;
  readonly hasCondition: boolean;
}

export interface IamDocument {
  readonly version?: string;
  /** True when Statement was given as an array (messages then name `Statement[i]`). */
  readonly statementArray: boolean;
  readonly statements: readonly IamStatement[];
}

export type IamDocumentParseResult =
  { readonly ok: true; readonly document: IamDocument } | { readonly ok: false; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every value given for an element under any spelling of its name. */
function elementValues(record: Record<string, unknown>, name: string): unknown[] {
  const lower = name.toLowerCase();
  return Object.keys(record)
    .filter((key) => key.toLowerCase() === lower)
    .map((key) => record[key]);
}

/** Reads an element by name, ignoring case (`Statement`, `statement`): the first spelling found. */
function element(record: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return { present: true, value: record[key] };
  }
  return { present: false, value: undefined };
}

function stringList(
  value: unknown,
  where: string,
): { ok: true; list: string[] } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, list: [] };
  if (typeof value === "string") return { ok: true, list: [value] };
  if (Array.isArray(value)) {
    const list: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== "string") {
        return { ok: false, reason: `${where}[${i}] must be a string, got ${describe(value[i])}` };
      }
      list.push(value[i]);
    }
    return { ok: true, list };
  }
  return { ok: false, reason: `${where} must be a string or an array of strings, got ${describe(value)}` };
}

function tooLarge(size: string): string {
  return (
    `the document is too large to check (${size}; the pack reads at most ${MAX_DOCUMENT_CHARACTERS} characters ` +
    `and ${MAX_STATEMENTS} statements, and IAM accepts at most 10,240 characters)`
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parses a policy document given as JSON text or as an object (as `aws.iam.PolicyDocument` or the output of
 * `aws.iam.getPolicyDocument` JSON-decoded). Never throws.
 */
export function parseIamDocument(input: unknown): IamDocumentParseResult {
  let raw: unknown = input;
  if (typeof input === "string") {
    // A byte-order mark (from a policy file saved by an editor) is not JSON; strip it so the grants are read.
    const text = input.replace(/^\uFEFF/, "");
    if (text.trim() === "") return { ok: false, reason: "the document is an empty string" };
    if (text.length > MAX_DOCUMENT_CHARACTERS)
      return { ok: false, reason: tooLarge(`${text.length} characters`) };
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, reason: `the document is not valid JSON (${(e as Error).message})` };
    }
  }
  if (!isRecord(raw))
    return { ok: false, reason: `the document must be a JSON object, got ${describe(raw)}` };
  if (typeof input !== "string") {
    const length = JSON.stringify(raw).length;
    if (length > MAX_DOCUMENT_CHARACTERS) return { ok: false, reason: tooLarge(`${length} characters`) };
  }

  const version = element(raw, "Version");
  if (version.present && typeof version.value !== "string") {
    return { ok: false, reason: `Version must be a string, got ${describe(version.value)}` };
  }
  // Every spelling of Statement contributes (`Statement` and `statement` in one document: both are read).
  const statementValues = elementValues(raw, "Statement");
  if (statementValues.length === 0) return { ok: false, reason: "the document has no Statement" };
  const arrayForm = statementValues.length > 1 || Array.isArray(statementValues[0]);
  const rawStatements = statementValues.flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (rawStatements.length > MAX_STATEMENTS) {
    return { ok: false, reason: tooLarge(`${rawStatements.length} statements`) };
  }

  const statements: IamStatement[] = [];
  for (let index = 0; index < rawStatements.length; index++) {
    const where = arrayForm ? `Statement[${index}]` : "Statement";
    const s = rawStatements[index];
    if (!isRecord(s)) return { ok: false, reason: `${where} must be an object, got ${describe(s)}` };

    // With several spellings of Effect (`Effect`, `effect`), any Allow makes the statement a grant (fail safe).
    const effects = elementValues(s, "Effect");
    let effectText: string | undefined;
    for (const value of effects.length > 0 ? effects : [undefined]) {
      const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
      if (text !== "allow" && text !== "deny") {
        const got = typeof value === "string" ? JSON.stringify(value) : describe(value);
        return { ok: false, reason: `${where}.Effect must be "Allow" or "Deny", got ${got}` };
      }
      if (effectText !== "allow") effectText = text;
    }

    // Likewise every spelling of a list element contributes: `{"Action": "s3:GetObject", "action": "*"}` is `*`.
    const lists: Record<string, string[]> = {};
    for (const name of ["Action", "NotAction", "Resource", "NotResource"]) {
      lists[name] = [];
      for (const value of elementValues(s, name)) {
        const parsed = stringList(value, `${where}.${name}`);
        if (!parsed.ok) return { ok: false, reason: parsed.reason };
        lists[name].push(...parsed.list.map((v) => v.trim()));
      }
    }
    const sid = element(s, "Sid").value;
    statements.push({
      index,
      sid: typeof sid === "string" ? sid : undefined,
      effect: effectText === "allow" ? "Allow" : "Deny",
      actions: lists.Action,
      notActions: lists.NotAction,
      resources: lists.Resource,
      notResources: lists.NotResource,
      hasNotAction: elementValues(s, "NotAction").length > 0,
      hasNotResource: elementValues(s, "NotResource").length > 0,
      hasPrincipal: element(s, "Principal").present || element(s, "NotPrincipal").present,
      hasCondition: element(s, "Condition").present,
    });
  }
  return {
    ok: true,
    document: {
      version: typeof version.value === "string" ? version.value : undefined,
      statementArray: arrayForm,
      statements,
    },
  };
}

// ------------------------------------------------------------------------------------------------------------------
// Matching

/** IAM wildcard match (`*` any run, `?` one character, `/` and `:` included), case-insensitive, whole string. */
export function wildcardMatches(pattern: string, value: string): boolean {
  return globMatches(pattern, value);
}

const serviceWideCache = new Map<string, boolean>();

/**
 * True when an action pattern matches every action of at least one whole service: `*`, `*:*`, `s3:*`, `S3:*`,
 * `s3:?*`, `s3*`, `s?:*`, `*3:*`. Decided by glob coverage of `<service>:?*` (an action name is never empty), for
 * the service as the pattern spells it.
 */
export function isServiceWideAction(pattern: string): boolean {
  const p = pattern.trim();
  // Without a star a pattern matches names of one length, never every action of a service.
  if (!p.includes("*")) return false;
  const cached = serviceWideCache.get(p);
  if (cached !== undefined) return cached;
  const colon = p.indexOf(":");
  const service = colon < 0 ? p.replace(/[*?]/g, "") : p.slice(0, colon);
  const wide = globCovers(p, `${service}:?*`);
  if (serviceWideCache.size > 10_000) serviceWideCache.clear();
  serviceWideCache.set(p, wide);
  return wide;
}

const coverageCache = new Map<string, ShapeCoverage>();

/**
 * What a resource pattern covers among the "every resource of a service" shapes (see aws-facts/arn-shapes.ts):
 * `*`, `arn:*`, `arn:aws:s3:::*` (and with a key glob `/*` after it), `arn:aws:iam::*`,
 * `arn:aws:iam::123456789012:*` are unbounded; a pattern that names a resource type, a resource or a prefix
 * (`...:endpoint/*`, `...:endpoint/my-*`) is bounded here (see `coveredShape` for kinds). A pattern too long,
 * too wild or too costly to decide counts as unbounded (`undecided`).
 */
export function resourceCoverage(pattern: string, budget?: CoverageBudget): ShapeCoverage {
  const p = pattern.trim();
  const cached = coverageCache.get(p);
  if (cached) return cached;
  const coverage = coveredShape(p, SERVICE_WIDE_SHAPES, budget);
  // An answer cut short by a document's exhausted budget says nothing about the pattern itself.
  if (!coverage.undecided || budget === undefined) {
    if (coverageCache.size > 10_000) coverageCache.clear();
    coverageCache.set(p, coverage);
  }
  return coverage;
}

/** True when a resource pattern covers every resource of a service ({@link resourceCoverage}). */
export function isUnboundedResource(pattern: string, budget?: CoverageBudget): boolean {
  return resourceCoverage(pattern, budget).shape !== undefined;
}

/** `Resource "…"`, saying so when the pattern was too complex to decide. */
function resourceText(pattern: string, budget?: CoverageBudget): string {
  const undecided = resourceCoverage(pattern, budget).undecided;
  return `Resource ${JSON.stringify(pattern)}${undecided ? " (too complex to check, so read as every resource)" : ""}`;
}

/** Does the statement's action list (Action or NotAction) cover `action`? */
export function statementCoversAction(statement: IamStatement, action: string): boolean {
  if (statement.hasNotAction) return !statement.notActions.some((p) => wildcardMatches(p, action));
  return statement.actions.some((p) => wildcardMatches(p, action));
}

/** A finding about one wildcard grant: which statement and why. */
export interface WildcardGrant {
  readonly statement: IamStatement;
  /** Human-readable: `Action "s3:*" on Resource "*"`. */
  readonly reason: string;
}

/** How to read a document's statements. */
export interface GrantReadingOptions {
  /**
   * The document is an identity policy (aws.iam.Policy, RolePolicy, Role.inlinePolicies...). IAM rejects a
   * Principal there, so a Principal does not make an Allow statement a non-grant: without this option, statements
   * with a Principal are read as trust or resource-policy statements and skipped.
   */
  readonly identityPolicy?: boolean;
  /**
   * Coverage work left for this document (see aws-facts/arn-shapes.ts). `wildcardGrants` and `resourcesFor`
   * start one per document; pass one to share it across several calls about the same document.
   */
  readonly coverageBudget?: CoverageBudget;
}

/**
 * Why an Allow statement is a wildcard grant, or undefined when it is not: Action `*` / `<service>:*` (any case),
 * or any NotAction, on an unbounded resource (`*`, a service-wide ARN, or any NotResource). Deny statements and
 * statements with a Principal (trust and resource policies, unless `identityPolicy`) are not identity grants.
 */
export function wildcardGrantReason(
  statement: IamStatement,
  options: GrantReadingOptions = {},
): string | undefined {
  if (statement.effect !== "Allow" || (statement.hasPrincipal && !options.identityPolicy)) return undefined;
  // The action side first: it is cheap, and most statements name their actions.
  const actionText = statement.hasNotAction
    ? `NotAction ${JSON.stringify(statement.notActions)} (every other action)`
    : (() => {
        const wide = statement.actions.find(isServiceWideAction);
        return wide === undefined ? undefined : `Action ${JSON.stringify(wide)}`;
      })();
  if (actionText === undefined) return undefined;
  if (statement.hasNotResource) {
    return `${actionText} on NotResource ${JSON.stringify(statement.notResources)} (everything except those)`;
  }
  const unbounded = statement.resources.find((r) => isUnboundedResource(r, options.coverageBudget));
  if (unbounded === undefined) return undefined;
  return `${actionText} on ${resourceText(unbounded, options.coverageBudget)}`;
}

export function isWildcardGrant(statement: IamStatement, options: GrantReadingOptions = {}): boolean {
  return wildcardGrantReason(statement, options) !== undefined;
}

/** Every wildcard grant in a document. */
export function wildcardGrants(document: IamDocument, options: GrantReadingOptions = {}): WildcardGrant[] {
  options = { coverageBudget: newCoverageBudget(), ...options };
  const out: WildcardGrant[] = [];
  for (const statement of document.statements) {
    const reason = wildcardGrantReason(statement, options);
    if (reason) out.push({ statement, reason });
  }
  return out;
}

/**
 * Why an Allow statement of an identity policy is incomplete, or undefined: IAM rejects an identity statement
 * without Action/NotAction or without Resource/NotResource (an empty list counts as missing), so its grants cannot
 * be read. Reported rather than skipped, so such a document never passes silently.
 */
export function incompleteGrantReason(statement: IamStatement): string | undefined {
  if (statement.effect !== "Allow") return undefined;
  const missing: string[] = [];
  if (statement.actions.length === 0 && !statement.hasNotAction) missing.push("Action or NotAction");
  if (statement.resources.length === 0 && !statement.hasNotResource) missing.push("Resource or NotResource");
  return missing.length > 0 ? `has no ${missing.join(" and no ")}` : undefined;
}

/** Allow statements (identity grants) that cover `action`. */
export function statementsGranting(
  document: IamDocument,
  action: string,
  options: GrantReadingOptions = {},
): IamStatement[] {
  return document.statements.filter(
    (s) =>
      s.effect === "Allow" &&
      (!s.hasPrincipal || options.identityPolicy === true) &&
      statementCoversAction(s, action),
  );
}

/** True when some Allow statement covers `action` (e.g. `sagemaker:InvokeEndpoint`), ignoring resources. */
export function grantsAction(
  document: IamDocument,
  action: string,
  options: GrantReadingOptions = {},
): boolean {
  return statementsGranting(document, action, options).length > 0;
}

/**
 * The resources `action` is allowed on. `unbounded` is true when a granting statement uses NotResource or an
 * unbounded resource pattern (see {@link isUnboundedResource}), so a caller can demand specific ARNs.
 */
export function resourcesFor(
  document: IamDocument,
  action: string,
  options: GrantReadingOptions = {},
): { resources: string[]; unbounded: boolean; statements: IamStatement[] } {
  const statements = statementsGranting(document, action, options);
  const resources = [...new Set(statements.flatMap((s) => s.resources))];
  const budget = options.coverageBudget ?? newCoverageBudget();
  const unbounded = statements.some(
    (s) => s.hasNotResource || s.resources.some((r) => isUnboundedResource(r, budget)),
  );
  return { resources, unbounded, statements };
}

// AWS-managed policy ARNs are parsed next door; re-exported so one import serves every IAM reader.
export * from "./managed-policy-arns";
