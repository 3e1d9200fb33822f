/**
 * The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22. The pinned SDK runs on Node 20
 * (the Lambdas run Node 22); the notice would only clutter every command's output. An explicit setting wins.
 * (vitest.config.ts sets the same variable for the tests.)
 */
export function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
