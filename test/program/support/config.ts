/**
 * Stack config as the program tests mutate it: a real stack file's config with the structured `ml-platform:*` values
 * parsed, changed by a callback, and flattened back to what the Pulumi CLI would pass the program.
 */
import { REPO_ROOT } from "../../../tools/lib/program-runner";
import { readProject, readStackFile } from "../../../tools/lib/stack-files";

export type Json = Record<string, any>;
/** The `ml-platform:` keys without their namespace: `c.endpoint.minCapacity`, `c.protect`. */
export type ConfigObjects = Record<"notebook" | "trainingHost" | "endpoint" | "inference", Json> & Json;

/** A stack's config as objects (structured values parsed), so each case can mutate a copy. */
function stackConfigObjects(stack: string): Record<string, unknown> {
  const project = readProject(REPO_ROOT);
  const { config } = readStackFile(REPO_ROOT, stack, project);
  const objects: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    objects[key] = key.startsWith("ml-platform:") && /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return objects;
}

/** Applies `mutate` to a copy of the stack's config and flattens it back to what the CLI would pass. */
export function mutatedConfig(mutate: (c: ConfigObjects) => void, stack = "dev"): Record<string, string> {
  const objects = stackConfigObjects(stack);
  const view: Json = {};
  for (const [key, value] of Object.entries(objects)) {
    if (key.startsWith("ml-platform:")) view[key.slice("ml-platform:".length)] = value;
  }
  mutate(view as ConfigObjects);
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(objects))
    if (!key.startsWith("ml-platform:")) flat[key] = String(value);
  for (const [key, value] of Object.entries(view)) {
    flat[`ml-platform:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return flat;
}
