const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'processing', rootDir: __dirname };
