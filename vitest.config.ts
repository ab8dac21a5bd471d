import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "shared/**/*.test.ts", "functions/**/*.test.ts"],
    // Integration suites start real emulators (fauxqs, DynamoDB Local): give them room on 2 cores.
    globalSetup: ["test/support/dynamodb-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {
      POWERTOOLS_DEV: "false",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      AWS_REGION: "us-east-1",
    },
  },
});
