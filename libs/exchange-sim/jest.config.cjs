const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'exchange-sim', rootDir: __dirname };
