// Jest runs in native ESM mode (node --experimental-vm-modules) because NestJS 12 ships as ESM only
// and Jest cannot require() an ES module on Node 20.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // Shared 2-core machines: a PGlite database opening with its migrations in a hook can take more than Jest's 5 s
  // default under load, and on a clean clone (CI) the first spec of each migration list also makes its migrated
  // template (initdb and every migration: over 30 s with the e2e and infrastructure lanes running beside it).
  // Tests that need longer set their own; no test asserts a time.
  testTimeout: 90_000,
  extensionsToTreatAsEsm: ['.ts'],
  // Longest files first, also on a clean clone whose Jest cache holds no times (tools/test-sequencer.mjs).
  testSequencer: '<rootDir>/tools/test-sequencer.mjs',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/test', '<rootDir>/bench'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts', '**/*.infra.ts', '**/*.browser.ts'],
  moduleNameMapper: {
    '^#csms/([^/]+)/verbs$': '<rootDir>/libs/$1/src/verbs.ts',
    '^#csms/([^/]+)/api$': '<rootDir>/libs/$1/src/api/index.ts',
    '^#csms/([^/]+)/portable$': '<rootDir>/libs/$1/src/portable/index.ts',
    '^#csms/persistence/embedded$': '<rootDir>/libs/persistence/src/embedded/index.ts',
    '^#csms/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
