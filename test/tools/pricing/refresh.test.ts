import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PricingClient } from "@aws-sdk/client-pricing";
import {
  estimateStackCost,
  getPriceBook,
  loadPriceBookFile,
  type PriceBook,
} from "@ml-platform/aws-facts/pricing";
import { firstTier, parsePriceListItem } from "../../../tools/pricing/price-list";
import { main, refreshPriceBook } from "../../../tools/pricing/refresh";
import { functionStack } from "../../aws-facts/pricing/graph-builder";

const FIXTURES = join(__dirname, "../../fixtures/pricing");

interface RecordedRequest {
  ServiceCode: string;
  Filters: { Type: string; Field: string; Value: string }[];
  NextToken?: string;
}
interface Recording {
  request: RecordedRequest;
  response: string;
}

const recordings: Recording[] = JSON.parse(readFileSync(join(FIXTURES, "recordings.json"), "utf8"));
const base: PriceBook = loadPriceBookFile(join(FIXTURES, "base-us-east-1.json"));

/** The NextToken of the request that a recorded page answers. */
const tokenOf = (file: string) => recordings.find((r) => r.response === file)!.request.NextToken;

const filterKey = (filters: RecordedRequest["Filters"] = []) =>
  JSON.stringify(filters.map((f) => `${f.Type}|${f.Field}|${f.Value}`).sort());

interface Seen {
  headers: IncomingHttpHeaders;
  body: RecordedRequest & { MaxResults?: number; FormatVersion?: string };
}

/**
 * A local Price List endpoint speaking AWS JSON 1.1: it answers GetProducts requests that match a recording with
 * the recorded body, and anything else with the API's InvalidParameterException.
 */
class RecordedPriceListServer {
  readonly seen: Seen[] = [];
  private server?: Server;
  endpoint = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const fail = (status: number, type: string, message: string) => {
          res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "test" });
          res.end(JSON.stringify({ __type: type, Message: message }));
        };
        if (req.method !== "POST" || req.headers["x-amz-target"] !== "AWSPriceListService.GetProducts") {
          return fail(
            400,
            "UnknownOperationException",
            `unexpected ${req.method} ${String(req.headers["x-amz-target"])}`,
          );
        }
        let body: Seen["body"];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return fail(400, "SerializationException", "body is not JSON");
        }
        this.seen.push({ headers: req.headers, body });
        const match = recordings.find(
          (r) =>
            r.request.ServiceCode === body.ServiceCode &&
            (r.request.NextToken ?? null) === (body.NextToken ?? null) &&
            filterKey(r.request.Filters) === filterKey(body.Filters),
        );
        if (!match) {
          return fail(
            400,
            "InvalidParameterException",
            `no recording for ${body.ServiceCode} ${filterKey(body.Filters)}`,
          );
        }
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "test" });
        res.end(readFileSync(join(FIXTURES, match.response)));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())));
  }
}

const clientFor = (endpoint: string) =>
  new PricingClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDTESTTESTTESTTEST", secretAccessKey: "test-secret" },
    maxAttempts: 1,
  });

describe("pricing: refresh from the Price List API", () => {
  const server = new RecordedPriceListServer();
  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => server.seen.splice(0));

  describe("against recorded GetProducts pages, through the real SDK", () => {
    let result: Awaited<ReturnType<typeof refreshPriceBook>>;
    before(async () => {
      const client = clientFor(server.endpoint);
      try {
        result = await refreshPriceBook({ region: "us-east-1", client, base, date: "2026-11-21" });
      } finally {
        client.destroy();
      }
    });

    it("speaks AWS JSON 1.1 with SigV4-signed GetProducts calls, one per recorded page", () => {
      assert.equal(result.requests, recordings.length);
    });

    it("follows NextToken through every page", () => {
      const book = result.book;
      // t3.medium and m5.large are on page 1, g4dn.xlarge on page 2, inf2.xlarge on page 3.
      for (const type of ["t3.medium", "m5.large", "g4dn.xlarge", "inf2.xlarge"]) {
        assert.equal(book.ec2.onDemandLinux[type]!.confidence, "aws", type);
      }
      assert.equal(book.lambda.x86_64.provisionedConcurrencyGbSecond!.usd, 0.0000041667); // Lambda page 2
    });

    it("parses PriceList JSON strings into the file format with source, effective date and confidence aws", () => {
      const m5 = result.book.ec2.onDemandLinux["m5.large"]!;
      assert.equal(m5.usd, 0.096); // the base file's outdated 0.1 is replaced; the Reserved 0.06 is ignored
      assert.equal(m5.unit, "hour");
      assert.equal(m5.confidence, "aws");
      assert.equal(m5.asOf, "2026-07-01");
      assert.match(
        m5.source,
        /^AWS Price List API \(GetProducts AmazonEC2, usage type BoxUsage:m5\.large, SKU [A-Z0-9]{16}\)$/,
      );
      const host = result.book.sagemaker.hosting["ml.m5.large"]!;
      assert.equal(host.usd, 0.115);
      assert.match(host.source, /usage type USE1-Host:ml\.m5\.large/);
      assert.equal(result.book.sagemaker.notebook["ml.t3.medium"]!.usd, 0.05);
      assert.equal(result.book.sagemaker.training["ml.m5.xlarge"]!.usd, 0.23);
      assert.equal(result.book.generatedAt, "2026-11-21");
      assert.match(result.book.generatedBy, /^AWS Price List API via npm run pricing:refresh/);
    });

    it("takes the first tier, converts per-request prices to per million, and skips other products", () => {
      const { lambda, s3, cloudwatch, kms, ebs } = result.book;
      assert.equal(lambda.x86_64.durationGbSecond!.usd, 0.0000166667); // tier 1, not 0.0000133334 (tier 3)
      assert.equal(lambda.x86_64.requestsPerMillion!.usd, 0.2);
      assert.equal(lambda.x86_64.requestsPerMillion!.unit, "1M requests");
      assert.equal(lambda.x86_64.provisionedDurationGbSecond!.usd, 0.0000097222);
      assert.equal(lambda.arm64.durationGbSecond!.usd, 0.0000133334);
      assert.doesNotMatch(JSON.stringify(lambda), /Edge|0\.00005001/);
      assert.equal(s3.standardGbMonth!.usd, 0.023);
      assert.equal(cloudwatch.logsIngestionGb!.usd, 0.5);
      assert.match(cloudwatch.logsIngestionGb!.source, /DataProcessing-Bytes/);
      assert.equal(kms.keyMonth!.usd, 1);
      assert.match(kms.keyMonth!.source, /KMS-Keys/);
      assert.equal(ebs.gp3GbMonth!.usd, 0.08);
    });

    it("keeps what the API did not return (same region) with its original source, and says so", () => {
      const { book, kept, refreshed } = result;
      assert.ok(kept.includes("sagemaker.hosting.ml.g5.xlarge"));
      assert.ok(kept.includes("ec2.onDemandLinux.p4d.24xlarge"));
      assert.ok(kept.includes("sagemaker.mlStorageGbMonth"));
      assert.ok(kept.includes("ec2.spotSavings"));
      assert.equal(
        book.sagemaker.hosting["ml.g5.xlarge"]!.source,
        base.sagemaker.hosting["ml.g5.xlarge"]!.source,
      );
      assert.equal(book.sagemaker.hosting["ml.g5.xlarge"]!.confidence, "secondary");
      assert.match(book.sagemaker.unpriced?.["ml.m4.xlarge"] ?? "", /another region/);
      assert.ok(!refreshed.some((p) => kept.includes(p)));
      assert.deepEqual(result.missing, []);
    });

    it("sends the on-demand Linux filters: regionCode, Linux, Shared, NA, Used; usage types for SageMaker", async () => {
      const client = clientFor(server.endpoint);
      try {
        await refreshPriceBook({ region: "us-east-1", client, base, date: "2026-11-21" });
      } finally {
        client.destroy();
      }
      assert.equal(server.seen.length, recordings.length);
      for (const { headers, body } of server.seen) {
        assert.equal(headers["content-type"], "application/x-amz-json-1.1");
        assert.match(
          String(headers.authorization),
          /^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\/\d{8}\/us-east-1\/pricing\/aws4_request/,
        );
        assert.equal(body.FormatVersion, "aws_v1");
        assert.equal(body.MaxResults, 100);
        assert.ok(body.Filters.some((f) => f.Field === "regionCode" && f.Value === "us-east-1"));
      }
      const ec2 = server.seen.filter((s) => s.body.ServiceCode === "AmazonEC2" && s.body.Filters.length > 3);
      assert.deepEqual(
        ec2.map((s) => s.body.NextToken ?? null),
        [null, tokenOf("ec2-compute.page-2.json"), tokenOf("ec2-compute.page-3.json")],
      );
      const sagemaker = server.seen.filter((s) => s.body.ServiceCode === "AmazonSageMaker");
      assert.deepEqual(
        sagemaker.map((s) => s.body.Filters.find((f) => f.Field === "usagetype")?.Value),
        [
          "USE1-Notebk:ml.t3.medium",
          "USE1-Host:ml.m5.large",
          "USE1-Host:ml.g5.xlarge",
          "USE1-Host:ml.m4.xlarge",
          "USE1-Train:ml.m5.xlarge",
        ],
      );
    });
  });

  it("keeps the EBS prices it does not query (other volume types, provisioned IOPS and throughput) as they were", async () => {
    const bundled = getPriceBook("us-east-1")!;
    const empty = {
      send: async () => ({ PriceList: [] }),
      destroy: () => undefined,
    } as unknown as PricingClient;
    const result = await refreshPriceBook({
      region: "us-east-1",
      client: empty,
      base: bundled,
      date: "2026-11-21",
    });
    assert.deepEqual(result.book.ebs, bundled.ebs);
    for (const key of Object.keys(bundled.ebs)) assert.ok(result.kept.includes(`ebs.${key}`), key);
  });

  it("gives each refreshed entry the public bulk price list file of its service and region as url", async () => {
    const client = clientFor(server.endpoint);
    try {
      const { book } = await refreshPriceBook({ region: "us-east-1", client, base, date: "2026-11-21" });
      assert.equal(
        book.sagemaker.hosting["ml.m5.large"]!.url,
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSageMaker/current/us-east-1/index.json",
      );
      assert.equal(
        book.ec2.onDemandLinux["m5.large"]!.url,
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json",
      );
    } finally {
      client.destroy();
    }
  });

  it("never carries one region's prices into another region's file", async () => {
    const empty = {
      send: async () => ({ PriceList: [] }),
      destroy: () => undefined,
    } as unknown as PricingClient;
    const result = await refreshPriceBook({ region: "eu-west-3", client: empty, base, date: "2026-11-21" });
    assert.equal(result.book.region, "eu-west-3");
    assert.deepEqual(result.refreshed, []);
    assert.deepEqual(result.kept, []);
    assert.ok(result.missing.includes("sagemaker.hosting.ml.m5.large"));
    assert.deepEqual(result.book.ec2.onDemandLinux, {});
    assert.equal(result.book.sagemaker.unpriced, undefined);
    // The estimator then reports those prices as unknown rather than borrowing us-east-1's.
    const estimate = estimateStackCost(functionStack(128, 3), {
      region: "eu-west-3",
      priceBooks: { "eu-west-3": result.book },
    });
    assert.ok(estimate.lines.every((l) => l.status === "unknown"));
  });

  it("reports an API error with the service, the filters and the page", async () => {
    const client = clientFor(server.endpoint);
    try {
      await assert.rejects(
        refreshPriceBook({ region: "eu-west-3", client, base }),
        /GetProducts AmazonSageMaker \(regionCode=eu-west-3, usagetype=EUW3-Notebk:ml\.t3\.medium\) page 1 failed: InvalidParameterException: no recording/,
      );
    } finally {
      client.destroy();
    }
  });

  describe("the command line", () => {
    let dir: string;
    const output: string[] = [];
    const io = () => ({
      log: (l: string) => output.push(l),
      error: (l: string) => output.push(`ERR ${l}`),
      makeClient: (endpoint: string | undefined) => clientFor(endpoint ?? "http://127.0.0.1:9"),
    });
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "mlp-refresh-"));
      output.splice(0);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("writes a valid price file the estimator can use", async () => {
      const out = join(dir, "prices.json");
      const code = await main(
        [
          "--region",
          "us-east-1",
          "--base",
          join(FIXTURES, "base-us-east-1.json"),
          "--out",
          out,
          "--date",
          "2026-11-21",
          "--endpoint",
          server.endpoint,
        ],
        io(),
      );
      assert.equal(code, 0, output.join("\n"));
      assert.match(
        output.join("\n"),
        /Wrote .*prices\.json: \d+ prices from the AWS Price List API \(14 GetProducts calls\)/,
      );
      const book = loadPriceBookFile(out);
      assert.equal(book.ec2.onDemandLinux["m5.large"]!.usd, 0.096);
      const estimate = estimateStackCost(functionStack(128, 3), {
        region: "us-east-1",
        priceBooks: { "us-east-1": book },
      });
      assert.equal(estimate.totals.unknownCount, 0);
      assert.match(
        estimate.lines.find((l) => /provisioned/.test(l.description))!.source!,
        /AWS Price List API/,
      );
    });

    it("rejects bad usage with exit code 2 and a message naming the option", async () => {
      assert.equal(await main([], io()), 2);
      assert.match(output.join("\n"), /--region is required/);
      assert.equal(await main(["--region", "us-east-1", "--date", "21/11/2026"], io()), 2);
      assert.match(output.join("\n"), /--date must be YYYY-MM-DD/);
      assert.equal(await main(["--region", "us-east-1", "--colour"], io()), 2);
      assert.match(output.join("\n"), /Unknown option '--colour'/);
      assert.equal(await main(["--region", "mars-north-1x"], io()), 2);
    });

    it("exits 1 with the API's error when a call fails, writing nothing", async () => {
      const out = join(dir, "prices.json");
      const code = await main(["--region", "eu-west-3", "--out", out, "--endpoint", server.endpoint], io());
      assert.equal(code, 1);
      assert.match(output.join("\n"), /ERR pricing:refresh failed: GetProducts AmazonSageMaker/);
      assert.throws(() => readFileSync(out));
    });
  });
});

describe("pricing: Price List item parsing", () => {
  const item = JSON.parse(readFileSync(join(FIXTURES, "lambda.page-1.json"), "utf8")).PriceList[1] as string;

  it("accepts the JSON string and the SDK's boxed LazyJsonString alike", () => {
    const fromString = parsePriceListItem(item, "x");
    const boxed = Object.assign(new String(item), { deserializeJSON: () => JSON.parse(item) });
    assert.deepEqual(parsePriceListItem(boxed, "x"), fromString);
    assert.equal(fromString.onDemand.length, 3);
    assert.equal(firstTier(fromString)!.usd, 0.0000166667);
    assert.equal(firstTier(fromString)!.endRange, 6_000_000_000);
  });

  it("rejects malformed entries naming what is wrong", () => {
    assert.throws(() => parsePriceListItem("{not json", "PriceList[0]"), /PriceList\[0\]: not valid JSON/);
    assert.throws(
      () => parsePriceListItem(JSON.stringify({ terms: {} }), "PriceList[1]"),
      /no "product" object/,
    );
    const noUsd = JSON.parse(item);
    const term = Object.values(noUsd.terms.OnDemand)[0] as {
      priceDimensions: Record<string, { pricePerUnit: object }>;
    };
    Object.values(term.priceDimensions)[0]!.pricePerUnit = { EUR: "1.0" };
    assert.throws(
      () => parsePriceListItem(JSON.stringify(noUsd), "PriceList[2]"),
      /pricePerUnit\.USD is undefined, not a USD amount/,
    );
  });
});
