import { describe, expect, it } from "vitest";
import { agentUrlProblem } from "../../../shared/agent/agent-url";

const STRICT = { allowLocalHttp: false };
const LOCAL = { allowLocalHttp: true };

describe("agentUrlProblem: allowed", () => {
  it.each([
    "https://agent.example.com/invoke",
    "https://agent.example.com:8443/teams/sre?region=eu",
    "https://8.8.8.8/invoke",
    "https://172.32.0.1/", // just outside 172.16.0.0/12
    "https://100.128.0.1/", // just outside 100.64.0.0/10
    "https://169.253.255.255/",
    "https://11.0.0.1/",
    "https://[2001:db8::1]/invoke",
    "https://[::ffff:8.8.8.8]/", // IPv4-mapped public address
    "https://localhost.example.com/", // a public name that merely starts with localhost
    "https://metadata.example.com/",
  ])("%s", (url) => {
    expect(agentUrlProblem(url, STRICT)).toBeUndefined();
    expect(agentUrlProblem(url, LOCAL)).toBeUndefined();
  });
});

describe("agentUrlProblem: the local pipeline's exception", () => {
  it.each([
    "http://127.0.0.1:9000/invoke",
    "https://127.0.0.1/",
    "http://localhost/invoke",
    "https://localhost:4443/x",
    "http://LOCALHOST:1/", // the parser lower-cases host names
    "http://2130706433:9000/", // the same 127.0.0.1, spelled as one number
  ])("%s is allowed only with allowLocalHttp", (url) => {
    expect(agentUrlProblem(url, LOCAL)).toBeUndefined();
    expect(agentUrlProblem(url, STRICT)).toMatch(
      /loopback.*allowed only in the local pipeline \(npm start\)/,
    );
  });

  it.each([
    ["http://127.0.0.2/", /127\.0\.0\.2, a loopback address \(127\.0\.0\.0\/8\)/],
    ["http://[::1]/", /\[::1\], the loopback address \(::1\)/],
    ["http://dev.localhost/", /dev\.localhost, a loopback name/],
    ["http://10.0.0.5/", /private address \(10\.0\.0\.0\/8\)/],
    ["http://agent.example.com/", /plain http:\/\/ but agents are called over https:\/\/ only/],
    ["http://user:pw@127.0.0.1/", /user name or password/],
  ])("%s is still refused with allowLocalHttp", (url, problem) => {
    expect(agentUrlProblem(url, LOCAL)).toMatch(problem);
  });
});

describe("agentUrlProblem: refused", () => {
  it.each([
    // scheme
    ["http://agent.example.com/invoke", /uses plain http:\/\/ but agents are called over https:\/\/ only/],
    ["ftp://agent.example.com/", /uses ftp:\/\/ but agents are called over https:\/\/ only/],
    ["file:///etc/passwd", /uses file:\/\//],
    ["javascript:alert(1)", /uses javascript:\/\//],
    // user info
    ["https://user:secret@agent.example.com/", /user name or password \(user:pass@host\)/],
    ["https://user@agent.example.com/", /user name or password/],
    ["https://:secret@agent.example.com/", /user name or password/],
    // loopback
    ["https://127.0.0.1/", /127\.0\.0\.1, a loopback address \(127\.0\.0\.0\/8\)/],
    ["https://127.255.255.254/", /a loopback address/],
    ["https://localhost/", /localhost, a loopback name/],
    ["https://localhost./", /a loopback name/],
    ["https://api.localhost/", /a loopback name/],
    ["https://ｌｏｃａｌｈｏｓｔ/", /localhost, a loopback name/], // full-width letters, mapped by IDNA
    ["https://[::1]/", /the loopback address \(::1\)/],
    ["https://[0:0:0:0:0:0:0:1]/", /the loopback address \(::1\)/],
    // odd IPv4 spellings the parser normalises to 127.0.0.1
    ["https://2130706433/", /127\.0\.0\.1, a loopback address/],
    ["https://0x7f.1/", /127\.0\.0\.1, a loopback address/],
    ["https://0x7f000001/", /127\.0\.0\.1, a loopback address/],
    ["https://0177.0.0.1/", /127\.0\.0\.1, a loopback address/],
    ["https://127.1/", /127\.0\.0\.1, a loopback address/],
    ["https://127.0.0.1./", /127\.0\.0\.1, a loopback address/],
    ["https://0xa9.0xfe.0xa9.0xfe/", /169\.254\.169\.254, the cloud metadata address/],
    ["https://167772161/", /10\.0\.0\.1, a private address \(10\.0\.0\.0\/8\)/],
    // link-local
    ["https://169.254.1.1/", /a link-local address \(169\.254\.0\.0\/16\)/],
    ["https://[fe80::1]/", /a link-local address \(fe80::\/10\)/],
    ["https://[febf::1]/", /a link-local address \(fe80::\/10\)/],
    // private
    ["https://10.1.2.3/", /a private address \(10\.0\.0\.0\/8\)/],
    ["https://172.16.0.1/", /a private address \(172\.16\.0\.0\/12\)/],
    ["https://172.31.255.255/", /a private address \(172\.16\.0\.0\/12\)/],
    ["https://192.168.1.10/", /a private address \(192\.168\.0\.0\/16\)/],
    ["https://100.64.0.1/", /a carrier-grade NAT address \(100\.64\.0\.0\/10\)/],
    ["https://100.127.255.255/", /a carrier-grade NAT address/],
    ["https://[fc00::1]/", /a unique local \(private\) address \(fc00::\/7\)/],
    ["https://[fd12:3456::1]/", /a unique local \(private\) address/],
    // unspecified
    ["https://0.0.0.0/", /an unspecified address \(0\.0\.0\.0\/8\)/],
    ["https://0/", /0\.0\.0\.0, an unspecified address/],
    ["https://[::]/", /the unspecified address \(::\)/],
    // IPv4 inside IPv6
    ["https://[::ffff:127.0.0.1]/", /an IPv4-mapped form of a loopback address \(127\.0\.0\.0\/8\)/],
    ["https://[::ffff:7f00:1]/", /an IPv4-mapped form of a loopback address/],
    ["https://[::127.0.0.1]/", /an IPv4-compatible form of a loopback address/],
    ["https://[::ffff:10.0.0.1]/", /an IPv4-mapped form of a private address \(10\.0\.0\.0\/8\)/],
    ["https://[::ffff:169.254.169.254]/", /an IPv4-mapped form of the cloud metadata address/],
    ["https://[::ffff:0.0.0.0]/", /an IPv4-mapped form of an unspecified address/],
    // cloud metadata
    ["https://169.254.169.254/latest/meta-data/", /the cloud metadata address \(169\.254\.169\.254\)/],
    ["https://[fd00:ec2::254]/", /the cloud metadata address \(fd00:ec2::254\)/],
    ["https://[fd00:0ec2:0:0:0:0:0:254]/", /the cloud metadata address \(fd00:ec2::254\)/],
    ["https://metadata.google.internal/computeMetadata/v1/", /a cloud metadata service name/],
    ["https://METADATA.google.internal./", /a cloud metadata service name/],
    ["https://metadata/", /metadata, a cloud metadata service name/],
  ])("%s", (url, problem) => {
    expect(agentUrlProblem(url, STRICT)).toMatch(problem);
  });

  it("says how to fix a refused address", () => {
    expect(agentUrlProblem("https://10.0.0.1/", STRICT)).toMatch(
      /give the agent's public https:\/\/ address, like https:\/\/agent\.example\.com\/invoke$/,
    );
    expect(agentUrlProblem("https://u:p@agent.example.com/", STRICT)).toMatch(/agent\.token_secret/);
  });
});

describe("agentUrlProblem: malformed URLs", () => {
  it.each([
    "",
    "   ",
    "agent.example.com/invoke",
    "/invoke",
    "https://",
    "https://exa mple.com/",
    "https://[::1/",
    "https://[fe80::1%25eth0]/",
    "https://1.2.3.256/",
    "https://0x1ffffffff/",
    "http://[:::]/",
  ])("%j is refused, without throwing", (url) => {
    expect(agentUrlProblem(url, STRICT)).toMatch(
      /is not a valid absolute URL: give the agent's public https:\/\//,
    );
    expect(agentUrlProblem(url, LOCAL)).toMatch(/is not a valid absolute URL/);
  });

  it("never throws, whatever it is given", () => {
    expect(() => agentUrlProblem(undefined as unknown as string, STRICT)).not.toThrow();
    expect(agentUrlProblem(undefined as unknown as string, STRICT)).toMatch(/not a valid absolute URL/);
  });
});

describe("agentUrlProblem never quotes the URL", () => {
  it.each([
    "https://user:hunter2@agent.example.com/",
    "https://user:hunter2@10.0.0.1/?token=hunter2",
    "http://agent.example.com/?token=hunter2",
    "https://10.0.0.1/hunter2",
    "not a url hunter2",
  ])("%s", (url) => {
    const problem = agentUrlProblem(url, STRICT);
    expect(problem).toBeDefined();
    expect(problem).not.toContain("hunter2");
  });
});
