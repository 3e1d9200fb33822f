import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only offers with the legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
