/**
 * What an input change does to a deployed resource, per type token: which inputs force a replacement, which input
 * Pulumi auto-names (so a replacement can create the new resource before deleting the old one), which types are
 * replaced delete-first, and how in-place updates behave. The facts are data
 * (replacement-facts.json), each entry with the public source it was read from and the date it was gathered, so a
 * correction is a data change, not a code change. The offline change preview (tools/preview/diff) reads them.
 */
import { z } from "zod";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const raw: unknown = require("./replacement-facts.json");

const url = z.string().regex(/^https:\/\//, "must be an https:// URL");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD date");

const conditionalReplaceSchema = z.discriminatedUnion("when", [
  /** Replaces when the number goes down (a notebook's volumeSize); an increase updates in place. */
  z.strictObject({ input: z.string(), when: z.literal("decrease") }),
  /** Replaces when old and new instance types share no CPU architecture. */
  z.strictObject({ input: z.string(), when: z.literal("architectureChange") }),
  /** Replaces only while the boolean input `flag` is true. */
  z.strictObject({ input: z.string(), when: z.literal("flagSet"), flag: z.string() }),
  /** `a|b|c`: replaces when which of these inputs is set changes. */
  z.strictObject({ input: z.string(), when: z.literal("sourceKindSwitch") }),
]);

const typeFactsSchema = z.strictObject({
  /** false for global services (IAM): no `region` input. */
  regional: z.boolean(),
  /** Input paths whose change replaces: `a.b` a field of an object, `a[].b` a field of every list element. */
  replaceOn: z.array(z.string()),
  /** Every input replaces except these (types without a real update). */
  replaceOnAnyInputExcept: z.array(z.string()).optional(),
  conditionalReplace: z.array(conditionalReplaceSchema).optional(),
  /** The physical-name input Pulumi fills when the program leaves it unset. */
  autoNamed: z.string().optional(),
  /** The provider asks for delete-before-replace for every replacement of this type. */
  deleteBeforeReplace: z.boolean().optional(),
  deleteBeforeReplaceSource: url.optional(),
  // Which types hold state, and what replacing one loses, is aws-facts/stateful-types.ts (shared with the pack).
  /** How an in-place update behaves (API calls, stops, waits). */
  update: z.string(),
  /** An in-place update interrupts the resource unless only these inputs change. */
  updateInterruptsUnlessOnly: z.array(z.string()).optional(),
  /** Inputs whose in-place change stops the resource. */
  stopsOnUpdate: z.array(z.string()).optional(),
  /** Outputs that become unknown on any in-place update (while `whenInputTrue` is true, when given). */
  outputsUnknownOnUpdate: z
    .strictObject({ outputs: z.array(z.string()), whenInputTrue: z.string().optional() })
    .optional(),
  /** The input whose in-place change rolls out a new fleet (an endpoint's configuration). */
  rollout: z.strictObject({ input: z.string() }).optional(),
  source: url,
  gatheredOn: date,
});

const ruleSchema = z
  .object({ text: z.string(), source: url, gatheredOn: date.optional() })
  .catchall(z.string());

const factsSchema = z.strictObject({
  gatheredOn: date,
  provider: z.string(),
  rules: z.record(z.string(), ruleSchema),
  types: z.record(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+$/), typeFactsSchema),
});

export type ConditionalReplace = z.infer<typeof conditionalReplaceSchema>;
export type ReplacementTypeFacts = z.infer<typeof typeFactsSchema>;
export type ReplacementFacts = z.infer<typeof factsSchema>;

/** Validates facts data; throws naming the offending field and rule. */
export function parseReplacementFacts(data: unknown): ReplacementFacts {
  const result = factsSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`invalid replacement facts:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The facts shipped with this package. */
export const REPLACEMENT_FACTS: ReplacementFacts = parseReplacementFacts(raw);

/** The facts for one type token, or undefined for a type with no recorded facts. */
export function replacementFactsFor(type: string): ReplacementTypeFacts | undefined {
  return Object.prototype.hasOwnProperty.call(REPLACEMENT_FACTS.types, type)
    ? REPLACEMENT_FACTS.types[type]
    : undefined;
}
