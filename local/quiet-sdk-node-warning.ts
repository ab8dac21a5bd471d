/**
 * Imported first by `npm start`: the AWS SDK warns, on its first import, about the Node.js
 * versions its future releases will need. That is not a local developer's concern mid-run (the
 * Lambda functions run on nodejs22.x), and it buried the banner.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
