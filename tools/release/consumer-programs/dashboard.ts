// @spyglass/dashboard from the registry: the server starts on an empty data root and serves its page.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDashboardServer } from '@spyglass/dashboard';

const root = await mkdtemp(path.join(tmpdir(), 'consumer-dashboard-'));
const server = await createDashboardServer({ root, port: 0 });
try {
  const res = await fetch(server.url);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<html/i);
  console.log(`dashboard: page served at ${server.url}`);
} finally {
  await server.close();
  await rm(root, { recursive: true, force: true });
}
