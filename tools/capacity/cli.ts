/**
 * `npm run capacity -- --stack <name> [--profile <file.json>] [--json] [--chart <dir>]`: the capacity check alone.
 * Runs the program for each stack under the mock runtime (as the offline preview does), reads the endpoint's
 * scaling and the function's concurrency from the captured resources, and replays the traffic profiles.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseProfile, type TrafficProfile } from "@ml-platform/aws-facts/capacity";
import { REPO_ROOT, runProgram } from "../lib/program-runner";
import { writeCapacityCharts } from "./chart";
import { readCapacitySettings, simulateCapacity, withProfile, type CapacitySection } from "./report";
import { renderCapacity } from "./render-text";

const USAGE = `Usage: npm run capacity -- --stack <name> [options]

Replays traffic profiles against a stack's real scaling and concurrency settings (read from the resources the
program declares, under Pulumi's mock runtime) and reports what users would see: requests served, dropped at the
endpoint and throttled at the function, when scaling reacts, instance-hours and cost.

Options:
  -s, --stack <name>        Stack to check (repeatable). Required.
  -p, --profile <file>      A traffic profile (JSON) to replay instead of the policy config's profiles:
                            { "name": "...", "durationMinutes": 120, "baselineRps": 1,
                              "steps": [{ "atMinute": 10, "rps": 5, "rampMinutes": 2 }] }
      --json                Print JSON: per stack and endpoint, assumptions and profiles with the full timeline.
      --chart <dir>         Write one SVG chart per stack and profile into <dir>.
      --policy-config <f>   Policy config JSON instead of policy/config/<stack>.json (one stack).
      --project-dir <dir>   Directory holding Pulumi.yaml and the stack files. Default: the repository root.
  -h, --help                Show this help.

Profiles, limits and assumptions come from "endpoint-capacity" in policy/config/<stack>.json (see docs/capacity.md).
Exit codes: 0 every checked profile is absorbed (or the policy is advisory); 1 a profile is not absorbed where the
policy is mandatory; 2 usage or setup error.
`;

export interface CapacityJson {
  readonly schemaVersion: 1;
  readonly stacks: readonly Record<string, unknown>[];
}

/** Flattens a section into one JSON entry per stack and endpoint: `{ stack, endpoint, assumptions, profiles, … }`. */
export function capacityJsonEntries(stack: string, section: CapacitySection): Record<string, unknown>[] {
  if (section.status !== "ok") return [{ stack, ...section }];
  const common = {
    stack,
    enforcementLevel: section.enforcementLevel,
    limits: section.limits,
    checkedProfiles: section.checkedProfiles,
  };
  return [
    ...section.endpoints.map((e) => ({ ...common, ...e })),
    ...section.skipped.map((s) => ({ ...common, endpoint: s.name, urn: s.urn, skipped: s.problem })),
  ];
}

/** Writes to stdout and waits until it is flushed (process.exit would cut a large JSON document short on a pipe). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once("drain", () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", short: "s", multiple: true },
        profile: { type: "string", short: "p" },
        json: { type: "boolean", default: false },
        chart: { type: "string" },
        "policy-config": { type: "string" },
        "project-dir": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stacks = v.stack ?? [];
  if (stacks.length === 0) {
    process.stderr.write(`error: --stack <name> is required\n\n${USAGE}`);
    return 2;
  }
  if (stacks.length > 1 && v["policy-config"]) {
    process.stderr.write("error: --policy-config applies to one stack\n");
    return 2;
  }
  let profile: TrafficProfile | undefined;
  if (v.profile) {
    try {
      profile = parseProfile(JSON.parse(readFileSync(v.profile, "utf8")), v.profile);
    } catch (error) {
      process.stderr.write(`error: ${v.profile}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const projectDir = resolve(v["project-dir"] ?? REPO_ROOT);
  const runs = await Promise.all(stacks.map((stack) => runProgram({ stack, projectDir })));
  const sections: [string, CapacitySection][] = [];
  let exit = 0;
  for (const [i, stack] of stacks.entries()) {
    const result = runs[i];
    if (!result.ok) {
      process.stderr.write(`error: stack ${stack}: ${result.kind} error: ${result.message}\n`);
      exit = 2;
      continue;
    }
    let settings;
    try {
      settings = readCapacitySettings(
        v["policy-config"] ?? join(projectDir, "policy", "config", `${stack}.json`),
      );
      if (profile) settings = withProfile(settings, profile);
    } catch (error) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return 2;
    }
    const section = simulateCapacity(
      result.stack.resources,
      settings,
      result.config["aws:region"] || "us-east-1",
    );
    sections.push([stack, section]);
    if (section.status === "error") exit = 2;
    if (
      section.status === "ok" &&
      section.enforcementLevel === "mandatory" &&
      (section.endpoints.some((e) => e.shortfalls.length > 0) || section.skipped.length > 0)
    )
      exit = Math.max(exit, 1);
  }
  if (v.chart) {
    const files = writeCapacityCharts(
      v.chart,
      sections.map(([stack, capacity]) => ({ stack, capacity })),
    );
    if (!v.json) for (const file of files) process.stderr.write(`wrote ${file}\n`);
  }
  if (v.json) {
    const doc: CapacityJson = {
      schemaVersion: 1,
      stacks: sections.flatMap(([s, c]) => capacityJsonEntries(s, c)),
    };
    await writeOut(JSON.stringify(doc, null, 2) + "\n");
  } else {
    for (const [stack, section] of sections)
      await writeOut(`━━ Stack ${stack} ━━\n${renderCapacity(section)}\n\n`);
  }
  return exit;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: the capacity check crashed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(2);
  },
);
