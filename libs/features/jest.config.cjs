const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'features', rootDir: __dirname };
