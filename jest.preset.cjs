// Shared jest preset: ESM + swc. Maps @spyglass/<lib> to its TypeScript source so tests never need a build.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: {
    '^@spyglass/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
    // Subpath entries: @spyglass/<lib>/<entry> is libs/<lib>/src/<entry>/index.ts.
    '^@spyglass/([a-z-]+)/([a-z-]+)$': path.join(root, 'libs/$1/src/$2/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['**/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60000,
  // Measured with --coverage (npm test); per-library table and floors: tools/test-coverage/coverage-table.mjs.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/__*__/**', '!src/**/*.d.ts'],
};
