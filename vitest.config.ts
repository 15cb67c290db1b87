// Test runner settings: unit, integration (embedded stack) and infra (CDK) tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start emulators and the infra tests bundle Lambdas: both take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests assert on responses; the structured logs of the errors they provoke are noise here.
    env: { LOG_LEVEL: 'silent' },
  },
});
