/**
 * The reference part of components/README.md (the package's registry page), rendered from the package schema: per
 * component its description, an argument table (type, required, whether it takes another resource's output,
 * description with the default) and an output table; then the enums and object types. The args' JSDoc cites each
 * default as `` `<COMPONENT>_DEFAULTS.<path>` ``; here the citation becomes the value itself, read from the exported
 * DEFAULTS objects, so the page states every default and never drifts from the code.
 */
import {
  INFERENCE_FUNCTION_DEFAULTS,
  NOTEBOOK_INSTANCE_DEFAULTS,
  PROJECT_BUCKET_DEFAULTS,
  SCALABLE_ENDPOINT_DEFAULTS,
  TRAINING_HOST_DEFAULTS,
} from "@ml-platform/components";

export const REFERENCE_START = "<!-- generated:reference (npm run schema:components) -->";
export const REFERENCE_END = "<!-- /generated:reference -->";

const DEFAULTS: Record<string, unknown> = {
  INFERENCE_FUNCTION_DEFAULTS,
  NOTEBOOK_INSTANCE_DEFAULTS,
  PROJECT_BUCKET_DEFAULTS,
  SCALABLE_ENDPOINT_DEFAULTS,
  TRAINING_HOST_DEFAULTS,
};

interface Property {
  type?: string;
  $ref?: string;
  items?: Property;
  additionalProperties?: Property;
  plain?: boolean;
  description?: string;
}
interface Resource {
  description?: string;
  inputProperties: Record<string, Property>;
  requiredInputs: string[];
  properties: Record<string, Property>;
}
interface TypeDefinition {
  type: string;
  description?: string;
  enum?: { name: string; value: string; description?: string }[];
  properties?: Record<string, Property>;
}
export interface PackageSchema {
  name: string;
  resources: Record<string, Resource>;
  types: Record<string, TypeDefinition>;
}

/** The value a `` `X_DEFAULTS.a.b` `` citation stands for, or undefined when it names no default. */
function defaultValue(citation: string): unknown {
  const [root, ...path] = citation.split(".");
  let value: unknown = DEFAULTS[root!];
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** Description text for a table cell: defaults resolved, one line, pipes escaped. */
function cell(text: string | undefined): string {
  const resolved = (text ?? "").replace(
    /`([A-Z_]+_DEFAULTS(?:\.[A-Za-z0-9]+)*)`/g,
    (match, citation: string) => {
      const value = defaultValue(citation);
      return value === undefined ? match : `\`${JSON.stringify(value)}\``;
    },
  );
  return resolved.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function typeName(p: Property, packageName: string): string {
  const local = `#/types/${packageName}:index:`;
  if (p.$ref?.startsWith(local)) return p.$ref.slice(local.length);
  if (p.$ref?.includes("#/resources/"))
    return `aws resource \`${decodeURIComponent(p.$ref.split("#/resources/")[1]!)}\``;
  if (p.type === "array") return `${typeName(p.items!, packageName)}[]`;
  if (p.type === "object" && p.additionalProperties)
    return `map of ${typeName(p.additionalProperties, packageName)}`;
  return p.type ?? "any";
}

function componentSection(token: string, resource: Resource, packageName: string): string {
  const name = token.split(":")[2]!;
  const lines = [
    `### ${name}`,
    "",
    `\`${token}\``,
    "",
    (resource.description ?? "").trim(),
    "",
    "Arguments:",
    "",
  ];
  lines.push(
    "| argument | type | required | takes an output | description |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const [arg, p] of Object.entries(resource.inputProperties)) {
    const required = resource.requiredInputs.includes(arg) ? "yes" : "";
    lines.push(
      `| \`${arg}\` | ${typeName(p, packageName)} | ${required} | ${p.plain ? "" : "yes"} | ${cell(p.description)} |`,
    );
  }
  lines.push("", "Outputs:", "", "| output | type | description |", "| --- | --- | --- |");
  for (const [out, p] of Object.entries(resource.properties)) {
    lines.push(`| \`${out}\` | ${typeName(p, packageName)} | ${cell(p.description)} |`);
  }
  return lines.join("\n");
}

function typeSection(token: string, type: TypeDefinition, packageName: string): string {
  const name = token.split(":")[2]!;
  const lines = [`### ${name}`, "", cell(type.description), ""];
  if (type.enum) {
    lines.push("| member | value | description |", "| --- | --- | --- |");
    for (const m of type.enum) lines.push(`| \`${m.name}\` | \`${m.value}\` | ${cell(m.description)} |`);
  } else {
    lines.push("| field | type | description |", "| --- | --- | --- |");
    for (const [field, p] of Object.entries(type.properties ?? {})) {
      lines.push(`| \`${field}\` | ${typeName(p, packageName)} | ${cell(p.description)} |`);
    }
  }
  return lines.join("\n");
}

/** The generated reference, markers included. */
export function renderReference(schema: PackageSchema): string {
  const components = Object.keys(schema.resources).sort();
  const types = Object.keys(schema.types).sort();
  return [
    REFERENCE_START,
    "",
    "## Components",
    "",
    ...components.map((t) => componentSection(t, schema.resources[t]!, schema.name) + "\n"),
    "## Enums and object types",
    "",
    ...types.map((t) => typeSection(t, schema.types[t]!, schema.name) + "\n"),
    REFERENCE_END,
  ].join("\n");
}

/** `readme` with its generated reference replaced by the one for `schema`. */
export function withReference(readme: string, schema: PackageSchema): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start)
    throw new Error(`README lacks the ${REFERENCE_START} … ${REFERENCE_END} markers`);
  return readme.slice(0, start) + renderReference(schema) + readme.slice(end + REFERENCE_END.length);
}
