import { describe, expect, it } from "vitest";
import { generic } from "../../../shared/providers/generic";
import { github } from "../../../shared/providers/github";
import { incidentio } from "../../../shared/providers/incidentio";
import { jira } from "../../../shared/providers/jira";
import { pagerduty } from "../../../shared/providers/pagerduty";
import { slack } from "../../../shared/providers/slack";
import { collectIdentifiers, IDENTIFIER_PRIORITY } from "../../../shared/routing/identifiers";

describe("IDENTIFIER_PRIORITY", () => {
  it("is seed 000's lookup priority order", () => {
    expect(IDENTIFIER_PRIORITY).toEqual([
      "incidentio_team_id",
      "pagerduty_service_id",
      "slack_channel_id",
      "github_repo",
      "coralogix_team_name",
      "incidentio_alert_source_id",
      "service",
    ]);
  });

  it("collectIdentifiers keeps the first non-empty string per kind, trimmed", () => {
    expect(
      collectIdentifiers({ slack_channel_id: [undefined, 42, "  ", " C1 ", "C2"], service: [{ name: "x" }] }),
    ).toEqual({ slack_channel_id: "C1" });
  });
});

describe("slack.identifiers", () => {
  it("event_callback message: event.channel", () => {
    const payload = {
      token: "XXYYZZ",
      team_id: "T0001",
      api_app_id: "A0001",
      type: "event_callback",
      event_id: "Ev08MFMKH6",
      event_time: 1_700_000_000,
      event: {
        type: "message",
        channel: "C0A4967KRBM",
        user: "U2147483697",
        text: "checkout is returning 500s",
        ts: "1700000000.000100",
        channel_type: "channel",
        event_ts: "1700000000.000100",
      },
    };
    expect(slack.identifiers(payload)).toEqual({ slack_channel_id: "C0A4967KRBM" });
  });

  it("event_callback app_mention: event.channel", () => {
    const payload = {
      type: "event_callback",
      event_id: "Ev0PV52K25",
      event: {
        type: "app_mention",
        user: "W021FGA1UUT",
        text: "<@U0LAN0Z89> investigate the error spike",
        ts: "1515449483.000108",
        channel: "C123ABC456",
        event_ts: "1515449483000108",
      },
    };
    expect(slack.identifiers(payload)).toEqual({ slack_channel_id: "C123ABC456" });
  });

  it("event_callback reaction_added: event.item.channel", () => {
    const payload = {
      type: "event_callback",
      event_id: "Ev0PV52K26",
      event: {
        type: "reaction_added",
        user: "U123ABC456",
        reaction: "eyes",
        item_user: "U222222222",
        item: { type: "message", channel: "C0G9QF9GZ", ts: "1360782400.498405" },
        event_ts: "1360782804.083113",
      },
    };
    expect(slack.identifiers(payload)).toEqual({ slack_channel_id: "C0G9QF9GZ" });
  });

  it("block_actions interaction: channel.id (container.channel_id agrees)", () => {
    const payload = {
      type: "block_actions",
      user: { id: "U0CA5", username: "amy", team_id: "T3MDE" },
      api_app_id: "A0CA5",
      token: "Shh_its_a_seekrit",
      container: {
        type: "message",
        message_ts: "1548261231.000200",
        channel_id: "C0CA5N5HB",
        is_ephemeral: false,
      },
      trigger_id: "12466734323.1395872398",
      team: { id: "T3MDE", domain: "example" },
      channel: { id: "C0CA5N5HB", name: "incident-checkout" },
      response_url: "https://hooks.slack.com/actions/T3MDE/123/abc",
      actions: [
        { action_id: "ack", block_id: "b1", type: "button", value: "ack", action_ts: "1548426417.840180" },
      ],
    };
    expect(slack.identifiers(payload)).toEqual({ slack_channel_id: "C0CA5N5HB" });
  });

  it("interaction with only container.channel_id", () => {
    const payload = {
      type: "block_actions",
      container: { type: "message", message_ts: "1548261231.000200", channel_id: "C0CONTAINER" },
      actions: [],
    };
    expect(slack.identifiers(payload)).toEqual({ slack_channel_id: "C0CONTAINER" });
  });

  it("slash command form fields: channel_id", () => {
    const fields = {
      token: "gIkuvaNzQIHg97ATvDxqgjtO",
      team_id: "T0001",
      team_domain: "example",
      channel_id: "C2147483705",
      channel_name: "test",
      user_id: "U2147483697",
      user_name: "Steve",
      command: "/investigate",
      text: "checkout latency",
      response_url: "https://hooks.slack.com/commands/1234/5678",
      trigger_id: "13345224609.738474920.8088930838d88f008e0",
    };
    expect(slack.identifiers(fields)).toEqual({ slack_channel_id: "C2147483705" });
  });

  it("events that carry no channel: view_submission, team_join", () => {
    expect(
      slack.identifiers({
        type: "view_submission",
        user: { id: "U1" },
        view: { id: "V1", state: { values: {} } },
      }),
    ).toEqual({});
    expect(
      slack.identifiers({
        type: "event_callback",
        event: { type: "team_join", user: { id: "U1", name: "new" } },
      }),
    ).toEqual({});
  });
});

describe("github.identifiers", () => {
  it("issues.opened: repository.full_name", () => {
    const payload = {
      action: "opened",
      issue: { number: 42, title: "Checkout 500s", state: "open", user: { login: "octocat" } },
      repository: {
        id: 1296269,
        name: "mono-repo",
        full_name: "incidentfox/mono-repo",
        owner: { login: "incidentfox", type: "Organization" },
        private: true,
      },
      sender: { login: "octocat" },
      installation: { id: 123 },
    };
    expect(github.identifiers(payload)).toEqual({ github_repo: "incidentfox/mono-repo" });
  });

  it("pull_request.opened: repository.full_name", () => {
    const payload = {
      action: "opened",
      number: 7,
      pull_request: {
        number: 7,
        title: "Fix retry storm",
        head: { ref: "fix", repo: { full_name: "someone/fork" } },
        base: { ref: "main", repo: { full_name: "incidentfox/mono-repo" } },
      },
      repository: { full_name: "incidentfox/mono-repo", name: "mono-repo" },
      sender: { login: "someone" },
    };
    expect(github.identifiers(payload)).toEqual({ github_repo: "incidentfox/mono-repo" });
  });

  it("an installation event carries no repository", () => {
    expect(
      github.identifiers({ action: "created", installation: { id: 1, account: { login: "incidentfox" } } }),
    ).toEqual({});
  });
});

describe("pagerduty.identifiers", () => {
  it("V3 incident.triggered: event.data.service id and summary", () => {
    const payload = {
      event: {
        id: "01DEN4HPBQAAAG05V5QQYBRZMF",
        event_type: "incident.triggered",
        resource_type: "incident",
        occurred_at: "2020-10-02T18:45:22.169Z",
        agent: { id: "PLH1HKV", type: "user_reference", summary: "Tenex Engineer" },
        client: null,
        data: {
          id: "PGR0VU2",
          type: "incident",
          self: "https://api.pagerduty.com/incidents/PGR0VU2",
          html_url: "https://acme.pagerduty.com/incidents/PGR0VU2",
          number: 2,
          status: "triggered",
          incident_key: "d3640fbd41094207a1c11e58e46b1662",
          created_at: "2020-04-09T15:16:27Z",
          title: "A little bump in the road",
          service: {
            html_url: "https://acme.pagerduty.com/services/PF9KMXH",
            id: "PF9KMXH",
            self: "https://api.pagerduty.com/services/PF9KMXH",
            summary: "checkout",
            type: "service_reference",
          },
          assignees: [{ id: "PTUXL6G", type: "user_reference", summary: "User 123" }],
          escalation_policy: { id: "PUS0KTE", type: "escalation_policy_reference", summary: "Default" },
          teams: [{ id: "PFCVPS0", type: "team_reference", summary: "Engineering" }],
          priority: { id: "PSO75BM", type: "priority_reference", summary: "P1" },
          urgency: "high",
        },
      },
    };
    expect(pagerduty.identifiers(payload)).toEqual({ pagerduty_service_id: "PF9KMXH", service: "checkout" });
  });

  it("V2 message: incident.service id and name", () => {
    const message = {
      id: "bb8b8fe0-e8d5-11e2-9c1e-22000afd16cf",
      event: "incident.trigger",
      created_on: "2013-07-09T20:25:44Z",
      incident: {
        id: "PIJ90N7",
        incident_number: 1,
        status: "triggered",
        service: {
          id: "PBAZLIU",
          name: "payment",
          html_url: "https://acme.pagerduty.com/services/PBAZLIU",
          summary: "payment",
        },
        trigger_summary_data: { subject: "CPU high" },
      },
    };
    expect(pagerduty.identifiers(message)).toEqual({ pagerduty_service_id: "PBAZLIU", service: "payment" });
  });

  it("V3 pagey.ping carries none", () => {
    expect(
      pagerduty.identifiers({
        event: {
          id: "X",
          event_type: "pagey.ping",
          resource_type: "pagey",
          occurred_at: "2024-01-01T00:00:00Z",
          data: { message: "Hello" },
        },
      }),
    ).toEqual({});
  });
});

describe("incidentio.identifiers", () => {
  const alert = {
    event_type: "public_alert.alert_created_v1",
    "public_alert.alert_created_v1": {
      id: "01GW2G3V0S59R238FAHPDS1R66",
      alert_source_id: "01GW2G3V0S59R238FAHPDS1R67",
      deduplication_key: "unique-key",
      status: "firing",
      title: "*errors* on *Orders*",
      description: "Error rate above 5%",
      source_url: "https://grafana.example.com/alerts/1",
      created_at: "2021-08-17T13:28:57.801578Z",
      updated_at: "2021-08-17T13:28:57.801578Z",
      attributes: [
        {
          attribute: {
            id: "01FCNDV6P870EA6S7TK1DSYDG0",
            name: "Team",
            type: 'CatalogEntry["Team"]',
            array: false,
          },
          value: {
            catalog_entry: {
              id: "01HTEAMSRE0000000000000000",
              name: "SRE",
              catalog_type_id: "01FCNDV6P870EA6S7TK1DSYDG1",
              external_id: "sre",
            },
            label: "SRE",
          },
        },
        {
          attribute: {
            id: "01FCNDV6P870EA6S7TK1DSYDG2",
            name: "Affected services",
            type: 'CatalogEntry["Service"]',
            array: true,
          },
          array_value: [
            { catalog_entry: { id: "01HSVCPAYMENT0000000000000", name: "payment" }, label: "payment" },
            { catalog_entry: { id: "01HSVCCHECKOUT000000000000", name: "checkout" }, label: "checkout" },
          ],
        },
        {
          attribute: { id: "01FCNDV6P870EA6S7TK1DSYDG3", name: "Severity", type: "String", array: false },
          value: { literal: "critical" },
        },
      ],
    },
  };

  it("public_alert.alert_created_v1: alert_source_id under the event-type key, catalog team and service", () => {
    expect(incidentio.identifiers(alert)).toEqual({
      incidentio_alert_source_id: "01GW2G3V0S59R238FAHPDS1R67",
      incidentio_team_id: "01HTEAMSRE0000000000000000",
      service: "payment",
    });
  });

  it("alert_source_config_id at the top level, as in seed 000", () => {
    expect(
      incidentio.identifiers({
        alert_source_config_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J",
        title: "High error rate",
      }),
    ).toEqual({ incidentio_alert_source_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J" });
    expect(
      incidentio.identifiers({
        event_type: "public_alert.alert_created_v1",
        alert_source_config_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J",
        "public_alert.alert_created_v1": { id: "01A", title: "x", status: "firing" },
      }),
    ).toEqual({ incidentio_alert_source_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J" });
  });

  it("a service attribute given only by label", () => {
    const payload = {
      event_type: "public_alert.alert_created_v1",
      "public_alert.alert_created_v1": {
        alert_source_id: "01S",
        attributes: [{ attribute: { name: "Service" }, value: { label: "search" } }],
      },
    };
    expect(incidentio.identifiers(payload)).toEqual({ incidentio_alert_source_id: "01S", service: "search" });
  });

  it("private_incident.incident_created_v2 carries no routing identifier", () => {
    expect(
      incidentio.identifiers({
        event_type: "private_incident.incident_created_v2",
        "private_incident.incident_created_v2": { id: "01FCNDV6P870EA6S7TK1DSYDG0" },
      }),
    ).toEqual({});
  });

  it("public_incident.incident_created_v2 without catalog attributes carries none either", () => {
    expect(
      incidentio.identifiers({
        event_type: "public_incident.incident_created_v2",
        "public_incident.incident_created_v2": {
          id: "01FDAG4SAP5TYPT98WGR2N7W91",
          name: "Our database is sad",
          reference: "INC-123",
          severity: { id: "01FH5TZRWMNAFB0DZ23FD1TV96", name: "Minor", rank: 1 },
          incident_status: { id: "01FH5TZRWMNAFB0DZ23FD1TV97", name: "Triage", category: "triage" },
          custom_field_entries: [],
        },
      }),
    ).toEqual({});
  });
});

describe("generic.identifiers", () => {
  it("a Coralogix alert: coralogix_team_name and service", () => {
    const payload = {
      event_type: "alert",
      alert_name: "checkout error rate",
      alert_severity: "critical",
      coralogix_team_name: "otel-demo",
      service: "checkout",
      application: "otel-demo",
      subsystem: "checkout",
    };
    expect(generic.identifiers(payload)).toEqual({ coralogix_team_name: "otel-demo", service: "checkout" });
  });

  it("explicit identifiers a sender may carry", () => {
    expect(
      generic.identifiers({
        service: "payment",
        slack_channel_id: "C0A4967KRBM",
        github_repo: "o/r",
        team_name: "t",
      }),
    ).toEqual({
      service: "payment",
      slack_channel_id: "C0A4967KRBM",
      github_repo: "o/r",
      coralogix_team_name: "t",
    });
  });

  it("a body with none", () => {
    expect(generic.identifiers({ event_type: "deploy", version: "1.2.3" })).toEqual({});
    expect(generic.identifiers({ service: { name: "not-a-string" } })).toEqual({});
  });
});

describe("jira.identifiers", () => {
  it("jira:issue_created: the first component is the service", () => {
    const payload = {
      timestamp: 1_700_000_000_000,
      webhookEvent: "jira:issue_created",
      issue_event_type_name: "issue_created",
      user: { accountId: "5b10a2844c20165700ede21g", displayName: "Amy" },
      issue: {
        id: "10002",
        key: "OPS-42",
        fields: {
          summary: "Checkout returns 500",
          project: { id: "10000", key: "OPS", name: "Operations" },
          issuetype: { name: "Incident" },
          components: [
            { id: "10100", name: "payment" },
            { id: "10101", name: "checkout" },
          ],
          labels: ["sev1"],
        },
      },
    };
    expect(jira.identifiers(payload)).toEqual({ service: "payment" });
  });

  it("an issue without components, and a comment event without an issue", () => {
    expect(
      jira.identifiers({
        webhookEvent: "jira:issue_updated",
        issue: { key: "OPS-1", fields: { components: [] } },
      }),
    ).toEqual({});
    expect(jira.identifiers({ webhookEvent: "comment_created", comment: { id: "1", body: "hi" } })).toEqual(
      {},
    );
  });
});
