/**
 * Defaults read by more than the input parser (post reads this one from old
 * state), in a module with no dependencies, so that post's bundle does not
 * carry the YAML parser.
 */

/**
 * `revoke-timeout`'s default: revoking every credential of a step, in
 * parallel, fits well inside GitLab's `after_script` (5 minutes).
 */
export const DEFAULT_REVOKE_TIMEOUT_MS = 30_000;
