import type { AgentClient } from "../agent/agent-client";
import type { RouterConfig } from "../config/router-config";
import type { EventRecorder } from "../events/event-recorder";
import type { PayloadReader } from "../payloads/payload-store";
import type { TeamResolver } from "../routing/team";
import type { TeamTokens } from "../secrets/team-tokens";
import type { SlackNotifier } from "../slack/slack-notifier";
import type { DeliveryGuard } from "./delivery-guard";
import type { DestinationBreakers } from "./destination-breaker";
import type { MessageVisibility } from "./message-visibility";

/** The router's ports, built once per container and shared by its invocations. */
export interface RouterDeps {
  config: RouterConfig;
  teams: TeamResolver;
  agent: AgentClient;
  /** Per destination: a circuit breaker and a limit on calls in flight, for the life of the container. */
  breakers: DestinationBreakers;
  tokens: TeamTokens;
  events: EventRecorder;
  guard: DeliveryGuard;
  visibility: MessageVisibility;
  slack: SlackNotifier;
  /** Reads back payloads ingest stored apart (v2 envelopes); without it those are rejected. */
  payloads?: PayloadReader;
  now?: () => Date;
  random?: () => number;
}
