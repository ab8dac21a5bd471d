/** The emulators accept any credentials; tests must never pick up a developer's real ones. */
export const EMULATOR_REGION = "us-east-1";
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;
