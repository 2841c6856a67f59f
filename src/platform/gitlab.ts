/**
 * GitLab CI for `gatepass run`: who and what runs (CI_* variables), the ID
 * token from the variable `id_tokens:` fills, the job's temp directory, and
 * approvals on the merge request. GitLab cannot add a value to its log
 * masking from inside a job, so gatepass's masker is the only one: the
 * command's output all passes through it.
 */
import { GatepassError } from '../common/errors.js';
import { gitlabIdentity } from '../identity/gitlab.js';
import type { Logger } from '../common/logger.js';
import type { ApprovalGate } from '../flow/host.js';
import type { GitLabMode } from '../approvals/gitlab.js';
import { jobTempDir } from './detect.js';
import type { CliPlatform, RunContext } from '../flow/host.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitlabPlatformOptions {
  env: Env;
  /** `id-token-variable`: where `id_tokens:` put the token. */
  idTokenVariable: string;
  cwd: string;
  logger: Logger;
}

export function gitlabPlatform(options: GitlabPlatformOptions): CliPlatform {
  const { env, idTokenVariable } = options;
  return {
    context: gitlabContext(env),
    workspace: get(env, 'CI_PROJECT_DIR') ?? options.cwd,
    tempDir: jobTempDir('gitlab', env),
    identity: ({ audience, registerSecret, logger }) =>
      gitlabIdentity({ variable: idTokenVariable, audience, registerSecret, logger, env }),
    setSecret: () => undefined,
    approvalGate: gitlabApprovalGate(env, options.logger),
  };
}

export function gitlabContext(env: Env): RunContext {
  return {
    platform: 'gitlab',
    repository: get(env, 'CI_PROJECT_PATH'),
    ref: get(env, 'CI_COMMIT_REF_NAME'),
    sha: get(env, 'CI_COMMIT_SHA'),
    runId: get(env, 'CI_PIPELINE_ID'),
    // GitLab has no attempt number: a retried job is a new job with a new id.
    runAttempt: get(env, 'CI_JOB_ID'),
    job: get(env, 'CI_JOB_NAME'),
    step: undefined,
    actor: get(env, 'GITLAB_USER_LOGIN'),
    workflow: get(env, 'CI_PIPELINE_NAME'),
    eventName: get(env, 'CI_PIPELINE_SOURCE'),
    serverUrl: get(env, 'CI_SERVER_URL'),
  };
}

/**
 * `approval-source: gitlab-notes | gitlab-mr-approvals`: on the merge request
 * of a merge request pipeline, through approvals/gitlab.ts. Loaded on first
 * use: a run without approvals never parses it.
 */
export function gitlabApprovalGate(env: Env, logger: Logger): ApprovalGate {
  return {
    check: () => {
      approvalContext(env);
    },
    async wait({ id, subject, config, signal }) {
      const [{ GitLabApprovals }, { approversOf, awaitApproval }] = await Promise.all([
        import('../approvals/gitlab.js'),
        import('../approvals/gate.js'),
      ]);
      const where = approvalContext(env);
      const mode: GitLabMode =
        config.approvals.source === 'gitlab-mr-approvals' ? 'mr-approvals' : 'notes';
      const source = new GitLabApprovals({
        ...where,
        mode,
        token: config.gitlabToken ?? '',
        logger,
      });
      const result = await awaitApproval({
        policy: config.approvals,
        subject,
        ...(where.runUrl === undefined ? {} : { runUrl: where.runUrl }),
        source,
        logger,
        signal,
      });
      return approversOf(result, id);
    },
  };
}

interface ApprovalContext {
  apiUrl: string;
  graphqlUrl?: string;
  projectId: string;
  mergeRequestIid: number;
  sha: string;
  headSha: string;
  actor: { id: number; login: string };
  runUrl: string | undefined;
}

/** The merge request and who started the job; throws CONFIG when GitLab did not say. */
function approvalContext(env: Env): ApprovalContext {
  const need = (name: string, hint: string): string => {
    const value = get(env, name);
    if (value !== undefined) return value;
    throw new GatepassError('CONFIG', `GitLab approvals need ${name}, which is not set`, { hint });
  };
  const runner = 'Run gatepass in a GitLab CI job, or set `approvals: 0`';
  const iid = Number(
    need(
      'CI_MERGE_REQUEST_IID',
      'Approvals are given on a merge request: run the job in a merge request pipeline (`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`), or use `approval-source: gateway`',
    ),
  );
  const actorId = Number(need('GITLAB_USER_ID', runner));
  if (!Number.isSafeInteger(iid) || !Number.isSafeInteger(actorId)) {
    throw new GatepassError('CONFIG', 'CI_MERGE_REQUEST_IID or GITLAB_USER_ID is not a number', {
      hint: runner,
    });
  }
  const sha = need('CI_COMMIT_SHA', runner);
  const graphqlUrl = get(env, 'CI_API_GRAPHQL_URL');
  return {
    apiUrl: need('CI_API_V4_URL', runner),
    ...(graphqlUrl === undefined ? {} : { graphqlUrl }),
    projectId: need('CI_PROJECT_ID', runner),
    mergeRequestIid: iid,
    sha,
    headSha: mergeRequestHead(env, sha),
    actor: { id: actorId, login: need('GITLAB_USER_LOGIN', runner) },
    runUrl: get(env, 'CI_JOB_URL') ?? get(env, 'CI_PIPELINE_URL'),
  };
}

/**
 * The merge request's head this job runs. In merged results and merge train
 * pipelines `CI_COMMIT_SHA` is a merge commit GitLab made of the head and the
 * target branch, and the head is `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`
 * (lib/gitlab/ci/variables/builder/pipeline.rb sets it from the pipeline's
 * `source_sha`, empty in other merge request pipelines;
 * `CI_MERGE_REQUEST_EVENT_TYPE` is `merged_result` or `merge_train` there,
 * app/models/ci/pipeline.rb and ee/app/models/ee/ci/pipeline.rb
 * `merge_request_event_type`). Elsewhere the head is `CI_COMMIT_SHA`.
 */
function mergeRequestHead(env: Env, sha: string): string {
  const head = get(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA');
  if (head !== undefined) return head;
  const type = get(env, 'CI_MERGE_REQUEST_EVENT_TYPE');
  if (type === 'merged_result' || type === 'merge_train') {
    throw new GatepassError(
      'CONFIG',
      `CI_MERGE_REQUEST_EVENT_TYPE is ${type} but CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is empty: the merge request's head is unknown`,
      {
        hint: 'Do not override CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in the job; GitLab sets it in merged results pipelines',
      },
    );
  }
  return sha;
}

function get(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
