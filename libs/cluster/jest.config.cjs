const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'cluster', rootDir: __dirname };
