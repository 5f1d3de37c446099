/**
 * Tags through which ml-platform components state facts about a resource as data, for the cost estimator and the
 * policy pack to read from the resource's inputs or outputs (never by parsing generated scripts).
 */

/**
 * On a SageMaker notebook lifecycle configuration: the configuration stops the notebook after this many idle
 * minutes (a whole number, as a string because tag values are strings). The NotebookInstance component sets it on
 * the idle auto-stop configuration it creates; a hand-written auto-stop script can declare itself the same way.
 */
export const IDLE_STOP_MINUTES_TAG = "ml-platform:idle-stop-minutes";

/** The tag's value for `minutes`. */
export function idleStopMinutesTagValue(minutes: number): string {
  return String(minutes);
}

/**
 * Reads the idle-stop tag from a resource's `tags` (or `tagsAll`) map: `{ minutes }` when it holds a positive whole
 * number, `{ invalid }` with the raw value when it holds anything else, undefined when the tag is absent.
 */
export function readIdleStopMinutesTag(
  tags: unknown,
): { readonly minutes: number } | { readonly invalid: string } | undefined {
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(tags, IDLE_STOP_MINUTES_TAG)) return undefined;
  const raw = (tags as Record<string, unknown>)[IDLE_STOP_MINUTES_TAG];
  if (typeof raw === "string" && /^[1-9]\d*$/.test(raw.trim())) return { minutes: Number(raw.trim()) };
  return { invalid: typeof raw === "string" ? raw : String(JSON.stringify(raw) ?? raw) };
}
