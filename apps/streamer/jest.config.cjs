const preset = require('../../jest.preset.cjs');
module.exports = { ...preset, displayName: 'streamer', rootDir: __dirname };
