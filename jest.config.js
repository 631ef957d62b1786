/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/main-realm-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, ignoreDeprecations: '6.0' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Synthesizing a full app with bundled validation takes a few seconds on 2 cores.
  testTimeout: 120000,
  // Synthesized assemblies and capture folders are tens of MB each: each test file removes its own.
  setupFilesAfterEnv: ['<rootDir>/test/support/remove-temp-dirs.ts'],
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
