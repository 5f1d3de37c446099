/**
 * What every part of the mock AWS provider shares: the stack's context, the error for a data source it can't answer,
 * and reading an optional string input.
 */
import type { DataSourceFixtures } from "../data-source-fixtures";

export interface MockAwsContext {
  readonly fixtures: DataSourceFixtures;
  /** The stack's `aws:region`, else the fixture's default region. */
  readonly region: string;
}

/** An invoke token the fixtures can't answer. Reported as a setup error that names the token. */
export class UnansweredInvokeError extends Error {
  override name = "UnansweredInvokeError";
  constructor(
    readonly token: string,
    detail?: string,
  ) {
    super(
      `the offline preview has no answer for data source ${token}${detail ? ` (${detail})` : ""}; ` +
        `add one to the data-source fixtures (tools/preview/fixtures.yaml) or to tools/lib/mock-aws/data-sources.ts`,
    );
  }
}

/** Resource inputs and outputs, and data-source arguments and results, as plain values. */
export type Props = Record<string, unknown>;

/** A non-empty string input, else undefined (the provider treats "" as unset). */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
