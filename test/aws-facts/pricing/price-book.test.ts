import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { parseInstanceType } from "@ml-platform/aws-facts/instance-types";
import {
  bundledPriceRegions,
  getPriceBook,
  loadPriceBookFile,
  parsePriceBook,
  type PriceBook,
  type PriceEntry,
} from "@ml-platform/aws-facts/pricing";

const ROOT = resolve(__dirname, "../../..");

/** Every PriceEntry in the book with its path (tiers as `path.0`, `path.1`, …). */
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

/** The sourced figures that are not prices: spot savings, managed spot training savings. */
function fractions(book: PriceBook): [string, Omit<PriceEntry, "usd" | "unit">][] {
  const out: [string, Omit<PriceEntry, "usd" | "unit">][] = [];
  if (book.ec2.spotSavings) out.push(["ec2.spotSavings", book.ec2.spotSavings]);
  const spot = book.sagemaker.managedSpotTrainingMaxSavings;
  if (spot) out.push(["sagemaker.managedSpotTrainingMaxSavings", spot]);
  return out;
}

/** Hosts of public price sources: AWS pages and docs, the public Price List files, AWS's own repositories. */
const PUBLIC_SOURCE_HOSTS = ["aws.amazon.com", "docs.aws.amazon.com", "amazonaws.com", "github.com"];

/** The unit an entry's place in the file implies (instance tables bill hours; keys name their unit). */
function expectedUnit(path: string): string {
  if (/^(sagemaker\.(notebook|hosting|training)|ec2\.onDemandLinux)\./.test(path)) return "hour";
  const key = path
    .replace(/\.\d+$/, "")
    .split(".")
    .pop()!;
  const units: [RegExp, string][] = [
    [/GbMonth$/, "GB-month"],
    [/GbSecond$/, "GB-second"],
    [/IopsMonth(Tiers)?$/, "IOPS-month"],
    [/MibpsMonth$/, "MiB/s-month"],
    [/PerMillion$/, "1M requests"],
    [/^keyMonth$/, "key-month"],
    [/Gb$/, "GB"],
  ];
  const found = units.find(([pattern]) => pattern.test(key));
  assert.ok(found, `no unit rule for ${path}`);
  return found[1];
}

describe("pricing: price files", () => {
  const book = getPriceBook("us-east-1")!;

  it("ships us-east-1 and nothing it cannot price", () => {
    assert.deepEqual(bundledPriceRegions(), ["us-east-1"]);
    assert.equal(getPriceBook("eu-west-1"), undefined);
    assert.equal(book.hoursPerMonth, 730);
  });

  describe("invariants of the file (a price refresh changes data, not tests)", () => {
    const all = entries(book);

    it("gives every figure a source, an https url to re-check it, an as-of date no later than the file, and a confidence", () => {
      assert.ok(all.length > 0);
      const sourced = [...all, ...fractions(book)];
      for (const [path, entry] of sourced) {
        assert.ok(entry.source.trim().length > 10, `${path}: source`);
        assert.ok(entry.url, `${path}: url`);
        const url = new URL(entry.url);
        assert.equal(url.protocol, "https:", `${path}: url`);
        assert.ok(
          PUBLIC_SOURCE_HOSTS.some((h) => url.hostname === h || url.hostname.endsWith(`.${h}`)),
          `${path}: ${url.hostname}`,
        );
        assert.ok(
          entry.asOf.slice(0, 10) <= book.generatedAt,
          `${path}: asOf ${entry.asOf} after ${book.generatedAt}`,
        );
        assert.ok(entry.confidence === "aws" || entry.confidence === "secondary", `${path}: confidence`);
      }
    });

    it("holds positive, finite prices in the unit its place in the file implies", () => {
      for (const [path, entry] of all) {
        assert.ok(Number.isFinite(entry.usd) && entry.usd > 0, `${path}: ${entry.usd}`);
        assert.equal(entry.unit, expectedUnit(path), path);
      }
    });

    it("prices a larger size of a family above a smaller one, in every instance table", () => {
      const tables = {
        "sagemaker.notebook": book.sagemaker.notebook,
        "sagemaker.hosting": book.sagemaker.hosting,
        "sagemaker.training": book.sagemaker.training,
        "ec2.onDemandLinux": book.ec2.onDemandLinux,
      };
      let compared = 0;
      for (const [table, prices] of Object.entries(tables)) {
        const byClass = new Map<string, { rank: number; usd: number; type: string }[]>();
        for (const [type, entry] of Object.entries(prices)) {
          const parsed = parseInstanceType(type);
          assert.ok(parsed.ok, `${table}.${type} is an instance type`);
          const list = byClass.get(parsed.value.instanceClass) ?? [];
          list.push({ rank: parsed.value.sizeRank, usd: entry.usd, type });
          byClass.set(parsed.value.instanceClass, list);
        }
        for (const sizes of byClass.values()) {
          sizes.sort((x, y) => x.rank - y.rank);
          for (let i = 1; i < sizes.length; i++) {
            assert.ok(
              sizes[i]!.usd > sizes[i - 1]!.usd,
              `${table}: ${sizes[i]!.type} ≤ ${sizes[i - 1]!.type}`,
            );
            compared++;
          }
        }
      }
      assert.ok(compared > 0, "the file has families with several sizes");
    });

    it("prices SageMaker hosting and training of a type at or above EC2 on-demand of the same type", () => {
      let compared = 0;
      for (const table of [book.sagemaker.hosting, book.sagemaker.training, book.sagemaker.notebook]) {
        for (const [type, entry] of Object.entries(table)) {
          const ec2 = book.ec2.onDemandLinux[type.replace(/^ml\./, "")];
          if (!ec2) continue;
          assert.ok(entry.usd >= ec2.usd, `${type}: SageMaker ${entry.usd} < EC2 ${ec2.usd}`);
          compared++;
        }
      }
      assert.ok(compared > 0);
    });

    it("orders EBS storage by class (sc1 < st1 < gp3 < gp2 < io1, io2) and io2 IOPS tiers by falling rate", () => {
      const gb = (key: keyof PriceBook["ebs"]) => (book.ebs[key] as PriceEntry).usd;
      assert.ok(gb("sc1GbMonth") < gb("st1GbMonth"));
      assert.ok(gb("st1GbMonth") < gb("gp3GbMonth"));
      assert.ok(gb("gp3GbMonth") < gb("gp2GbMonth"));
      assert.ok(gb("gp2GbMonth") < gb("io1GbMonth"));
      assert.ok(gb("gp2GbMonth") < gb("io2GbMonth"));
      const tiers = book.ebs.io2IopsMonthTiers!;
      for (let i = 1; i < tiers.length; i++) assert.ok(tiers[i]!.usd < tiers[i - 1]!.usd, `io2 tier ${i}`);
      assert.ok(book.ebs.gp3IopsMonth!.usd < book.ebs.io1IopsMonth!.usd, "gp3 IOPS are cheaper than io1's");
    });

    it("keeps Lambda's rate relations: arm64 below x86_64, provisioned duration below on-demand duration", () => {
      const x86 = book.lambda.x86_64;
      assert.ok(book.lambda.arm64.durationGbSecond!.usd < x86.durationGbSecond!.usd);
      assert.ok(x86.provisionedDurationGbSecond!.usd < x86.durationGbSecond!.usd);
      assert.ok(x86.provisionedConcurrencyGbSecond!.usd < x86.durationGbSecond!.usd);
    });

    it("gives a spot range within (0, 1) and leaves types it calls unpriced out of every table", () => {
      const spot = book.ec2.spotSavings!;
      assert.ok(0 < spot.min && spot.min <= spot.max && spot.max < 1);
      for (const [type, reason] of Object.entries(book.sagemaker.unpriced ?? {})) {
        assert.ok(reason.trim().length > 0, type);
        for (const table of [book.sagemaker.notebook, book.sagemaker.hosting, book.sagemaker.training]) {
          assert.equal(table[type], undefined, `${type} is unpriced but has a price`);
        }
      }
    });
  });

  it("rejects an http url, and io2 tiers out of order or without an open-ended last tier", () => {
    const httpUrl = structuredClone(book) as unknown as { kms: { keyMonth: Record<string, unknown> } };
    httpUrl.kms.keyMonth.url = "http://aws.amazon.com/kms/pricing/";
    assert.throws(() => parsePriceBook(httpUrl, "x.json"), /kms\.keyMonth\.url: url must be an https/);
    const unordered = structuredClone(book);
    const tiers = unordered.ebs.io2IopsMonthTiers!;
    tiers[1] = { ...tiers[1]!, upTo: tiers[0]!.upTo };
    assert.throws(
      () => parsePriceBook(unordered, "x.json"),
      /ebs\.io2IopsMonthTiers\.1\.upTo: upTo must increase/,
    );
    const closed = structuredClone(book);
    closed.ebs.io2IopsMonthTiers = closed.ebs.io2IopsMonthTiers!.slice(0, 2);
    assert.throws(
      () => parsePriceBook(closed, "x.json"),
      /io2IopsMonthTiers\.1\.upTo: the last tier must have no upTo/,
    );
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
