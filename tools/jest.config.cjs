// The repository-level tests under tools/ (publishing, affected set, docs): slow integration tests
// that drive npm, Verdaccio, nx and tsc as a user would.
const preset = require('../jest.preset.cjs');
module.exports = {
  ...preset,
  displayName: 'tools',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/bench/'],
};
