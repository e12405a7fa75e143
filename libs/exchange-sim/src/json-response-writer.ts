import type { ServerResponse } from 'node:http';
import type { ApiResponse } from './api-bodies.js';

// Bars are batched into writes of about this many characters: few syscalls, little held at once.
const CHUNK_CHARS = 64 * 1024;

/**
 * The whole JSON body of a response, its streamed `results` (if any) collected. The real API omits
 * `results` when a page is empty. For the faults that need the full text (truncated, invalid JSON).
 *
 * @example
 * ```ts
 * const text = JSON.stringify(materializeBody(route.handle(url, ctx)));
 * ```
 */
export function materializeBody(r: ApiResponse): Record<string, unknown> {
  if (!r.streamed) return r.body;
  const results = [...r.streamed.items];
  return { ...r.body, ...(results.length > 0 ? { results } : {}), ...r.streamed.trailer() };
}

/**
 * Writes a response. A plain body goes out in one piece with its Content-Length; a streamed page is
 * written as it is generated (chunked), waiting for `drain` whenever the socket's buffer is full, so
 * a slow client holds the server to one chunk rather than a whole page. Fields known only after the
 * last bar (counts, `next_url`) follow `results`.
 *
 * @example
 * ```ts
 * const bars = [{ t: 1741098600000, o: 585, h: 585.3, l: 584.9, c: 585.2, v: 4110 }];
 * await writeJsonResponse(res, { status: 200, body: { status: 'OK' }, streamed: { items: bars, trailer: () => ({ resultsCount: bars.length }) } });
 * ```
 */
export async function writeJsonResponse(res: ServerResponse, r: ApiResponse): Promise<void> {
  const items = r.streamed?.items[Symbol.iterator]();
  const first = items?.next();
  if (!r.streamed || !items || !first || first.done) {
    const body = JSON.stringify(r.streamed ? { ...r.body, ...r.streamed.trailer() } : r.body);
    res.writeHead(r.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(r.status, { 'Content-Type': 'application/json' });
  const head = JSON.stringify(r.body);
  let chunk = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"results":[${JSON.stringify(first.value)}`;
  for (let n = items.next(); !n.done; n = items.next()) {
    chunk += `,${JSON.stringify(n.value)}`;
    if (chunk.length < CHUNK_CHARS) continue;
    const flushed = res.write(chunk);
    chunk = '';
    if (!flushed) await drained(res);
    if (res.destroyed) return;
  }
  const tail = JSON.stringify(r.streamed.trailer());
  res.end(`${chunk}]${tail.length > 2 ? `,${tail.slice(1)}` : '}'}`);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
