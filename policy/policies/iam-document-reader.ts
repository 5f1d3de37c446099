/**
 * Reads an IAM policy document that may be partly unknown during preview: a document built as an object
 * (`{ Statement: [{ ..., Resource: endpoint.arn }] }`) is unknown only where an output goes, so its other
 * statements, and the other elements of that statement, can still be checked. A document built as a string
 * (`pulumi.jsonStringify`) is unknown as a whole.
 */
import {
  parseIamDocument,
  type IamDocument,
  type IamDocumentParseResult,
  type IamStatement,
} from "@ml-platform/aws-facts/iam-document";
import type { Probe, ResourceRuleContext, UnknownProbe } from "../framework";

/** A statement with unknown parts: the elements that are known, and the first unknown one. */
export interface PartlyUnknownStatement {
  readonly index: number;
  /** Known elements by their name as written (`Effect`, `action`, ...). */
  readonly known: Readonly<Record<string, unknown>>;
  /** Names of the elements whose value is unknown, lower-cased. */
  readonly unknownNames: readonly string[];
  /** The first unknown element, to defer on. */
  readonly unknown: UnknownProbe;
}

export type DocumentReading =
  /** The document is unknown as a whole (or its statement list is): nothing can be checked. */
  | { readonly kind: "unknown"; readonly unknown: UnknownProbe }
  /** Absent (undefined, null or ""). */
  | { readonly kind: "absent" }
  /** Fully known: the parse result, as for any document. */
  | { readonly kind: "known"; readonly parsed: IamDocumentParseResult }
  /** Partly unknown: the known statements parsed (indices as in the document), and the others. */
  | {
      readonly kind: "partial";
      readonly document: IamDocument;
      readonly partial: readonly PartlyUnknownStatement[];
      /** A known statement that does not parse, with the reason. */
      readonly malformed?: string;
    };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readDocument<C>(
  ctx: ResourceRuleContext<C>,
  property: string,
  read: () => unknown,
): DocumentReading {
  const whole = ctx.probeDeep(property, read);
  if (whole.known) {
    if (whole.value === undefined || whole.value === null || whole.value === "") return { kind: "absent" };
    return { kind: "known", parsed: parseIamDocument(whole.value) };
  }
  const top = ctx.probe(property, read);
  if (!top.known) return { kind: "unknown", unknown: top };
  const raw = top.value;
  if (!isRecord(raw)) return { kind: "unknown", unknown: whole };

  const statementKeys = Object.keys(raw).filter((k) => k.toLowerCase() === "statement");
  const known: unknown[] = [];
  const partial: PartlyUnknownStatement[] = [];
  let index = 0;
  for (const key of statementKeys) {
    const list = ctx.probe(`${property}.${key}`, () => raw[key]);
    if (!list.known) return { kind: "unknown", unknown: list };
    const items = Array.isArray(list.value) ? list.value : [list.value];
    for (let i = 0; i < items.length; i++, index++) {
      const where = Array.isArray(list.value) ? `${property} Statement[${index}]` : `${property} Statement`;
      const statement = ctx.probeDeep(where, () => items[i]);
      if (statement.known) {
        known.push({ index, value: statement.value });
        continue;
      }
      const shallow = ctx.probe(where, () => items[i]);
      if (!shallow.known || !isRecord(shallow.value)) return { kind: "unknown", unknown: statement };
      const elements: Record<string, unknown> = {};
      const unknownNames: string[] = [];
      let firstUnknown: UnknownProbe | undefined;
      for (const name of Object.keys(shallow.value)) {
        const element: Probe<unknown> = ctx.probeDeep(
          `${where}.${name}`,
          () => (shallow.value as Record<string, unknown>)[name],
        );
        if (element.known) elements[name] = element.value;
        else {
          unknownNames.push(name.toLowerCase());
          firstUnknown ??= element;
        }
      }
      partial.push({
        index,
        known: elements,
        unknownNames,
        unknown: firstUnknown ?? (statement as UnknownProbe),
      });
    }
  }

  const statements: IamStatement[] = [];
  let malformed: string | undefined;
  for (const entry of known as { index: number; value: unknown }[]) {
    const parsed = parseIamDocument({ Version: "2012-10-17", Statement: [entry.value] });
    if (!parsed.ok) {
      malformed ??= parsed.reason.replace("Statement[0]", `Statement[${entry.index}]`);
      continue;
    }
    statements.push({ ...parsed.document.statements[0], index: entry.index });
  }
  return {
    kind: "partial",
    document: { version: undefined, statementArray: true, statements },
    partial,
    malformed,
  };
}

/** What a partly unknown statement says about one element: known (with its value), unknown, or absent. */
export function element(
  statement: PartlyUnknownStatement,
  name: string,
): { readonly state: "known"; readonly value: unknown } | { readonly state: "unknown" | "absent" } {
  const lower = name.toLowerCase();
  if (statement.unknownNames.includes(lower)) return { state: "unknown" };
  const key = Object.keys(statement.known).find((k) => k.toLowerCase() === lower);
  return key === undefined ? { state: "absent" } : { state: "known", value: statement.known[key] };
}

/** A known element as a list of strings (a lone string is a list of one); undefined when it is not strings. */
export function stringsOf(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  return list.every((v) => typeof v === "string") ? (list as string[]) : undefined;
}
