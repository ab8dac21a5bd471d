import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/** A GitHub App's key pair as GitHub hands it out: the private key PKCS#1 PEM, the public one for the fake to verify with. */
export function appKeyPair(): { privateKeyPem: string; publicKey: KeyObject } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKey: createPublicKey(privateKey) };
}
