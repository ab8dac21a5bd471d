import { describe, expect, it } from "vitest";
import {
  parseSecretList,
  parseSecretMap,
  parseSourceSecrets,
  secretFormat,
} from "../../../shared/secrets/secret-values";
import { UnusableSecretError } from "../../../shared/secrets/unusable-secret-error";
import { expectNoSecretIn } from "./secret-fragments";

const KEY = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_KEY = `whsec_${Buffer.from("another signing key").toString("base64")}`;

/** The error a parse throws, checked to be an UnusableSecretError naming `secretName`. */
function refusal(parse: () => unknown, secretName: string): string {
  let thrown: unknown;
  try {
    parse();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UnusableSecretError);
  expect((thrown as UnusableSecretError).secretName).toBe(secretName);
  return (thrown as Error).message;
}

describe("secretFormat", () => {
  it("knows which secrets are Standard Webhooks secrets", () => {
    expect(secretFormat("INCIDENTIO_WEBHOOK_SECRET")).toBe("standard-webhooks");
    expect(secretFormat("AGENT_SIGNING_SECRET")).toBe("standard-webhooks");
    for (const name of ["SLACK_SIGNING_SECRET", "GITHUB_WEBHOOK_SECRET", "JIRA_WEBHOOK_SECRET", "x"]) {
      expect(secretFormat(name)).toBe("plain");
    }
  });
});

describe("parseSecretList: plain secrets", () => {
  const parse = (value: string | undefined) => parseSecretList(value, "GITHUB_WEBHOOK_SECRET");

  it("takes a plain value as one secret, trimmed", () => {
    expect(parse("s3cret")).toEqual(["s3cret"]);
    expect(parse("  s3cret\n")).toEqual(["s3cret"]);
  });

  it("takes a JSON array as several active secrets (rotation)", () => {
    expect(parse('["old","new"]')).toEqual(["old", "new"]);
    expect(parse(' [ "old" , "new" ] ')).toEqual(["old", "new"]);
  });

  it("is no secrets when nothing is configured (the reader reports that)", () => {
    expect(parse(undefined)).toEqual([]);
  });

  it("refuses every value that holds no key, naming the secret and the entry", () => {
    const cases: Array<[string, string]> = [
      ["", "GITHUB_WEBHOOK_SECRET is empty"],
      [" \n\t ", "GITHUB_WEBHOOK_SECRET is empty"],
      ["[]", "GITHUB_WEBHOOK_SECRET is an empty JSON array: list at least one active secret"],
      [" [ ] ", "GITHUB_WEBHOOK_SECRET is an empty JSON array"],
      ['[""]', "GITHUB_WEBHOOK_SECRET[0] is empty"],
      ['["", "  "]', "GITHUB_WEBHOOK_SECRET[0] is empty"],
      // An empty entry beside a good one is a mistake too: refused, not silently dropped.
      ['["Zq7xK9pWm2", ""]', "GITHUB_WEBHOOK_SECRET[1] is empty"],
      ["[1,2]", "GITHUB_WEBHOOK_SECRET[0] must be a string, not number"],
      ['["Zq7xK9pWm2",null]', "GITHUB_WEBHOOK_SECRET[1] must be a string, not null"],
      ['[["Zq7xK9pWm2"]]', "GITHUB_WEBHOOK_SECRET[0] must be a string, not an array"],
      ['[{"k":"Zq7xK9pWm2"}]', "GITHUB_WEBHOOK_SECRET[0] must be a string, not object"],
      ["<GitHub webhook secret>", "GITHUB_WEBHOOK_SECRET still holds a placeholder from the README"],
      ['["<old secret>","<new secret>"]', "GITHUB_WEBHOOK_SECRET[0] still holds a placeholder"],
      ["xoxb-…", "GITHUB_WEBHOOK_SECRET still holds a placeholder"],
    ];
    for (const [value, problem] of cases) {
      const message = refusal(() => parse(value), "GITHUB_WEBHOOK_SECRET");
      expect(message, value).toContain(problem);
      expectNoSecretIn(message, ["Zq7xK9pWm2"]);
    }
  });

  it("refuses broken JSON with the position only: V8's message would quote the secret", () => {
    for (const value of ['["Zq7xK9pWm2"', '["Zq7xK9pWm2",]', '["Zq7xK9pWm2" "Rt5yU8iOp1"]', "[Zq7xK9pWm2]"]) {
      const message = refusal(() => parse(value), "GITHUB_WEBHOOK_SECRET");
      expect(message).toMatch(
        /^GITHUB_WEBHOOK_SECRET is not valid JSON( \(syntax error at character \d+\))?: it must be a JSON array of strings/,
      );
      expectNoSecretIn(message, ["Zq7xK9pWm2", "Rt5yU8iOp1"]);
    }
    expect(refusal(() => parse('["Zq7xK9pWm2"'), "GITHUB_WEBHOOK_SECRET")).toContain("at character 13");
  });

  it("names the secret it was given, or says `the secret` for tools that give none", () => {
    expect(() => parseSecretList("")).toThrow(/^the secret is empty/);
    expect(() => parseSecretList("[]", "JIRA_WEBHOOK_SECRET")).toThrow(/^JIRA_WEBHOOK_SECRET is an empty/);
  });

  it("takes any non-empty text as a plain key, whsec_ included", () => {
    expect(parse("whsec_")).toEqual(["whsec_"]);
  });
});

describe("parseSecretList: Standard Webhooks secrets", () => {
  const parse = (value: string) => parseSecretList(value, "INCIDENTIO_WEBHOOK_SECRET");

  it("takes whsec_ secrets, one or several, and base64 without the prefix", () => {
    expect(parse(KEY)).toEqual([KEY]);
    expect(parse(` ${KEY}\n`)).toEqual([KEY]);
    expect(parse(JSON.stringify([KEY, OTHER_KEY]))).toEqual([KEY, OTHER_KEY]);
    expect(parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toEqual(["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    expect(parse("whsec_YQ==")).toEqual(["whsec_YQ=="]);
  });

  it("refuses a secret that is not strict base64 of at least one byte after whsec_", () => {
    const rule =
      "is not a usable Standard Webhooks secret: after whsec_ it must be base64 of at least 1 byte";
    const cases: Array<[string, string]> = [
      // The README's own placeholders: Node's lenient decoder makes an empty key of both.
      ["whsec_…", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      ["whsec_<base64 key the agent verifies with>", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      ["whsec_", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      ["whsec_Zq7xK9pW!m2=", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      ["whsec_Zq7xK9pWm2", `INCIDENTIO_WEBHOOK_SECRET ${rule}`], // 10 characters: not a whole encoding
      ["whsec_Zq7xK9pWm2Q", `INCIDENTIO_WEBHOOK_SECRET ${rule}`], // unpadded
      ["whsec_Zq7x-9pW_m2Q", `INCIDENTIO_WEBHOOK_SECRET ${rule}`], // base64url, not base64
      ["whsec_Zq7xK9pW m2Q=", `INCIDENTIO_WEBHOOK_SECRET ${rule}`], // a space inside
      ["whsec_YR==", `INCIDENTIO_WEBHOOK_SECRET ${rule}`], // stray bits: not the key's own encoding
      ["whsec_====", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      ["whsec_whsec_Zq7xK9pWm2Q=", `INCIDENTIO_WEBHOOK_SECRET ${rule}`],
      [JSON.stringify([KEY, "whsec_"]), `INCIDENTIO_WEBHOOK_SECRET[1] ${rule}`],
      ['["whsec_Zq7xK9pWm2Q"]', `INCIDENTIO_WEBHOOK_SECRET[0] ${rule}`],
      ["", "INCIDENTIO_WEBHOOK_SECRET is empty"],
      ["[]", "INCIDENTIO_WEBHOOK_SECRET is an empty JSON array"],
    ];
    for (const [value, problem] of cases) {
      const message = refusal(() => parse(value), "INCIDENTIO_WEBHOOK_SECRET");
      expect(message, value).toContain(problem);
      expectNoSecretIn(message, [KEY, "Zq7xK9pWm2Q="]);
    }
  });

  it("checks AGENT_SIGNING_SECRET the same way", () => {
    expect(refusal(() => parseSecretList("whsec_…", "AGENT_SIGNING_SECRET"), "AGENT_SIGNING_SECRET")).toMatch(
      /^AGENT_SIGNING_SECRET is not a usable Standard Webhooks secret/,
    );
  });

  it("checks a format given explicitly, whatever the name", () => {
    expect(() => parseSecretList("whsec_", "a source", "standard-webhooks")).toThrow(
      /^a source is not a usable Standard Webhooks secret/,
    );
  });
});

describe("parseSourceSecrets", () => {
  it("maps each source to its secrets, a string or an array", () => {
    const map = parseSourceSecrets('{"coralogix":" tok ","datadog":["old","new"]}');
    expect([...map.entries()]).toEqual([
      ["coralogix", ["tok"]],
      ["datadog", ["old", "new"]],
    ]);
  });

  it("is empty when nothing is configured, or the object lists no source", () => {
    expect(parseSourceSecrets(undefined).size).toBe(0);
    expect(parseSourceSecrets("{}").size).toBe(0);
  });

  it("keeps an unusable entry's error for that source alone", () => {
    const map = parseSourceSecrets(
      '{"datadog":"dd-Zq7xK9pWm2","a":null,"b":42,"c":{"k":"Zq7xK9pWm2"},"d":[1],"e":"","f":"  ","g":[],"h":["Zq7xK9pWm2",""],"i":true}',
    );
    expect(map.get("datadog")).toEqual(["dd-Zq7xK9pWm2"]);
    const problems = Object.fromEntries(
      [...map].filter(([, v]) => v instanceof UnusableSecretError).map(([k, v]) => [k, (v as Error).message]),
    );
    expect(problems).toEqual({
      a: 'GENERIC_WEBHOOK_SECRETS["a"] must be a string, not null',
      b: 'GENERIC_WEBHOOK_SECRETS["b"] must be a string, not number',
      c: 'GENERIC_WEBHOOK_SECRETS["c"] must be a string, not object',
      d: 'GENERIC_WEBHOOK_SECRETS["d"][0] must be a string, not number',
      e: expect.stringMatching(/^GENERIC_WEBHOOK_SECRETS\["e"\] is empty/),
      f: expect.stringMatching(/^GENERIC_WEBHOOK_SECRETS\["f"\] is empty/),
      g: expect.stringMatching(/^GENERIC_WEBHOOK_SECRETS\["g"\] is an empty JSON array/),
      h: expect.stringMatching(/^GENERIC_WEBHOOK_SECRETS\["h"\]\[1\] is empty/),
      i: 'GENERIC_WEBHOOK_SECRETS["i"] must be a string, not boolean',
    });
    for (const message of Object.values(problems)) expectNoSecretIn(message, ["Zq7xK9pWm2"]);
  });

  it("refuses a value that is no JSON object, quoting nothing of it", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /^GENERIC_WEBHOOK_SECRETS is empty: it must be a JSON object/],
      ["  ", /^GENERIC_WEBHOOK_SECRETS is empty/],
      ['["Zq7xK9pWm2"]', /^GENERIC_WEBHOOK_SECRETS must be a JSON object .* not an array$/],
      ["null", /not null$/],
      ['"Zq7xK9pWm2"', /not string$/],
      [
        '{"datadog":"Zq7xK9pWm2"',
        /^GENERIC_WEBHOOK_SECRETS is not valid JSON \(syntax error at character 23\)/,
      ],
      ['{"datadog":Zq7xK9pWm2}', /^GENERIC_WEBHOOK_SECRETS is not valid JSON: it must be a JSON object/],
      ["Zq7xK9pWm2", /^GENERIC_WEBHOOK_SECRETS is not valid JSON/],
    ];
    for (const [value, problem] of cases) {
      const message = refusal(() => parseSourceSecrets(value), "GENERIC_WEBHOOK_SECRETS");
      expect(message, value).toMatch(problem);
      expectNoSecretIn(message, ["Zq7xK9pWm2"]);
    }
  });

  it("keeps source names that collide with Object.prototype members as plain keys", () => {
    const map = parseSourceSecrets('{"__proto__":"p","constructor":"c"}');
    expect(map.get("__proto__")).toEqual(["p"]);
    expect(map.get("constructor")).toEqual(["c"]);
    expect(map.get("toString")).toBeUndefined();
  });
});

describe("parseSecretMap", () => {
  it("gives every source's secrets to tools that sign as one", () => {
    expect(parseSecretMap('{"demo":"d","datadog":["old","new"]}')).toEqual(
      new Map([
        ["demo", ["d"]],
        ["datadog", ["old", "new"]],
      ]),
    );
    expect(parseSecretMap(undefined).size).toBe(0);
  });

  it("throws the first unusable entry's error", () => {
    expect(refusal(() => parseSecretMap('{"ok":"x","a":""}'), "GENERIC_WEBHOOK_SECRETS")).toMatch(
      /^GENERIC_WEBHOOK_SECRETS\["a"\] is empty/,
    );
  });
});
