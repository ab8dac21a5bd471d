import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../../local/emulators/dynamodb-local";
import { freePort } from "../../local/free-port";

/**
 * One DynamoDB Local for the whole run (its JVM takes seconds to start). Suites reach it with
 * `inject("dynamoDbEndpoint")` and keep apart by creating their own uniquely named tables.
 */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide("dynamoDbEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
