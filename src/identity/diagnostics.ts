/**
 * What to show when a gateway refuses the identity token (400 invalid_grant,
 * 401, 403): the claims a policy decides on, and where policies usually bind.
 * Only the claims below are shown; the token and its signature never are.
 */
import type { IdentityToken } from './token.js';

const MAX_VALUE = 200;

/** The claims lines, e.g. "  sub: repo:octo/app:ref:refs/heads/main". */
export function claimLines(token: IdentityToken, now: number = Date.now()): string[] {
  const c = token.claims;
  const project =
    token.platform === 'gitlab' || 'project_path' in c ? 'project_path' : 'repository';
  const lines: Array<[string, unknown]> = [
    ['iss', c.iss],
    ['sub', c.sub],
    ['aud', c.aud],
    [project, c[project]],
    ['ref', c.ref],
    ['environment', c.environment],
    ['exp', c.exp === undefined ? undefined : describeExp(c.exp, now)],
  ];
  return lines.map(([name, value]) => `  ${name}: ${render(value)}`);
}

/** Where gateway policies usually bind, with the platform's common pitfalls. */
export function bindingHint(token: IdentityToken): string {
  const common =
    'Gateway policies usually bind `iss` (a trusted issuer), `aud` (must equal the audience the gateway expects; set `audience`) and `sub`';
  switch (token.platform) {
    case 'github':
      return `${common} (repo:OWNER/REPO:ref:refs/heads/BRANCH, or repo:OWNER/REPO:environment:NAME when the job has an \`environment:\`), or \`repository\` with \`ref\` and \`environment\``;
    case 'gitlab':
      return `${common} (project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH), or \`project_path\` with \`ref\`, \`ref_protected\` and \`environment\``;
    case 'local':
      return `${common}, or repository/project claims with \`ref\` and \`environment\``;
  }
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
