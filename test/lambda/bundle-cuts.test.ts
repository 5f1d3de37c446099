// What the build leaves out of dist/lambda/index.mjs (tools/build.mjs, LAMBDA_MODULE_REPLACEMENTS), and that the
// bundle still does what the left-out code was for in Lambda: credentials from the environment, SigV4 signing
// with the session token.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  eventStreamSerdeProvider,
  EventStreamSerde,
} from "@ml-platform/inference-function/sdk-cuts/no-event-streams";
import { expectedSigV4Signature, parseSigV4Authorization } from "./support/sagemaker-sigv4";
import {
  awsEnv,
  BUNDLE_PATH,
  ensureBundle,
  importHandler,
  invoke,
  REPO_ROOT,
  setEnv,
  useFunctionUnderTest,
} from "./support/sagemaker-function";

const IMAGE = "https://images.example.com/dogs/beagle.jpg";

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The files esbuild put into the bundle (with at least one byte of output), as paths relative to the root. */
function bundledFiles(): string[] {
  ensureBundle();
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, "dist", "lambda", "meta.json"), "utf8")) as Metafile;
  const output = meta.outputs["dist/lambda/index.mjs"];
  assert.ok(output, "meta.json does not describe dist/lambda/index.mjs");
  return Object.entries(output.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path);
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

describe("lambda bundle: code the function never runs is left out", function () {
  it("bundles the environment credential provider and none of the rest of the default chain", () => {
    // The chain's links are the packages @aws-sdk/credential-provider-node depends on (its own package.json), plus
    // the nested STS/SSO/sign-in clients and SSO token providers those links call.
    const chain = JSON.parse(
      readFileSync(
        join(REPO_ROOT, "node_modules", "@aws-sdk", "credential-provider-node", "package.json"),
        "utf8",
      ),
    ) as { dependencies: Record<string, string> };
    const links = Object.keys(chain.dependencies).filter((name) => /credential-provider/.test(name));
    assert.ok(links.includes("@aws-sdk/credential-provider-env") && links.length >= 6, links.join(", "));
    const unused = [
      "@aws-sdk/credential-provider-node",
      ...links.filter((name) => name !== "@aws-sdk/credential-provider-env"),
      "@aws-sdk/nested-clients",
      "@aws-sdk/token-providers",
      "@aws-sdk/credential-provider-login",
    ];

    const packages = new Set(bundledFiles().map(packageOf));
    for (const name of unused) assert.ok(!packages.has(name), `${name} is in the bundle`);
    assert.ok(packages.has("@aws-sdk/credential-provider-env"), "the environment provider is missing");
    assert.ok(bundledFiles().includes("lambda/sdk-cuts/credentials-from-env.ts"));
  });

  it("has none of the removed providers' settings or calls in its text", () => {
    ensureBundle();
    const text = readFileSync(BUNDLE_PATH, "utf8");
    // Each is read or called by one link of the default chain only (web identity, container credentials,
    // credential_process, SSO, STS).
    for (const marker of [
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "credential_process",
      "sso_start_url",
      "AssumeRoleWithWebIdentity",
    ]) {
      assert.ok(!text.includes(marker), `the bundle still contains ${marker}`);
    }
    assert.ok(text.includes("AWS_SESSION_TOKEN"), "the environment provider's variables are missing");
  });

  it("bundles no event-stream codec, and its stand-in refuses to encode or decode", () => {
    const files = bundledFiles();
    assert.deepEqual(
      files.filter((path) => path.includes("/submodules/event-streams/")),
      [],
    );
    assert.ok(files.includes("lambda/sdk-cuts/no-event-streams.ts"));
    const marshaller = eventStreamSerdeProvider();
    assert.throws(() => marshaller.serialize(), /InvokeEndpointWithResponseStream/);
    assert.throws(() => marshaller.deserialize(), /InvokeEndpointWithResponseStream/);
    assert.throws(() => new EventStreamSerde(), /not bundled/);
  });
});

describe("lambda bundle: credentials come from the environment", function () {
  const fn = useFunctionUnderTest();

  it("signs with SigV4 using the environment's access key, secret key and session token", async () => {
    const { response } = await fn.invoke({ url: IMAGE });
    assert.equal(response.statusCode, 200);
    const env = awsEnv(fn.emulator);
    const request = fn.emulator.requests[0];
    assert.equal(request.headers["x-amz-security-token"], env.AWS_SESSION_TOKEN);
    const auth = parseSigV4Authorization(request.headers.authorization);
    assert.equal(auth.accessKeyId, env.AWS_ACCESS_KEY_ID);
    assert.equal(auth.region, env.AWS_REGION);
    assert.equal(auth.service, "sagemaker");
    for (const header of ["host", "x-amz-date", "x-amz-security-token", "content-type"]) {
      assert.ok(auth.signedHeaders.includes(header), `${header} is not signed`);
    }
    assert.equal(auth.signature, expectedSigV4Signature(request, String(env.AWS_SECRET_ACCESS_KEY)));
    assert.notEqual(auth.signature, expectedSigV4Signature(request, "another-secret"));
  });

  it("uses whatever credentials the environment holds when an instance starts", async () => {
    const restore = setEnv({
      AWS_ACCESS_KEY_ID: "ASIAROTATEDEXAMPLE01",
      AWS_SECRET_ACCESS_KEY: "rotated/secret/EXAMPLEKEY",
      AWS_SESSION_TOKEN: "rotated-session-token",
    });
    try {
      const handler = await importHandler();
      const { response } = await invoke(handler, { url: IMAGE });
      assert.equal(response.statusCode, 200);
      const request = fn.emulator.requests[0];
      assert.equal(request.headers["x-amz-security-token"], "rotated-session-token");
      assert.equal(
        parseSigV4Authorization(request.headers.authorization).accessKeyId,
        "ASIAROTATEDEXAMPLE01",
      );
      assert.equal(
        parseSigV4Authorization(request.headers.authorization).signature,
        expectedSigV4Signature(request, "rotated/secret/EXAMPLEKEY"),
      );
    } finally {
      restore();
    }
  });

  it("reads them once per instance, and again only when they expire within 5 minutes, as the default chain does", async () => {
    const tokensSeen = async (expiration: string | undefined): Promise<string[]> => {
      const restore = setEnv({ AWS_SESSION_TOKEN: "first-token", AWS_CREDENTIAL_EXPIRATION: expiration });
      try {
        const handler = await importHandler();
        fn.emulator.reset();
        assert.equal((await invoke(handler, { url: IMAGE })).response.statusCode, 200);
        process.env.AWS_SESSION_TOKEN = "second-token";
        assert.equal((await invoke(handler, { url: IMAGE })).response.statusCode, 200);
        return fn.emulator.requests.map((r) => String(r.headers["x-amz-security-token"]));
      } finally {
        restore();
      }
    };
    assert.deepEqual(await tokensSeen(undefined), ["first-token", "first-token"]);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual(await tokensSeen(inAnHour), ["first-token", "first-token"]);
    const inOneMinute = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual(await tokensSeen(inOneMinute), ["first-token", "second-token"]);
  });

  it("does not fall back to a shared credentials file: without environment credentials it reports a deployment problem", async () => {
    // A file the SDK's default chain would have used (ini provider, default profile).
    const dir = mkdtempSync(join(tmpdir(), "lambda-creds-"));
    const file = join(dir, "credentials");
    writeFileSync(
      file,
      "[default]\naws_access_key_id = AKIAFROMFILEEXAMPLE\naws_secret_access_key = from/file/EXAMPLEKEY\n",
    );
    const restore = setEnv({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_SHARED_CREDENTIALS_FILE: file,
    });
    try {
      const handler = await importHandler();
      const { response, logs } = await invoke(handler, { url: IMAGE });
      assert.equal(response.statusCode, 500);
      assert.equal(JSON.parse(response.body).error, "InternalError");
      assert.match(JSON.parse(response.body).message, /CredentialsProviderError/);
      assert.equal(logs[0].errorName, "CredentialsProviderError");
      assert.equal(fn.emulator.requests.length, 0, "an unsigned or file-signed request went out");
    } finally {
      restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
