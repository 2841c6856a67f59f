/**
 * What to show when a gateway refuses the identity token (400 invalid_grant,
 * 401, 403): the claims a policy decides on, and where policies usually bind.
 * Only the claims below are shown; the token and its signature never are.
 */
import type { IdentityToken } from './token.js';

const MAX_VALUE = 200;

/**
 * The claims a careful gateway policy binds, per platform, besides `iss`,
 * `sub` and `aud` (shown first) and `exp` (shown last).
 *
 * GitHub (docs.github.com, "About security hardening with OpenID Connect",
 * the OIDC token's claims): the repository by name and by id (`repository_id`
 * and `repository_owner_id` survive a rename and a re-registered name), the
 * ref with its type, the environment, the workflow that really runs
 * (`job_workflow_ref`/`job_workflow_sha`: a reusable workflow's own path and
 * commit, not the caller's), the event, and the runner.
 *
 * GitLab (lib/gitlab/ci/jwt.rb and jwt_v2.rb in gitlabhq, docs "OpenID Connect
 * (OIDC) authentication using ID tokens"): the project by path and id, the ref
 * with its type (`ref: main` alone also matches a tag named `main`), whether
 * it is protected, the pipeline definition that runs (`ci_config_ref_uri`),
 * and the environment.
 */
export const BINDING_CLAIMS = {
  github: [
    'repository',
    'repository_id',
    'repository_owner_id',
    'ref',
    'ref_type',
    'environment',
    'job_workflow_ref',
    'job_workflow_sha',
    'event_name',
    'runner_environment',
  ],
  gitlab: [
    'project_path',
    'project_id',
    'ref',
    'ref_type',
    'ref_protected',
    'ci_config_ref_uri',
    'environment',
  ],
} as const;

/** The claims lines, e.g. "  sub: repo:octo/app:ref:refs/heads/main". */
export function claimLines(token: IdentityToken, now: number = Date.now()): string[] {
  const c = token.claims;
  const names = BINDING_CLAIMS[shape(token)];
  const lines: Array<[string, unknown]> = [
    ['iss', c.iss],
    ['sub', c.sub],
    ['aud', c.aud],
    ...names.map((name): [string, unknown] => [name, c[name]]),
    ['exp', c.exp === undefined ? undefined : describeExp(c.exp, now)],
  ];
  return lines.map(([name, value]) => `  ${name}: ${render(value)}`);
}

/** Where gateway policies usually bind, and what careful ones bind besides. */
export function bindingHint(token: IdentityToken): string {
  const common =
    'Gateway policies usually bind `iss` (a trusted issuer), `aud` (must equal the audience the gateway expects; set `audience`) and `sub`';
  switch (shape(token)) {
    case 'github':
      return `${common} (repo:OWNER/REPO:ref:refs/heads/BRANCH, or repo:OWNER/REPO:environment:NAME when the job has an \`environment:\`); bind also \`repository\` with \`repository_id\` and \`repository_owner_id\`, \`ref\` with \`ref_type\`, \`environment\`, \`job_workflow_ref\` (or \`job_workflow_sha\`), \`event_name\` and \`runner_environment\``;
    case 'gitlab':
      return `${common} (project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH); bind also \`project_path\` or \`project_id\`, \`ref\` with \`ref_type\`, \`ref_protected\`, \`ci_config_ref_uri\` and \`environment\``;
  }
}

/** Which claims to show: the platform's, or for a local token the shape its claims have. */
function shape(token: IdentityToken): 'github' | 'gitlab' {
  if (token.platform === 'local') return 'project_path' in token.claims ? 'gitlab' : 'github';
  return token.platform;
}

/**
 * The full block: a heading, the claims, the gateway's own words and the hint.
 * Multi-line on purpose: it goes to the log, not into an error message.
 */
export function identityDiagnostics(
  token: IdentityToken,
  gatewayError: string,
  now: number = Date.now(),
): string {
  return [
    `the gateway refused the identity token: ${sanitize(gatewayError)}`,
    'claims of the identity token it was shown:',
    ...claimLines(token, now),
    bindingHint(token),
  ].join('\n');
}

function describeExp(exp: unknown, now: number): string {
  if (typeof exp !== 'number') return render(exp);
  const delta = Math.round(exp - now / 1000);
  const when = delta <= 0 ? `expired ${-delta} s ago` : `expires in ${delta} s`;
  return `${new Date(exp * 1000).toISOString()} (${when})`;
}

function render(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return sanitize(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}

/** Claims and gateway text come from outside: no control characters in our log. */
function sanitize(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
  );
}
