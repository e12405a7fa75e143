const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'pipeline', rootDir: __dirname };
