import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only offers with the legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    // The AWS SDK's notice that its releases after January 2027 need Node 22 (the CLI sets the same).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
