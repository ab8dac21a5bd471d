import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** DynamoDB Local started once for the run by dynamodb-global-setup.ts. */
    dynamoDbEndpoint: string;
  }
}
