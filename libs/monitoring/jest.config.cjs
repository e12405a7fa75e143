const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'monitoring', rootDir: __dirname };
