const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'backtest', rootDir: __dirname };
