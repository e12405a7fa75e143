#!/usr/bin/env node
// Starts Verdaccio from a config file on a free loopback port and prints `listening <url>` once it
// accepts requests. The publish-and-consume test spawns it and stops it by pid.
// Usage: node verdaccio-server.mjs <config.yaml>
import { parseConfigFile, runServer } from 'verdaccio';

const [configPath] = process.argv.slice(2);
if (!configPath) {
  console.error('usage: verdaccio-server.mjs <config.yaml>');
  process.exit(2);
}
const config = parseConfigFile(configPath);
config.self_path = configPath;
const app = await runServer(config);
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
