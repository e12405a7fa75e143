// All projects in one run (the README's test command). testTimeout is a global option: project
// configs cannot set it, so it lives here (and in jest.preset.cjs for single-project runs).
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs', '<rootDir>/tools/jest.config.cjs'],
  testTimeout: 120000,
};
