// Page cursors: opaque base64url strings, as the real API's `cursor` query parameter.

/** Encodes a query string (`limit=2&sort=asc`) as the API's base64url cursor. */
export function encodeCursor(params: Readonly<Record<string, string | number | boolean>>): string {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return Buffer.from(query, 'utf8').toString('base64url');
}

/** Decodes a cursor back into its parameters, or null when it is not one of ours. */
export function decodeCursor(cursor: string): URLSearchParams | null {
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!/^[\w.%\-+=&:~]*$/.test(text)) return null;
    return new URLSearchParams(text);
  } catch {
    return null;
  }
}
