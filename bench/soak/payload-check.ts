import type { AgentRequestRecord, PayloadDigest } from "../../local/faults/soak-agent";

export interface PayloadMismatch {
  key: string;
  eventId: string;
  signed: PayloadDigest;
  received: PayloadDigest;
}

export interface PayloadCheck {
  /** Agent requests whose payload was compared with what its sender signed. */
  compared: number;
  mismatched: PayloadMismatch[];
  /** Agent requests whose body was not an agent request (the metadata, then the payload text). */
  notAgentRequests: number;
}

/**
 * Every payload the agent received against the one its sender signed, by delivery key: the text
 * must be the same bytes (a re-serialised payload loses big integers, spacing, key order, escapes).
 * A key the soak never sent is counted elsewhere (delivered without an acknowledgement).
 */
export function checkPayloads(
  signed: ReadonlyMap<string, PayloadDigest>,
  agent: readonly AgentRequestRecord[],
): PayloadCheck {
  const check: PayloadCheck = { compared: 0, mismatched: [], notAgentRequests: 0 };
  for (const record of agent) {
    if (!record.payload) {
      check.notAgentRequests += 1;
      continue;
    }
    const expected = signed.get(record.key);
    if (!expected) continue;
    check.compared += 1;
    if (expected.sha256 !== record.payload.sha256) {
      check.mismatched.push({
        key: record.key,
        eventId: record.eventId,
        signed: expected,
        received: record.payload,
      });
    }
  }
  return check;
}
