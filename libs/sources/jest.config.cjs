const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'sources', rootDir: __dirname };
