import { createPrivateKey } from "node:crypto";

/** The GitHub App's private key could not be used; the message names the problem, never the key. */
export class InvalidAppPrivateKey extends Error {
  constructor(problem: string) {
    super(`the GitHub App private key ${problem}`);
    this.name = "InvalidAppPrivateKey";
  }
}

/**
 * The App's private key as PKCS#8 PEM, the one form the JWT signer takes on every runtime. GitHub
 * hands out PKCS#1 (`BEGIN RSA PRIVATE KEY`); an environment variable or a secret often carries it
 * with its line breaks written as `\n`. Fails here, before any request, on anything that is not an
 * RSA private key (JWTs for an App are RS256).
 */
export function appPrivateKeyPem(text: string): string {
  const pem = text.includes("\\n") ? text.replace(/\\n/g, "\n") : text;
  if (!pem.includes("-----BEGIN"))
    throw new InvalidAppPrivateKey("is not PEM text (it should start with -----BEGIN RSA PRIVATE KEY-----)");
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new InvalidAppPrivateKey(
      "is not a readable PEM private key (is it complete, and not a public key?)",
    );
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new InvalidAppPrivateKey(`is a ${key.asymmetricKeyType} key; GitHub Apps sign with RSA keys`);
  }
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}
