// Hostile and malformed inputs against the bundled function: every one is answered 400/405/413 with a
// well-formed error, and the emulator never sees a request.
import assert from "node:assert/strict";
import { useFunctionUnderTest } from "./support/sagemaker-function";

// The allowlist in force (see TEST_ALLOWED_HOSTS): images.example.com, .cdn.example.org, xn--bcher-kva.example.
const ok = "https://images.example.com/dog.jpg";
const direct = (url: unknown) => ({ url });
const v1 = (body: unknown, extra: Record<string, unknown> = {}) => ({
  httpMethod: "POST",
  path: "/",
  headers: {},
  requestContext: {},
  body,
  isBase64Encoded: false,
  ...extra,
});
const v2 = (method: string, body: unknown, extra: Record<string, unknown> = {}) => ({
  version: "2.0",
  rawPath: "/",
  requestContext: { http: { method } },
  body,
  isBase64Encoded: false,
  ...extra,
});

const hostile: [string, unknown, number, string?][] = [
  // IP literals in every spelling the WHATWG parser normalises.
  ["dotted IPv4", direct("https://127.0.0.1/x.jpg"), 400, "ip-literal"],
  ["decimal IPv4", direct("https://2130706433/x.jpg"), 400, "ip-literal"],
  ["hex IPv4", direct("https://0x7f.1/x.jpg"), 400, "ip-literal"],
  ["octal IPv4", direct("https://017700000001/x.jpg"), 400, "ip-literal"],
  ["short-form IPv4", direct("https://127.1/x.jpg"), 400, "ip-literal"],
  ["percent-encoded IPv4", direct("https://%31%32%37.0.0.1/x.jpg"), 400, "ip-literal"],
  ["full-width digits IPv4", direct("https://\uff11\uff12\uff17.0.0.1/x.jpg"), 400, "ip-literal"],
  ["IPv4 with a trailing dot", direct("https://127.0.0.1./x.jpg"), 400, "ip-literal"],
  ["instance metadata IPv4", direct("https://169.254.169.254/latest/meta-data/"), 400, "ip-literal"],
  ["IPv6 loopback", direct("https://[::1]/x.jpg"), 400, "ip-literal"],
  ["IPv4-mapped IPv6", direct("https://[::ffff:127.0.0.1]/x.jpg"), 400, "ip-literal"],
  ["instance metadata IPv6", direct("https://[fd00:ec2::254]/latest/"), 400, "ip-literal"],
  // Userinfo, ports, schemes.
  ["userinfo", direct("https://user:pw@images.example.com/x.jpg"), 400, "userinfo"],
  ["user only, evil host", direct("https://images.example.com@evil.example.net/x.jpg"), 400, "userinfo"],
  ["port 8443", direct("https://images.example.com:8443/x.jpg"), 400, "port"],
  ["port 80 on https", direct("https://images.example.com:80/x.jpg"), 400, "port"],
  ["http", direct("http://images.example.com/x.jpg"), 400, "scheme"],
  ["file scheme", direct("file:///etc/passwd"), 400, "scheme"],
  ["gopher scheme", direct("gopher://images.example.com/x"), 400, "scheme"],
  ["protocol-relative", direct("//images.example.com/x.jpg"), 400, "syntax"],
  // Backslash and whitespace tricks, where parsers disagree about the host.
  ["backslash authority trick", direct("https://images.example.com\\@evil.example.net/"), 400, "characters"],
  ["backslashes as slashes", direct("https:\\\\images.example.com\\x.jpg"), 400, "characters"],
  ["tab inside the host", direct("https://images.exam\tple.com/x.jpg"), 400, "characters"],
  ["newline in path", direct("https://images.example.com/x.jpg\nHost: evil"), 400, "characters"],
  ["leading space", direct(" https://images.example.com/x.jpg"), 400, "characters"],
  ["NUL byte", direct("https://images.example.com/\u0000.jpg"), 400, "characters"],
  ["C1 control", direct("https://images.example.com/\u0085.jpg"), 400, "characters"],
  ["no-break space", direct("https://images.example.com/\u00a0.jpg"), 400, "characters"],
  // Trailing dots, suffix and IDN tricks against the allowlist.
  [
    "trailing dot on a host outside the allowlist",
    direct("https://evil.example.net./x.jpg"),
    400,
    "allowlist",
  ],
  ["two trailing dots", direct("https://images.example.com../x.jpg"), 400, "hostname"],
  ["allowed host as a prefix", direct("https://images.example.com.evil.example.net/x.jpg"), 400, "allowlist"],
  ["allowed host as a bare suffix", direct("https://evilimages.example.com/x.jpg"), 400, "allowlist"],
  ["suffix entry's apex", direct("https://cdn.example.org/x.jpg"), 400, "allowlist"],
  ["IDN outside the allowlist", direct("https://bücher.example.net/x.jpg"), 400, "allowlist"],
  ["IDN homograph of the allowed host", direct("https://images.exаmple.com/x.jpg"), 400, "allowlist"],
  ["underscore label", direct("https://a_b.cdn.example.org/x.jpg"), 400, "hostname"],
  ["single-label host", direct("https://localhost/x.jpg"), 400, "hostname"],
  ["over-long URL", direct(`${ok}?${"a".repeat(2048)}`), 400, "length"],
  ["URL that percent-encoding makes too long", direct(`${ok}?${"é".repeat(1000)}`), 400, "length"],
  ["empty URL", direct(""), 400, "syntax"],
  ["relative URL", direct("/x.jpg"), 400, "syntax"],
  ["javascript URL", direct("javascript:alert(1)"), 400, "scheme"],
  // Event shapes.
  ["url missing", {}, 400],
  ["url is a number", direct(42), 400, "type"],
  ["url is null", direct(null), 400, "type"],
  ["url is an array", direct([ok]), 400, "type"],
  ["url is an object", direct({ href: ok }), 400, "type"],
  ["unknown extra member", { url: ok, callback: "https://evil.example.net/" }, 400],
  ["event is null", null, 400],
  ["event is a number", 42, 400],
  ["event is a string", ok, 400],
  ["event is an array", [direct(ok)], 400],
  ["event is true", true, 400],
  ["REST body is not JSON", v1("url=https://images.example.com/dog.jpg"), 400],
  ["REST body is a JSON array", v1(JSON.stringify([ok])), 400],
  ["REST body is JSON null", v1("null"), 400],
  ["REST body is a JSON string", v1(JSON.stringify(ok)), 400],
  ["REST body missing", v1(null), 400],
  ["REST body with url as a number", v1('{"url": 1}'), 400, "type"],
  [
    "REST body with a __proto__ member",
    v1('{"url":"https://images.example.com/x.jpg","__proto__":{"a":1}}'),
    400,
  ],
  ["REST body claimed base64 but is not", v1("{not base64}", { isBase64Encoded: true }), 400],
  [
    "REST body base64 of invalid UTF-8",
    v1(Buffer.from([0xff, 0xfe, 0x7b]).toString("base64"), { isBase64Encoded: true }),
    400,
  ],
  [
    "REST body with isBase64Encoded as a string",
    v1(JSON.stringify(direct(ok)), { isBase64Encoded: "true" }),
    400,
  ],
  ["REST GET", v1(JSON.stringify(direct(ok)), { httpMethod: "GET" }), 405],
  ["REST OPTIONS", v1(null, { httpMethod: "OPTIONS" }), 405],
  ["REST lower-case post", v1(JSON.stringify(direct(ok)), { httpMethod: "post" }), 405],
  ["HTTP API GET", v2("GET", JSON.stringify(direct(ok))), 405],
  ["HTTP API PUT", v2("PUT", JSON.stringify(direct(ok))), 405],
  [
    "HTTP API without requestContext.http",
    { version: "2.0", rawPath: "/", requestContext: {}, body: "{}" },
    400,
  ],
  ["REST body over the cap", v1(JSON.stringify({ url: `${ok}?${"a".repeat(5000)}` })), 413],
  [
    "HTTP API base64 body over the cap",
    v2("POST", Buffer.from("x".repeat(6000)).toString("base64"), { isBase64Encoded: true }),
    413,
  ],
  ["HTTP API multibyte body over the cap", v2("POST", JSON.stringify({ url: "é".repeat(2100) })), 413],
  [
    "HTTP API body with an IP URL",
    v2("POST", JSON.stringify(direct("https://10.0.0.1/x.jpg"))),
    400,
    "ip-literal",
  ],
  [
    "HTTP API base64 body with http URL",
    v2("POST", Buffer.from(JSON.stringify(direct("http://images.example.com/x"))).toString("base64"), {
      isBase64Encoded: true,
    }),
    400,
    "scheme",
  ],
];

describe("lambda bundle: hostile and malformed inputs", function () {
  const fn = useFunctionUnderTest();

  it("has a table of at least 30 cases", () => {
    assert.ok(hostile.length >= 30, String(hostile.length));
  });

  for (const [name, event, status, rule] of hostile) {
    it(`${name} → ${status}${rule ? ` (${rule})` : ""}, no endpoint call`, async () => {
      const { response, logs } = await fn.invoke(event);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.headers["content-type"], "application/json");
      const body = JSON.parse(response.body);
      assert.deepEqual(Object.keys(body).sort(), ["error", "message", "requestId"]);
      assert.equal(
        body.error,
        status === 405
          ? "MethodNotAllowed"
          : status === 413
            ? "PayloadTooLarge"
            : rule
              ? "InvalidUrl"
              : "InvalidRequest",
      );
      if (status === 405) assert.equal(response.headers.allow, "POST");
      if (rule !== undefined) assert.equal(logs[0].rejectedRule, rule);
      assert.equal(fn.emulator.requests.length, 0, "the emulator saw a request");
    });
  }

  it("the control case, a valid URL, does reach the emulator", async () => {
    assert.equal((await fn.invoke(direct(ok))).response.statusCode, 200);
    assert.equal(fn.emulator.requests.length, 1);
  });
});
