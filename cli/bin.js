#!/usr/bin/env node
// The package's bin: runs the TypeScript CLI (cli/main.ts) through tsx's loader, so
// `node cli/bin.js routes list` works without a build step.
import { register } from "tsx/esm/api";

// The SDK's notice about future Node.js versions is not the operator's concern mid-command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
