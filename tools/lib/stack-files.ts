/**
 * Reads a Pulumi project (Pulumi.yaml) and its stack files (Pulumi.<stack>.yaml) the way the Pulumi CLI does, and
 * produces the flat config map a program sees at run time: fully qualified keys (`ml-platform:endpoint`,
 * `aws:region`) mapped to strings, with structured values as JSON text.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";

/** A problem with the project or stack files; `kind` says how the preview reports it (both exit 2). */
export class StackFileError extends Error {
  override name = "StackFileError";
  constructor(
    readonly kind: "config" | "setup",
    message: string,
  ) {
    super(message);
  }
}

export interface ProjectInfo {
  readonly name: string;
  /** The program entry point, from `main` in Pulumi.yaml, else index.ts in the project dir. */
  readonly main: string;
  /** Project-level config defaults (`config:` in Pulumi.yaml), fully qualified. */
  readonly configDefaults: Readonly<Record<string, string>>;
}

export interface StackFileConfig {
  readonly stack: string;
  /** Fully qualified key → value as the program reads it (objects as JSON strings, as the CLI passes them). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose values are secrets (`secure:` in the stack file); their values can't be decrypted offline. */
  readonly secretKeys: readonly string[];
  /** Things the offline run can't reproduce (an ESC `environment:`, encrypted secrets), for the caller to print. */
  readonly warnings: readonly string[];
}

/** Placeholder given to the program for an encrypted secret, which can't be decrypted without the stack's key. */
export const SECRET_PLACEHOLDER = "[secret: not decrypted by the offline preview]";

function readYamlFile(path: string, kind: "config" | "setup"): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message : String(err);
    throw new StackFileError(kind, `${path} is not valid YAML: ${detail}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Config values as the CLI hands them to a program: strings as they are, everything else as JSON. */
function configValueToString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export function readProject(projectDir: string): ProjectInfo {
  const path = join(projectDir, "Pulumi.yaml");
  if (!existsSync(path)) {
    throw new StackFileError("setup", `no Pulumi project in ${projectDir}: Pulumi.yaml not found`);
  }
  const doc = readYamlFile(path, "setup");
  if (!isPlainObject(doc) || typeof doc.name !== "string" || doc.name === "") {
    throw new StackFileError("setup", `${path}: \`name\` is required and must be a string`);
  }
  const name = doc.name;
  const configDefaults: Record<string, string> = {};
  if (isPlainObject(doc.config)) {
    for (const [key, spec] of Object.entries(doc.config)) {
      // Project config is either a plain value or a `{type, default, value, description}` declaration.
      let value: unknown = spec;
      if (isPlainObject(spec) && ("default" in spec || "value" in spec || "type" in spec)) {
        value = "value" in spec ? spec.value : spec.default;
      }
      if (value !== undefined && value !== null)
        configDefaults[qualify(key, name)] = configValueToString(value);
    }
  }
  const main =
    typeof doc.main === "string" && doc.main !== ""
      ? join(projectDir, doc.main)
      : join(projectDir, "index.ts");
  return { name, main, configDefaults };
}

/** Every stack that has a Pulumi.<stack>.yaml in the project dir, sorted. */
export function listStacks(projectDir: string): string[] {
  return readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function stackFilePath(projectDir: string, stack: string): string | undefined {
  for (const ext of ["yaml", "yml"]) {
    const p = join(projectDir, `Pulumi.${stack}.${ext}`);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Reads the config of one stack: project defaults, then the stack file (or `configFile` when given) over them.
 * Throws StackFileError("setup") for an unknown stack and StackFileError("config") for a malformed file.
 */
export function readStackFile(
  projectDir: string,
  stack: string,
  project: ProjectInfo,
  configFile?: string,
): StackFileConfig {
  const path = configFile ?? stackFilePath(projectDir, stack);
  if (path === undefined || !existsSync(path)) {
    const known = existsSync(projectDir) ? listStacks(projectDir) : [];
    throw new StackFileError(
      "setup",
      configFile
        ? `config file ${configFile} not found`
        : `unknown stack "${stack}": no Pulumi.${stack}.yaml in ${projectDir}` +
            (known.length ? ` (stacks: ${known.join(", ")})` : " (no stack files found)"),
    );
  }
  const doc = readYamlFile(path, "config");
  if (doc !== null && doc !== undefined && !isPlainObject(doc)) {
    throw new StackFileError("config", `${path}: expected a mapping with a \`config:\` key`);
  }
  const warnings: string[] = [];
  const config: Record<string, string> = { ...project.configDefaults };
  const secretKeys: string[] = [];
  const raw = doc?.config;
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
    throw new StackFileError("config", `${path}: \`config\` must be a mapping of keys to values`);
  }
  for (const [key, value] of Object.entries(raw ?? {})) {
    const fullKey = qualify(key, project.name);
    if (key.split(":").length > 2) {
      throw new StackFileError("config", `${path}: config key "${key}" is invalid: use <namespace>:<name>`);
    }
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
      config[fullKey] = SECRET_PLACEHOLDER;
      secretKeys.push(fullKey);
      warnings.push(`${fullKey} is an encrypted secret; the offline preview runs with a placeholder value`);
      continue;
    }
    if (value === null || value === undefined) {
      throw new StackFileError("config", `${path}: config key "${fullKey}" has no value`);
    }
    config[fullKey] = configValueToString(value);
  }
  if (doc?.environment !== undefined) {
    warnings.push(`${path} imports a Pulumi ESC environment, which the offline preview does not resolve`);
  }
  return { stack, config, secretKeys, warnings };
}
