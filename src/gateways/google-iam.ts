/**
 * Google Cloud's second step of workload identity federation: the federated
 * token Security Token Service issues is traded for a service account's
 * access token at IAM Credentials `generateAccessToken` (the credential
 * request's `service-account`). Many Google APIs accept the federated token
 * itself; the ones that do not answer 401 to it, and a service account is
 * also how most projects grant roles.
 *
 * The call, as Google's API description gives it (discovery document
 * `iamcredentials:v1`): `POST https://iamcredentials.googleapis.com/v1/
 * projects/-/serviceAccounts/{email}:generateAccessToken` with
 * `Authorization: Bearer <federated token>` and a JSON body `{scope: [...],
 * lifetime: "<seconds>s"}`, answered `{accessToken, expireTime}`; errors
 * are Google's JSON error `{error: {code, message, status}}`. Neither STS
 * nor IAM Credentials has a revocation method: these tokens live until they
 * expire.
 */
import { GatepassError, type ErrorCode } from '../common/errors.js';
import { request, type HttpPolicy } from '../common/http.js';
import { requireSafeUrl } from '../config/limits.js';
import type { RegisterSecret } from '../identity/source.js';
import { oneLine, scrub } from './text.js';

export const IAM_CREDENTIALS = 'https://iamcredentials.googleapis.com';

/** The scope IAM Credentials requires of the caller's token (its discovery document's `scopes`). */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The generateAccessToken URL of a `service-account` (an email, or that URL already). */
export function impersonationUrl(serviceAccount: string): string {
  if (/^https?:\/\//i.test(serviceAccount)) return serviceAccount;
  // `-` is required in place of the project: the API rejects a project id there.
  // The email goes in as Google's own clients send it, `@` and all (a path may hold one).
  const email = encodeURIComponent(serviceAccount).replace(/%40/g, '@');
  return `${IAM_CREDENTIALS}/v1/projects/-/serviceAccounts/${email}:generateAccessToken`;
}

export interface ImpersonationCall {
  /** The credential's name, for messages. */
  name: string;
  serviceAccount: string;
  /** The federated token from STS (a secret, registered already). */
  federatedToken: string;
  /** The scopes of the service account token; at least one. */
  scopes: string[];
  lifetimeSeconds: number;
  registerSecret: RegisterSecret;
  policy: Omit<HttpPolicy, 'what' | 'input'>;
}

export interface ServiceAccountToken {
  accessToken: string;
  expiresAt: Date;
}

/** One generateAccessToken call; the token is registered as a secret before it is returned. */
export async function generateAccessToken(call: ImpersonationCall): Promise<ServiceAccountToken> {
  const url = requireSafeUrl(impersonationUrl(call.serviceAccount), '`service-account`');
  const answer = await request(
    {
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${call.federatedToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ scope: call.scopes, lifetime: `${call.lifetimeSeconds}s` }),
      label: `IAM Credentials generateAccessToken for ${serviceAccountOf(call.serviceAccount)}`,
    },
    { ...call.policy, what: 'Google IAM Credentials', input: 'credentials' },
  );
  const body = parseJson(answer.text());
  if (answer.status !== 200) {
    throw refusal(call, answer.status, body, scrub(answer.text(), [call.federatedToken]));
  }
  const accessToken = body?.accessToken;
  const expireTime = typeof body?.expireTime === 'string' ? Date.parse(body.expireTime) : NaN;
  if (typeof accessToken !== 'string' || accessToken === '' || Number.isNaN(expireTime)) {
    throw new GatepassError(
      'GATEWAY',
      `IAM Credentials answered "${call.name}" without an accessToken and expireTime`,
      {
        hint: 'Check that `service-account` points at iamcredentials.googleapis.com (or its private endpoint)',
      },
    );
  }
  call.registerSecret(accessToken);
  return { accessToken, expiresAt: new Date(expireTime) };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Google's `{error: {code, message, status}}`, as one line with the fix. */
function refusal(
  call: ImpersonationCall,
  status: number,
  body: Record<string, unknown> | undefined,
  text: string,
): GatepassError {
  const error = body?.error;
  const detail =
    typeof error === 'object' && error !== null
      ? [(error as { status?: unknown }).status, (error as { message?: unknown }).message]
          .filter((p) => typeof p === 'string')
          .join(': ')
      : text;
  const who = serviceAccountOf(call.serviceAccount);
  const code: ErrorCode = status === 401 || status === 403 ? 'DENIED' : 'GATEWAY';
  const hint =
    status === 403
      ? `Grant roles/iam.workloadIdentityUser on ${who} to this job's principal (principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/attribute.repository/<owner>/<repo>), and check that the service account exists`
      : status === 400
        ? 'Check `ttl` (at most 1h unless the organization policy constraints/iam.allowServiceAccountCredentialLifetimeExtension allows up to 12h) and `scope` (Google OAuth scopes, space-separated)'
        : status === 401
          ? "IAM Credentials did not accept STS's token: check that the STS exchange asks for requested-token-type urn:ietf:params:oauth:token-type:access_token"
          : 'See the message; docs/token-exchange.md#google-cloud-sts lists the set-up';
  return new GatepassError(
    code,
    `the service account step for "${call.name}" was refused: HTTP ${status}${detail === '' ? '' : ` (${oneLine(scrub(detail, [call.federatedToken]))})`}`,
    { hint },
  );
}

/** The email of a `service-account`, for messages. */
export function serviceAccountOf(serviceAccount: string): string {
  const match = /\/serviceAccounts\/([^/]+):generateAccessToken$/.exec(serviceAccount);
  return match?.[1] === undefined ? serviceAccount : decodeURIComponent(match[1]);
}
