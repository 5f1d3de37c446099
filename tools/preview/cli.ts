/**
 * `npm run preview [-- options]`: the offline preview of every stack (or the ones given with --stack).
 * See `--help`, and docs/preview.md.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PreviewUsageError, runPreview, type PreviewOptions } from "./preview";
import { CHANGE_PREVIEW_FLAGS, changePreviewOptions } from "./diff/cli-options";

const USAGE = `Usage: npm run preview -- [options]

The offline preview: runs index.ts for each stack under Pulumi's mock runtime, checks the resources with the
policy pack exactly as \`pulumi preview --policy-pack policy\` would, and estimates the monthly cost. No Pulumi CLI,
backend or AWS credentials needed.

Options:
  -s, --stack <name>        Preview this stack (repeatable). Default: every Pulumi.<stack>.yaml in the project.
      --json                Print one JSON document (schema: tools/preview/preview-output.schema.json).
  -o, --output <file>       Write the output to <file> instead of stdout (npm prints its own banner on stdout;
                            \`npm run -s preview -- --json\` also avoids it).
      --project-dir <dir>   Directory holding Pulumi.yaml and the stack files. Default: the repository root.
      --program <file>      Program entry point. Default: \`main\` in Pulumi.yaml, else <project-dir>/index.ts.
      --config-file <file>  Stack config file to use instead of Pulumi.<stack>.yaml (one stack).
      --policy-pack <dir>   Policy pack directory. Default: policy/.
      --policy-config <f>   Policy config JSON instead of policy/config/<stack>.json (one stack).
      --fixtures <file>     Data-source answers. Default: tools/preview/fixtures.yaml.
      --no-policy           Skip the policy pack (plan, cost and capacity only).
      --chart <dir>         Write one SVG capacity chart per stack and profile into <dir>.
      --color / --no-color  Force colour on or off. Default: colour when stdout is a terminal.

Change preview (what this working tree does to a stack deployed from a base; docs/preview.md):
      --base <git-ref>      Preview the base commit in a temporary git worktree and compare.
      --base-dir <dir>      Compare with the checkout in <dir> (previewed with its own tools).
      --base-json <file>    Compare with a saved \`--json\` output of an earlier preview.
      --format <f>          text (default), json (same as --json) or markdown (a pull-request comment).
      --show-same           Also list unchanged resources.
      --markdown-file <f>   Also write the markdown report to <f>.
  -h, --help                Show this help.

Exit codes:
  0  no mandatory policy violation
  1  at least one mandatory policy violation (on the new side, for a change preview)
  2  usage or setup error: unknown stack, invalid config, program error, policy pack failed to load (on either
     side, for a change preview)
`;

function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once("drain", () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", short: "s", multiple: true },
        json: { type: "boolean", default: false },
        output: { type: "string", short: "o" },
        "project-dir": { type: "string" },
        program: { type: "string" },
        "config-file": { type: "string" },
        "policy-pack": { type: "string" },
        "policy-config": { type: "string" },
        fixtures: { type: "string" },
        "no-policy": { type: "boolean", default: false },
        chart: { type: "string" },
        color: { type: "boolean" },
        "no-color": { type: "boolean" },
        help: { type: "boolean", short: "h", default: false },
        ...CHANGE_PREVIEW_FLAGS,
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    await writeOut(USAGE);
    return 0;
  }
  const options: PreviewOptions = {
    ...(v.stack ? { stacks: v.stack } : {}),
    ...(v["project-dir"] ? { projectDir: v["project-dir"] } : {}),
    ...(v.program ? { programPath: v.program } : {}),
    ...(v["config-file"] ? { configFile: v["config-file"] } : {}),
    ...(v["policy-pack"] ? { policyPackDir: v["policy-pack"] } : {}),
    ...(v["policy-config"] ? { policyConfigFile: v["policy-config"] } : {}),
    ...(v.fixtures ? { fixturesPath: v.fixtures } : {}),
    ...(v["no-policy"] ? { skipPolicy: true } : {}),
  };
  const emit = async (text: string) => {
    if (v.output) writeFileSync(v.output, text);
    else await writeOut(text);
  };
  let report;
  try {
    const change = changePreviewOptions(v);
    if (change) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runChangePreview }: typeof import("./diff/change-preview") = require("./diff/change-preview");
      const result = await runChangePreview(change, options);
      await emit(result.text);
      return result.exitCode;
    }
    report = await runPreview(options);
  } catch (err) {
    if (err instanceof PreviewUsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (v.chart) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { writeCapacityCharts }: typeof import("../capacity/chart") = require("../capacity/chart");
    for (const file of writeCapacityCharts(v.chart, report.stacks))
      process.stderr.write(`wrote ${file}
`);
  }
  if (v.json) {
    await emit(JSON.stringify(report, null, 2) + "\n");
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderText }: typeof import("./render-text") = require("./render-text");
    const color = v["no-color"]
      ? false
      : (v.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR));
    const width = v.output ? 110 : Math.max(80, Math.min(process.stdout.columns ?? 110, 140));
    await emit(renderText(report, { color: v.output ? v.color === true : color, width }));
  }
  return report.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: the preview crashed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(2);
  },
);
