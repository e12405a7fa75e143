const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'ml', rootDir: __dirname };
