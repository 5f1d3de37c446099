// Checks an AWS Signature Version 4 request as the SageMaker runtime emulator received it, recomputing the
// signature from the secret key by the published algorithm:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import { createHash, createHmac } from "node:crypto";
import type { RecordedRequest } from "./sagemaker-emulator";

export interface SigV4Parts {
  accessKeyId: string;
  /** YYYYMMDD, from the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Splits an `Authorization: AWS4-HMAC-SHA256 …` header; throws if it does not have that shape. */
export function parseSigV4Authorization(header: unknown): SigV4Parts {
  const match = AUTHORIZATION.exec(String(header));
  if (!match) throw new Error(`not a SigV4 Authorization header: ${String(header)}`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding: encodeURIComponent plus the four characters it leaves alone. */
const encodeRfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The signature the request should carry if it was signed with `secretAccessKey`. Services other than S3 sign
 * the path with each segment URI-encoded twice; the path on the wire is already encoded once.
 */
export function expectedSigV4Signature(request: RecordedRequest, secretAccessKey: string): string {
  const parts = parseSigV4Authorization(request.headers.authorization);
  const [path, query = ""] = request.path.split("?");
  const canonicalUri = path
    .split("/")
    .map((segment) => encodeRfc3986(segment))
    .join("/");
  const canonicalQuery = query
    .split("&")
    .filter((pair) => pair !== "")
    .sort()
    .join("&");
  const canonicalHeaders = parts.signedHeaders
    .map((name) => {
      const value = request.headers[name];
      if (value === undefined) throw new Error(`signed header ${name} is missing from the request`);
      const text = Array.isArray(value) ? value.join(",") : value;
      return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
    })
    .join("");
  const payloadHash =
    typeof request.headers["x-amz-content-sha256"] === "string"
      ? request.headers["x-amz-content-sha256"]
      : sha256Hex(request.body);
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    parts.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    String(request.headers["x-amz-date"]),
    scope,
    sha256Hex(canonicalRequest),
  ].join("\n");
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, parts.date), parts.region), parts.service),
    "aws4_request",
  );
  return createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
}
