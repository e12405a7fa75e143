// All projects in one run (the README's test command). testTimeout is a global option: project
// configs cannot set it, so it lives here (and in jest.preset.cjs for single-project runs).
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs', '<rootDir>/tools/jest.config.cjs'],
  testTimeout: 120000,
  // Coverage (only with --coverage): V8's own counters, far cheaper than instrumenting through swc.
  coverageProvider: 'v8',
  coverageReporters: ['json-summary'],
  coverageDirectory: '<rootDir>/.ci-output/coverage',
};
