// Property-based test of the bundled function: for random events (valid, nearly valid and garbage) it never
// throws, always answers a well-formed response, and never makes an endpoint call for a host outside the
// allowlist, judged by what the emulator actually received.
import assert from "node:assert/strict";
import fc from "fast-check";
import { useFunctionUnderTest } from "./support/sagemaker-function";

// An independent reading of TEST_ALLOWED_HOSTS (images.example.com, .cdn.example.org, xn--bcher-kva.example).
const EXACT = new Set(["images.example.com", "xn--bcher-kva.example"]);
const SUFFIXES = [".cdn.example.org"];
const allowedHost = (host: string) =>
  EXACT.has(host) || SUFFIXES.some((s) => host.endsWith(s) && host !== s.slice(1));

const hosts = fc.oneof(
  fc.constantFrom(
    "images.example.com",
    "IMAGES.Example.com",
    "images.example.com.",
    "images.example.com..",
    "eu.cdn.example.org",
    "cdn.example.org",
    ".cdn.example.org",
    "x.y.cdn.example.org.",
    "bücher.example",
    "xn--bcher-kva.example",
    "images.example.com.evil.example.net",
    "evil.example.net",
    "localhost",
    "127.0.0.1",
    "2130706433",
    "0x7f.1",
    "0177.0.0.1",
    "127.1",
    "169.254.169.254",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[fd00:ec2::254]",
    "%69mages.example.com",
    "images%2eexample.com",
    "images。example。com",
  ),
  fc.domain(),
  fc.domain().map((d) => `${d}.cdn.example.org`),
  fc.string({ maxLength: 20 }),
);
const schemes = fc.constantFrom(
  "https://",
  "HTTPS://",
  "http://",
  "https:/",
  "https:\\\\",
  "ftp://",
  "//",
  "",
  "https:",
);
const userinfo = fc.constantFrom("", "", "", "u@", "u:p@", "images.example.com@", ":@", "%40@");
const ports = fc.constantFrom("", "", "", ":443", ":8443", ":80", ":0", ":", ":65536", ":0443");
const paths = fc.oneof(
  fc.webPath(),
  fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => `/${s}`),
  fc.constantFrom("/dog.jpg", "\\@evil.example.net/", "#@evil.example.net", "?x=1", "/\t/", "/%00", ""),
);
const builtUrl = fc.tuple(schemes, userinfo, hosts, ports, paths).map((parts) => parts.join(""));
// Mostly-valid URLs, so that a good share of runs passes the gate and reaches the emulator.
const plausibleUrl = fc
  .tuple(
    fc.constantFrom("https://", "HTTPS://"),
    fc.constantFrom("images.example.com", "images.example.com.", "eu.cdn.example.org", "bücher.example"),
    fc.constantFrom("", ":443"),
    fc.webPath(),
    fc.constantFrom("", "?size=224", "#top"),
  )
  .map((parts) => parts.join(""));
const urlValue = fc.oneof(
  { weight: 4, arbitrary: plausibleUrl },
  { weight: 6, arbitrary: builtUrl },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.anything() },
);
const bodyOf = (url: unknown) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(JSON.stringify({ url })) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, 5, "") },
  );
const methods = fc.oneof(
  { weight: 6, arbitrary: fc.constant("POST") },
  { weight: 1, arbitrary: fc.constantFrom("GET", "post", "PUT", "OPTIONS", "", undefined) },
);
const encode = (body: unknown, base64: boolean) =>
  base64 && typeof body === "string" ? Buffer.from(body, "utf8").toString("base64") : body;

const events = urlValue.chain((url) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ url }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(methods, bodyOf(url), fc.constantFrom(true, false, undefined, "yes"))
        .map(([method, body, b64]) => ({
          httpMethod: method,
          path: "/",
          body: encode(body, b64 === true),
          isBase64Encoded: b64,
        })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(methods, bodyOf(url), fc.boolean()).map(([method, body, b64]) => ({
        version: "2.0",
        rawPath: "/",
        requestContext: { http: { method } },
        body: encode(body, b64),
        isBase64Encoded: b64,
      })),
    },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.record({ url: fc.constant(url), extra: fc.anything() }) },
  ),
);

describe("lambda bundle: property-based", function () {
  this.timeout(120_000);
  const fn = useFunctionUnderTest();

  it("for 1,000+ random events: never throws, answers well formed, calls only allowlisted hosts", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(events, async (event) => {
        fn.emulator.reset();
        const { response } = await fn.invoke(event);

        assert.ok([200, 400, 405, 413].includes(response.statusCode), String(response.statusCode));
        assert.deepEqual(Object.keys(response).sort(), ["body", "headers", "statusCode"]);
        assert.equal(response.headers["content-type"], "application/json");
        assert.equal(typeof response.body, "string");
        if (response.statusCode !== 200) {
          const body = JSON.parse(response.body);
          assert.deepEqual(Object.keys(body).sort(), ["error", "message", "requestId"]);
          assert.ok(body.message.length > 0);
        }
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);

        // An endpoint call happened exactly when the answer is 200, and it carried a safe, allowlisted URL.
        assert.equal(fn.emulator.requests.length, response.statusCode === 200 ? 1 : 0);
        for (const request of fn.emulator.requests) {
          const forwarded = JSON.parse(request.body);
          assert.deepEqual(Object.keys(forwarded), ["url"]);
          const url = new URL(forwarded.url);
          assert.equal(url.href, forwarded.url, "forwarded URL is not in canonical form");
          assert.equal(url.protocol, "https:");
          assert.equal(url.username + url.password, "");
          assert.equal(url.port, "");
          assert.ok(!/[\\\s]/.test(forwarded.url));
          assert.ok(allowedHost(url.hostname), `endpoint called for ${url.hostname}`);
        }
      }),
      { numRuns: 1_200 },
    );
    // The generator must reach both sides of the gate, or the property says little.
    assert.ok((statuses.get(200) ?? 0) >= 50, JSON.stringify([...statuses]));
    assert.ok((statuses.get(400) ?? 0) >= 300, JSON.stringify([...statuses]));
    assert.ok((statuses.get(405) ?? 0) >= 20, JSON.stringify([...statuses]));
  });
});
