// Bundled in place of @aws-sdk/credential-provider-node (see tools/build.mjs). The SDK's default chain tries the
// environment, then SSO, shared ini files, credential_process, web identity tokens and the container and instance
// metadata services, and bundles the STS, SSO and sign-in clients to do so. Lambda always puts the execution
// role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN:
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime), so the
// first link is the only one that ever answers there. Without them the SDK call fails with
// CredentialsProviderError, which the function reports as a deployment problem.
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { memoize } from "@smithy/core/config";

/** The chain renews credentials that expire within 5 minutes (credentialsTreatedAsExpired). */
const REFRESH_BEFORE_EXPIRY_MS = 300_000;

/**
 * Same signature as the chain's `defaultProvider`, which the client's runtime config calls with its own config.
 * Memoised as the chain memoises: the environment is read once, and again only for credentials that carry an
 * expiration (AWS_CREDENTIAL_EXPIRATION) close at hand, or when the SDK forces a refresh.
 */
export const defaultProvider: typeof fromEnv = (init) =>
  memoize(
    fromEnv(init),
    (credentials) =>
      credentials.expiration !== undefined &&
      credentials.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS,
    (credentials) => credentials.expiration !== undefined,
  );
