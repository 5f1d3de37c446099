import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import {
  bundledPriceRegions,
  getPriceBook,
  loadPriceBookFile,
  parsePriceBook,
  type PriceBook,
  type PriceEntry,
} from "@ml-platform/aws-facts/pricing";

const ROOT = resolve(__dirname, "../../..");

/** Every PriceEntry in the book with its path. */
function entries(book: PriceBook): [string, PriceEntry][] {
  const out: [string, PriceEntry][] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    if (typeof record.usd === "number") {
      out.push([path, record as unknown as PriceEntry]);
      return;
    }
    for (const [key, inner] of Object.entries(record)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(book, "");
  return out;
}

describe("pricing: price files", () => {
  const book = getPriceBook("us-east-1")!;

  it("ships us-east-1 and nothing it cannot price", () => {
    assert.deepEqual(bundledPriceRegions(), ["us-east-1"]);
    assert.equal(getPriceBook("eu-west-1"), undefined);
    assert.equal(book.hoursPerMonth, 730);
  });

  it("gives every figure a source, an as-of date and a confidence", () => {
    const all = entries(book);
    assert.ok(all.length >= 50, `only ${all.length} entries`);
    for (const [path, entry] of all) {
      assert.ok(entry.source.length > 10, `${path}: source`);
      assert.match(entry.asOf, /^\d{4}/, `${path}: asOf`);
      assert.ok(entry.confidence === "aws" || entry.confidence === "secondary", `${path}: confidence`);
    }
  });

  it("holds the recorded figures with their confidence tiers", () => {
    const cases: [PriceEntry | undefined, number, string][] = [
      [book.sagemaker.notebook["ml.t3.medium"], 0.05, "secondary"],
      [book.sagemaker.hosting["ml.m5.large"], 0.115, "secondary"],
      [book.sagemaker.hosting["ml.g5.xlarge"], 1.4084, "secondary"],
      [book.sagemaker.training["ml.p3.2xlarge"], 3.825, "secondary"],
      [book.ec2.onDemandLinux["m5.large"], 0.096, "aws"],
      [book.ec2.onDemandLinux["p4d.24xlarge"], 21.957642, "aws"],
      [book.lambda.x86_64.provisionedConcurrencyGbSecond, 0.0000041667, "aws"],
      [book.lambda.x86_64.provisionedDurationGbSecond, 0.0000097222, "aws"],
      [book.lambda.x86_64.durationGbSecond, 0.0000166667, "aws"],
      [book.lambda.x86_64.requestsPerMillion, 0.2, "aws"],
      [book.lambda.arm64.durationGbSecond, 0.0000133334, "aws"],
      [book.ebs.gp3GbMonth, 0.08, "secondary"],
      [book.sagemaker.mlStorageGbMonth, 0.14, "secondary"],
      [book.kms.keyMonth, 1, "aws"],
      [book.s3.standardGbMonth, 0.023, "secondary"],
      [book.cloudwatch.logsIngestionGb, 0.5, "secondary"],
      [book.sagemaker.serverless?.inferenceGbSecond, 0.00002, "secondary"],
    ];
    for (const [entry, usd, confidence] of cases) {
      assert.ok(entry, `missing entry for ${usd}`);
      assert.equal(entry.usd, usd);
      assert.equal(entry.confidence, confidence);
    }
    assert.deepEqual([book.ec2.spotSavings?.min, book.ec2.spotSavings?.max], [0.49, 0.66]);
  });

  it("holds exactly the figures listed here with their confidence, and no other", () => {
    // The whole file, figure by figure: a price added or changed without updating this list fails.
    const reference: Record<string, [number, "aws" | "secondary"]> = {
      "sagemaker.notebook.ml.t3.medium": [0.05, "secondary"],
      "sagemaker.notebook.ml.t3.large": [0.1, "secondary"],
      "sagemaker.notebook.ml.t3.xlarge": [0.2, "secondary"],
      "sagemaker.notebook.ml.t3.2xlarge": [0.399, "secondary"],
      "sagemaker.notebook.ml.m5.xlarge": [0.23, "secondary"],
      "sagemaker.notebook.ml.m5.2xlarge": [0.461, "secondary"],
      "sagemaker.notebook.ml.m5.4xlarge": [0.922, "secondary"],
      "sagemaker.notebook.ml.c5.xlarge": [0.204, "secondary"],
      "sagemaker.notebook.ml.g4dn.xlarge": [0.736, "secondary"],
      "sagemaker.notebook.ml.p3.2xlarge": [3.825, "secondary"],
      "sagemaker.hosting.ml.t2.medium": [0.056, "secondary"],
      "sagemaker.hosting.ml.m5.large": [0.115, "secondary"],
      "sagemaker.hosting.ml.m5.xlarge": [0.23, "secondary"],
      "sagemaker.hosting.ml.m5.2xlarge": [0.461, "secondary"],
      "sagemaker.hosting.ml.m5.4xlarge": [0.922, "secondary"],
      "sagemaker.hosting.ml.c5.large": [0.102, "secondary"],
      "sagemaker.hosting.ml.c5.xlarge": [0.204, "secondary"],
      "sagemaker.hosting.ml.c5.2xlarge": [0.408, "secondary"],
      "sagemaker.hosting.ml.c6i.large": [0.102, "secondary"],
      "sagemaker.hosting.ml.c6i.xlarge": [0.204, "secondary"],
      "sagemaker.hosting.ml.g4dn.xlarge": [0.7364, "secondary"],
      "sagemaker.hosting.ml.g5.xlarge": [1.4084, "secondary"],
      "sagemaker.hosting.ml.g5.2xlarge": [1.515, "secondary"],
      "sagemaker.hosting.ml.inf2.xlarge": [0.99, "secondary"],
      "sagemaker.hosting.ml.p3.2xlarge": [3.825, "secondary"],
      "sagemaker.hosting.ml.p4d.24xlarge": [37.688, "secondary"],
      "sagemaker.training.ml.m5.xlarge": [0.23, "secondary"],
      "sagemaker.training.ml.m5.2xlarge": [0.461, "secondary"],
      "sagemaker.training.ml.c5.2xlarge": [0.408, "secondary"],
      "sagemaker.training.ml.g4dn.xlarge": [0.736, "secondary"],
      "sagemaker.training.ml.p3.2xlarge": [3.825, "secondary"],
      "sagemaker.mlStorageGbMonth": [0.14, "secondary"],
      "sagemaker.serverless.inferenceGbSecond": [0.00002, "secondary"],
      "sagemaker.serverless.dataProcessedGb": [0.016, "secondary"],
      "ec2.onDemandLinux.t3.medium": [0.0416, "aws"],
      "ec2.onDemandLinux.t3.large": [0.0832, "aws"],
      "ec2.onDemandLinux.t3.xlarge": [0.1664, "aws"],
      "ec2.onDemandLinux.m5.large": [0.096, "aws"],
      "ec2.onDemandLinux.m5.xlarge": [0.192, "aws"],
      "ec2.onDemandLinux.m5.2xlarge": [0.384, "aws"],
      "ec2.onDemandLinux.c5.xlarge": [0.17, "aws"],
      "ec2.onDemandLinux.g4dn.xlarge": [0.526, "aws"],
      "ec2.onDemandLinux.g5.xlarge": [1.006, "aws"],
      "ec2.onDemandLinux.p3.2xlarge": [3.06, "aws"],
      "ec2.onDemandLinux.p4d.24xlarge": [21.957642, "aws"],
      "ec2.onDemandLinux.inf2.xlarge": [0.7582, "aws"],
      "ebs.gp3GbMonth": [0.08, "secondary"],
      "lambda.x86_64.requestsPerMillion": [0.2, "aws"],
      "lambda.x86_64.durationGbSecond": [0.0000166667, "aws"],
      "lambda.x86_64.provisionedConcurrencyGbSecond": [0.0000041667, "aws"],
      "lambda.x86_64.provisionedDurationGbSecond": [0.0000097222, "aws"],
      "lambda.arm64.durationGbSecond": [0.0000133334, "aws"],
      "kms.keyMonth": [1, "aws"],
      "s3.standardGbMonth": [0.023, "secondary"],
      "cloudwatch.logsIngestionGb": [0.5, "secondary"],
    };
    const actual = Object.fromEntries(entries(book).map(([path, e]) => [path, [e.usd, e.confidence]]));
    assert.deepEqual(actual, reference);
  });

  it("flags the figures the sources call uncertain or stale, and leaves out the one without a credible figure", () => {
    for (const type of ["ml.t3.large", "ml.t3.xlarge", "ml.t3.2xlarge"]) {
      assert.match(book.sagemaker.notebook[type]!.note ?? "", /uncertain/, type);
    }
    for (const type of ["ml.m5.4xlarge", "ml.c6i.large", "ml.c6i.xlarge", "ml.inf2.xlarge"]) {
      assert.match(book.sagemaker.hosting[type]!.note ?? "", /uncertain/, type);
    }
    assert.match(book.sagemaker.hosting["ml.p4d.24xlarge"]!.note ?? "", /stale/);
    assert.match(book.sagemaker.training["ml.m5.2xlarge"]!.note ?? "", /uncertain/);
    assert.equal(book.sagemaker.hosting["ml.m4.xlarge"], undefined);
    assert.match(book.sagemaker.unpriced?.["ml.m4.xlarge"] ?? "", /another region/);
    // The ~1.167× too-high "us-east-1" figures from another region must not appear.
    assert.notEqual(book.sagemaker.hosting["ml.m5.xlarge"]!.usd, 0.269);
    assert.notEqual(book.sagemaker.hosting["ml.t2.medium"]!.usd, 0.065);
  });

  it("rejects a malformed price file naming the field", () => {
    const broken = structuredClone(book) as unknown as { sagemaker: { hosting: Record<string, unknown> } };
    broken.sagemaker.hosting["ml.m5.large"] = {
      usd: -1,
      unit: "hour",
      source: "x",
      asOf: "2026",
      confidence: "aws",
    };
    assert.throws(() => parsePriceBook(broken, "broken.json"), /sagemaker\.hosting\.ml\.m5\.large\.usd/);
    const noSource = structuredClone(book) as unknown as { kms: { keyMonth: Record<string, unknown> } };
    delete noSource.kms.keyMonth.source;
    assert.throws(() => parsePriceBook(noSource, "x.json"), /kms\.keyMonth\.source/);
  });

  it("reads an explicit price file and reports unreadable ones clearly", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlp-prices-"));
    try {
      const file = join(dir, "prices.json");
      writeFileSync(file, JSON.stringify(book));
      assert.deepEqual(loadPriceBookFile(file), book);
      writeFileSync(file, "{ not json");
      assert.throws(() => loadPriceBookFile(file), /is not valid JSON/);
      assert.throws(() => loadPriceBookFile(join(dir, "missing.json")), /cannot read price file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("loaded relative to the module, never the working directory", () => {
    const script = (modulePath: string) =>
      `const p = require(${JSON.stringify(modulePath)});` +
      `const e = p.estimateStackCost([{ type: "aws:kms/key:Key", name: "k", urn: "urn:pulumi:s::p::aws:kms/key:Key::k", inputs: {} }], { region: "us-east-1" });` +
      `process.stdout.write(JSON.stringify({ total: e.totals.monthlyMax, regions: p.bundledPriceRegions() }));`;

    it("works from TypeScript source under ts-node with another cwd", function () {
      this.timeout(60_000);
      const out = execFileSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-e", script(join(ROOT, "aws-facts/pricing"))],
        {
          cwd: tmpdir(),
          env: {
            ...process.env,
            TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
            NODE_PATH: join(ROOT, "node_modules"),
          },
        },
      ).toString();
      assert.deepEqual(JSON.parse(out), { total: 1, regions: ["us-east-1"] });
    });

    it("works when bundled by esbuild the way the policy pack is (JSON inlined, packages external)", async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(join(tmpdir(), "mlp-pricing-bundle-"));
      try {
        const outfile = join(dir, "bin", "index.js");
        await build({
          entryPoints: [join(ROOT, "aws-facts/pricing/index.ts")],
          outfile,
          bundle: true,
          packages: "external",
          platform: "node",
          format: "cjs",
          target: "node20",
          logLevel: "silent",
        });
        // Run from a directory with no price file anywhere near: only the inlined copy can answer.
        const out = execFileSync(process.execPath, ["-e", script(outfile)], {
          cwd: dir,
          env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") },
        }).toString();
        assert.deepEqual(JSON.parse(out), { total: 1, regions: ["us-east-1"] });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
