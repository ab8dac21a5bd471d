/**
 * Realistic webhook bodies, shaped like the providers' documented examples (field sets and sizes),
 * with a few non-ASCII characters (accents, emoji) as real messages carry.
 */

const REPO = "acme-corp/payments-api";
const API = "https://api.github.com";

function githubUser(login: string, id: number, type = "User") {
  const url = `${API}/users/${login}`;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

function githubRepository() {
  const url = `${API}/repos/${REPO}`;
  const rel = (name: string, suffix = "") => `${url}/${name}${suffix}`;
  return {
    id: 482_113_904,
    node_id: "R_kgDOHLxM8A",
    name: "payments-api",
    full_name: REPO,
    private: true,
    owner: githubUser("acme-corp", 88_120_331, "Organization"),
    html_url: `https://github.com/${REPO}`,
    description: "Payments API: card authorisation, refunds and settlement reporting",
    fork: false,
    url,
    forks_url: rel("forks"),
    keys_url: rel("keys", "{/key_id}"),
    collaborators_url: rel("collaborators", "{/collaborator}"),
    teams_url: rel("teams"),
    hooks_url: rel("hooks"),
    issue_events_url: rel("issues/events", "{/number}"),
    events_url: rel("events"),
    assignees_url: rel("assignees", "{/user}"),
    branches_url: rel("branches", "{/branch}"),
    tags_url: rel("tags"),
    blobs_url: rel("git/blobs", "{/sha}"),
    git_tags_url: rel("git/tags", "{/sha}"),
    git_refs_url: rel("git/refs", "{/sha}"),
    trees_url: rel("git/trees", "{/sha}"),
    statuses_url: rel("statuses/{sha}"),
    languages_url: rel("languages"),
    stargazers_url: rel("stargazers"),
    contributors_url: rel("contributors"),
    subscribers_url: rel("subscribers"),
    subscription_url: rel("subscription"),
    commits_url: rel("commits", "{/sha}"),
    git_commits_url: rel("git/commits", "{/sha}"),
    comments_url: rel("comments", "{/number}"),
    issue_comment_url: rel("issues/comments", "{/number}"),
    contents_url: rel("contents/{+path}"),
    compare_url: rel("compare/{base}...{head}"),
    merges_url: rel("merges"),
    archive_url: rel("{archive_format}{/ref}"),
    downloads_url: rel("downloads"),
    issues_url: rel("issues", "{/number}"),
    pulls_url: rel("pulls", "{/number}"),
    milestones_url: rel("milestones", "{/number}"),
    notifications_url: rel("notifications", "{?since,all,participating}"),
    labels_url: rel("labels", "{/name}"),
    releases_url: rel("releases", "{/id}"),
    deployments_url: rel("deployments"),
    created_at: "2022-04-16T09:12:44Z",
    updated_at: "2025-05-30T14:02:10Z",
    pushed_at: "2025-06-02T08:41:19Z",
    git_url: `git://github.com/${REPO}.git`,
    ssh_url: `git@github.com:${REPO}.git`,
    clone_url: `https://github.com/${REPO}.git`,
    svn_url: `https://github.com/${REPO}`,
    homepage: null,
    size: 18_422,
    stargazers_count: 12,
    watchers_count: 12,
    language: "TypeScript",
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 3,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 27,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: ["payments", "api", "oncall"],
    visibility: "private",
    forks: 3,
    open_issues: 27,
    watchers: 12,
    default_branch: "main",
    custom_properties: { team: "payments" },
  };
}

const organization = {
  login: "acme-corp",
  id: 88_120_331,
  node_id: "O_kgDOBUCZyw",
  url: `${API}/orgs/acme-corp`,
  repos_url: `${API}/orgs/acme-corp/repos`,
  events_url: `${API}/orgs/acme-corp/events`,
  hooks_url: `${API}/orgs/acme-corp/hooks`,
  issues_url: `${API}/orgs/acme-corp/issues`,
  members_url: `${API}/orgs/acme-corp/members{/member}`,
  public_members_url: `${API}/orgs/acme-corp/public_members{/member}`,
  avatar_url: "https://avatars.githubusercontent.com/u/88120331?v=4",
  description: "Acme Corporation",
};

/** `issues` / `opened` with a label, as GitHub sends it (~9 KB). */
export function githubIssueOpened() {
  const number = 1432;
  const issueUrl = `${API}/repos/${REPO}/issues/${number}`;
  const author = githubUser("maria-gonzalez", 5_512_001);
  return {
    action: "opened",
    issue: {
      url: issueUrl,
      repository_url: `${API}/repos/${REPO}`,
      labels_url: `${issueUrl}/labels{/name}`,
      comments_url: `${issueUrl}/comments`,
      events_url: `${issueUrl}/events`,
      html_url: `https://github.com/${REPO}/issues/${number}`,
      id: 3_101_552_877,
      node_id: "I_kwDOHLxM8M64s2ft",
      number,
      title: "Refund webhook retries exhaust the connection pool under load",
      user: author,
      labels: [
        {
          id: 7_213_004_112,
          node_id: "LA_kwDOHLxM8M8AAAABrfQ0cA",
          url: `${API}/repos/${REPO}/labels/ai:run`,
          name: "ai:run",
          color: "5319e7",
          default: false,
          description: "Ask the incident agent to investigate",
        },
        {
          id: 4_032_118_871,
          node_id: "LA_kwDOHLxM8M7wVxZX",
          url: `${API}/repos/${REPO}/labels/bug`,
          name: "bug",
          color: "d73a4a",
          default: true,
          description: "Something isn't working",
        },
      ],
      state: "open",
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 0,
      created_at: "2025-06-02T08:41:19Z",
      updated_at: "2025-06-02T08:41:19Z",
      closed_at: null,
      author_association: "MEMBER",
      type: null,
      active_lock_reason: null,
      sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
      body:
        "Since the 14:00 deploy the refund worker logs `ECONNRESET` every few seconds and p99 latency " +
        "of `POST /refunds` went from 180 ms to 4.2 s. The retry loop in `RefundNotifier` does not back " +
        "off, so each failed webhook holds a pool connection for the whole timeout.\n\n" +
        "Steps: replay the 2025-06-01 traffic capture at 3x; watch `pg_stat_activity`.\n\n" +
        "Expected: retries with jittered back-off, pool never saturated. Café owners in München are " +
        "seeing duplicate refunds 😬 — priority high.",
      closed_by: null,
      reactions: {
        url: `${issueUrl}/reactions`,
        total_count: 0,
        "+1": 0,
        "-1": 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
      timeline_url: `${issueUrl}/timeline`,
      performed_via_github_app: null,
      state_reason: null,
    },
    repository: githubRepository(),
    organization,
    sender: author,
    installation: { id: 61_234_998, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNjEyMzQ5OTg=" },
  };
}

const FILES = [
  "src/refunds/refund-notifier.ts",
  "src/refunds/retry-policy.ts",
  "src/db/pool.ts",
  "test/refunds/refund-notifier.test.ts",
  "docs/runbooks/refund-retries.md",
];

/** A `push` of many commits: a large (~100 KB) but ordinary GitHub delivery. */
export function githubLargePush(commitCount = 80) {
  const pusher = githubUser("deploy-bot", 9_100_221, "Bot");
  const commits = Array.from({ length: commitCount }, (_, i) => {
    const id = (BigInt(0x9f3c2a11) * BigInt(i + 7919)).toString(16).padStart(40, "a").slice(0, 40);
    return {
      id,
      tree_id: id.split("").reverse().join(""),
      distinct: true,
      message:
        `refunds: step ${i + 1} of the retry back-off rework\n\n` +
        "Bound the retry loop, add full jitter, release the pool connection before sleeping, " +
        `and record the attempt number on the span (attempt ${i}). Reviewed-by: Zoë Müller ✅`,
      timestamp: `2025-06-02T08:${String(i % 60).padStart(2, "0")}:19+02:00`,
      url: `https://github.com/${REPO}/commit/${id}`,
      author: { name: "Maria González", email: "maria@acme.example", username: "maria-gonzalez" },
      committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
      added: i % 4 === 0 ? [`src/refunds/migrations/${String(i).padStart(4, "0")}_retry_state.sql`] : [],
      removed: [],
      modified: FILES.slice(0, 1 + (i % FILES.length)),
    };
  });
  const last = commits[commits.length - 1]!;
  return {
    ref: "refs/heads/main",
    before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    after: last.id,
    repository: githubRepository(),
    pusher: { name: "deploy-bot", email: "deploy-bot@acme.example" },
    organization,
    sender: pusher,
    installation: { id: 61_234_998, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNjEyMzQ5OTg=" },
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${REPO}/compare/6113728f27ae...${last.id.slice(0, 12)}`,
    commits,
    head_commit: last,
  };
}

/**
 * The `push` of the fewest commits whose JSON is at least `bytes`, after `adjust` (to make it a
 * push to a repository of one's own, say): a delivery of a given size of the same kind.
 */
export function githubPushOfAtLeast(
  bytes: number,
  adjust: (push: ReturnType<typeof githubLargePush>) => void = () => undefined,
) {
  for (let commits = 1; ; commits++) {
    const push = githubLargePush(commits);
    adjust(push);
    if (Buffer.byteLength(JSON.stringify(push)) >= bytes) return push;
  }
}

/** Events API `app_mention` (`event_callback`). */
export function slackAppMention() {
  return {
    token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    team_id: "T024BE7LD",
    context_team_id: "T024BE7LD",
    context_enterprise_id: null,
    api_app_id: "A08QW4R2KJD",
    event: {
      user: "U061F7AUR",
      type: "app_mention",
      ts: "1748853679.272709",
      client_msg_id: "a2b3c4d5-6e7f-4a8b-9c0d-e1f2a3b4c5d6",
      text: "<@U08QW4R2KJD> payments-api p99 is at 4s since the 14:00 deploy, can you look? 🔥",
      team: "T024BE7LD",
      blocks: [
        {
          type: "rich_text",
          block_id: "Xk3vQ",
          elements: [
            {
              type: "rich_text_section",
              elements: [
                { type: "user", user_id: "U08QW4R2KJD" },
                {
                  type: "text",
                  text: " payments-api p99 is at 4s since the 14:00 deploy, can you look? ",
                },
                { type: "emoji", name: "fire", unicode: "1f525" },
              ],
            },
          ],
        },
      ],
      channel: "C08PAYMENTS",
      event_ts: "1748853679.272709",
    },
    type: "event_callback",
    event_id: "Ev08R1ZK6N3U",
    event_time: 1_748_853_679,
    authorizations: [
      {
        enterprise_id: null,
        team_id: "T024BE7LD",
        user_id: "U08QW4R2KJD",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context:
      "4-eyJldCI6ImFwcF9tZW50aW9uIiwidGlkIjoiVDAyNEJFN0xEIiwiYWlkIjoiQTA4UVc0UjJLSkQiLCJjaWQiOiJDMDhQQVlNRU5UUyJ9",
  };
}

/** Interactivity `block_actions` (a button click on an agent's message), sent as `payload=<json>`. */
export function slackBlockActions() {
  return {
    type: "block_actions",
    user: { id: "U061F7AUR", username: "maria", name: "maria", team_id: "T024BE7LD" },
    api_app_id: "A08QW4R2KJD",
    token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    container: {
      type: "message",
      message_ts: "1748853701.101309",
      channel_id: "C08PAYMENTS",
      is_ephemeral: false,
    },
    trigger_id: "8977711134566.2148483678.1d4a8a0f0a6b2f7b3e9f4c2d1e0a9b8c",
    team: { id: "T024BE7LD", domain: "acme" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: "C08PAYMENTS", name: "payments-oncall" },
    message: {
      user: "U08QW4R2KJD",
      type: "message",
      ts: "1748853701.101309",
      bot_id: "B08QW4R2KJD",
      app_id: "A08QW4R2KJD",
      text: "Likely cause: unbounded retries in RefundNotifier. Roll back deploy 2025-06-02.3?",
      team: "T024BE7LD",
      blocks: [
        {
          type: "section",
          block_id: "summary",
          text: {
            type: "mrkdwn",
            text: "*Likely cause:* unbounded retries in `RefundNotifier` hold pool connections.",
            verbatim: false,
          },
        },
        {
          type: "actions",
          block_id: "decision",
          elements: [
            {
              type: "button",
              action_id: "approve_rollback",
              text: { type: "plain_text", text: "Roll back", emoji: true },
              style: "danger",
              value: "deploy-2025-06-02.3",
            },
            {
              type: "button",
              action_id: "dismiss",
              text: { type: "plain_text", text: "Dismiss", emoji: true },
              value: "dismiss",
            },
          ],
        },
      ],
    },
    state: { values: {} },
    response_url: "https://hooks.slack.com/actions/T024BE7LD/8977711134566/m9Qm2Yq3b6cXo4Vb2tq0kTzR",
    actions: [
      {
        action_id: "approve_rollback",
        block_id: "decision",
        text: { type: "plain_text", text: "Roll back", emoji: true },
        value: "deploy-2025-06-02.3",
        style: "danger",
        type: "button",
        action_ts: "1748853712.447121",
      },
    ],
  };
}

/** PagerDuty Webhooks V3 `incident.triggered`. */
export function pagerdutyIncidentTriggered() {
  return {
    event: {
      id: "01DEN4HPBQAJUHL5LAJ2AHWVFN",
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: "2025-06-02T08:41:19.352Z",
      agent: {
        html_url: "https://acme.pagerduty.com/users/PLH1HKV",
        id: "PLH1HKV",
        self: "https://api.pagerduty.com/users/PLH1HKV",
        summary: "Datadog integration",
        type: "user_reference",
      },
      client: { name: "Datadog" },
      data: {
        id: "Q2KLWA1P9CK7J2",
        type: "incident",
        self: "https://api.pagerduty.com/incidents/Q2KLWA1P9CK7J2",
        html_url: "https://acme.pagerduty.com/incidents/Q2KLWA1P9CK7J2",
        number: 48_211,
        status: "triggered",
        incident_key: "7f4c9e4b2a1d4f0c8a7e6b5d4c3b2a19",
        created_at: "2025-06-02T08:41:19Z",
        title: "[P1] payments-api p99 latency above 2s for 5 minutes",
        service: {
          html_url: "https://acme.pagerduty.com/services/PF9KMXH",
          id: "PF9KMXH",
          self: "https://api.pagerduty.com/services/PF9KMXH",
          summary: "payments-api",
          type: "service_reference",
        },
        assignees: [
          {
            html_url: "https://acme.pagerduty.com/users/PTUXL6G",
            id: "PTUXL6G",
            self: "https://api.pagerduty.com/users/PTUXL6G",
            summary: "María González",
            type: "user_reference",
          },
        ],
        escalation_policy: {
          html_url: "https://acme.pagerduty.com/escalation_policies/PUS0KTE",
          id: "PUS0KTE",
          self: "https://api.pagerduty.com/escalation_policies/PUS0KTE",
          summary: "Payments on-call",
          type: "escalation_policy_reference",
        },
        teams: [
          {
            html_url: "https://acme.pagerduty.com/teams/PFCVPS0",
            id: "PFCVPS0",
            self: "https://api.pagerduty.com/teams/PFCVPS0",
            summary: "Payments",
            type: "team_reference",
          },
        ],
        priority: {
          html_url: "https://acme.pagerduty.com/account/incident_priorities",
          id: "PSO75BM",
          self: "https://api.pagerduty.com/priorities/PSO75BM",
          summary: "P1",
          type: "priority",
        },
        urgency: "high",
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

/** incident.io `public_incident.incident_created_v2`. */
export function incidentioIncidentCreated() {
  const type = "public_incident.incident_created_v2";
  return {
    event_type: type,
    [type]: {
      id: "01JXQ5B8N3Q9ZC6T0W1V2X3Y4Z",
      name: "Payments API refunds duplicated",
      reference: "INC-1287",
      permalink: "https://app.incident.io/acme/incidents/1287",
      summary: "Refund retries saturate the DB pool; some customers refunded twice. Zoë is IC 🧯",
      mode: "standard",
      visibility: "public",
      created_at: "2025-06-02T08:43:02.117Z",
      updated_at: "2025-06-02T08:43:02.117Z",
      incident_status: {
        id: "01FCNDV6P870EA6S7TK1DSYD5H",
        name: "Investigating",
        category: "active",
        rank: 1,
        description: "We're investigating the impact and cause.",
      },
      severity: {
        id: "01FCNDV6P870EA6S7TK1DSYDG0",
        name: "Major",
        rank: 2,
        description: "Issues causing significant customer impact.",
      },
      incident_type: { id: "01FH5TZRWMNAFB0DZ23FD1TV96", name: "Production outage" },
      creator: { user: { id: "01G0J1EXE7AXZ2C93K61WBPYEH", name: "María González", role: "responder" } },
      incident_role_assignments: [
        {
          role: { id: "01FCNDV6P870EA6S7TK1DSYDG1", name: "Incident Lead", role_type: "lead" },
          assignee: { id: "01G0J1EXE7AXZ2C93K61WBPYEH", name: "María González" },
        },
      ],
      custom_field_entries: [
        {
          custom_field: {
            id: "01GBSQF3FHF7FWZQNWGHAVQ804",
            name: "Affected services",
            field_type: "multi_select",
          },
          values: [{ value_catalog_entry: { id: "01GBSQF3FHF7FWZQNWGHAVQ8PQ", name: "payments-api" } }],
        },
      ],
      slack_channel_id: "C08INC1287",
      slack_channel_name: "inc-1287-payments-refunds-duplicated",
      slack_team_id: "T024BE7LD",
      call_url: "https://meet.example.com/inc-1287",
    },
  };
}

/** Jira `jira:issue_created`. */
export function jiraIssueCreated() {
  const base = "https://acme.atlassian.net";
  const user = (accountId: string, displayName: string) => ({
    self: `${base}/rest/api/2/user?accountId=${accountId}`,
    accountId,
    avatarUrls: {
      "48x48": `https://secure.gravatar.com/avatar/${accountId}?d=mm&s=48`,
      "24x24": `https://secure.gravatar.com/avatar/${accountId}?d=mm&s=24`,
      "16x16": `https://secure.gravatar.com/avatar/${accountId}?d=mm&s=16`,
      "32x32": `https://secure.gravatar.com/avatar/${accountId}?d=mm&s=32`,
    },
    displayName,
    active: true,
    timeZone: "Europe/Berlin",
    accountType: "atlassian",
  });
  const reporter = user("5b10ac8d82e05b22cc7d4ef5", "María González");
  return {
    timestamp: 1_748_853_790_112,
    webhookEvent: "jira:issue_created",
    issue_event_type_name: "issue_created",
    user: reporter,
    issue: {
      id: "10482",
      self: `${base}/rest/api/2/10482`,
      key: "PAY-771",
      fields: {
        statuscategorychangedate: "2025-06-02T10:43:10.112+0200",
        issuetype: {
          self: `${base}/rest/api/2/issuetype/10004`,
          id: "10004",
          description: "A problem which impairs or prevents the functions of the product.",
          iconUrl: `${base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10303?size=medium`,
          name: "Bug",
          subtask: false,
          avatarId: 10303,
          hierarchyLevel: 0,
        },
        project: {
          self: `${base}/rest/api/2/project/10001`,
          id: "10001",
          key: "PAY",
          name: "Payments",
          projectTypeKey: "software",
          simplified: false,
          avatarUrls: {
            "48x48": `${base}/rest/api/2/universal_avatar/view/type/project/avatar/10412`,
            "24x24": `${base}/rest/api/2/universal_avatar/view/type/project/avatar/10412?size=small`,
          },
        },
        components: [{ self: `${base}/rest/api/2/component/10023`, id: "10023", name: "payments-api" }],
        labels: ["incident", "refunds"],
        priority: {
          self: `${base}/rest/api/2/priority/2`,
          iconUrl: `${base}/images/icons/priorities/high.svg`,
          name: "High",
          id: "2",
        },
        status: {
          self: `${base}/rest/api/2/status/10000`,
          description: "",
          iconUrl: `${base}/`,
          name: "To Do",
          id: "10000",
          statusCategory: {
            self: `${base}/rest/api/2/statuscategory/2`,
            id: 2,
            key: "new",
            colorName: "blue-gray",
            name: "To Do",
          },
        },
        summary: "Duplicate refunds after retry storm (INC-1287)",
        description:
          "Follow-up of INC-1287: bound the retry loop in RefundNotifier and add an idempotency key " +
          "on the refund call. Customers in München and Zürich affected.",
        creator: reporter,
        reporter,
        assignee: null,
        created: "2025-06-02T10:43:10.112+0200",
        updated: "2025-06-02T10:43:10.112+0200",
        duedate: null,
        resolution: null,
        fixVersions: [],
        versions: [],
        watches: { self: `${base}/rest/api/2/issue/PAY-771/watchers`, watchCount: 1, isWatching: true },
        votes: { self: `${base}/rest/api/2/issue/PAY-771/votes`, votes: 0, hasVoted: false },
      },
    },
    changelog: { id: "11382", items: [] },
  };
}

/** A generic sender (a Datadog-style monitor alert). */
export function genericAlert() {
  return {
    event_type: "monitor.triggered",
    id: "7c3f2b9e-41d6-4a5f-9d0e-2b1c8e7f6a5d",
    title: "[Triggered] payments-api error rate > 5%",
    service: "payments-api",
    coralogix_team_name: "payments",
    severity: "critical",
    priority: "P1",
    tags: ["env:prod", "service:payments-api", "team:payments", "region:eu-central-1"],
    alert_url: "https://app.datadoghq.eu/monitors/11223344?group=service%3Apayments-api",
    last_updated: "2025-06-02T08:40:58Z",
    body: "Error rate 7.3% (threshold 5%) over the last 5 min on POST /refunds.",
  };
}
