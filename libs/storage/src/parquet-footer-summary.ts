// Sizes and key/value metadata straight from a Parquet footer's Thrift bytes: the space report and
// the dashboard read thousands of footers, and going through parquet-wasm costs a wasm instance of
// the file per footer (and it insists on reading the page indexes, i.e. more of the file).
import { CompactReader, T_BINARY, T_LIST, T_STRUCT, i64Field, readList } from './parquet-footer-projection.js';

/**
 * What {@link summarizeFooter} reads from a FileMetaData.
 *
 * @example
 * ```ts
 * const s: FooterSummary = { rows: 390, rowGroups: 1, uncompressedBytes: 40_000, compressedBytes: 21_000, metadata: new Map(), schemaKey: '' };
 * ```
 */
export interface FooterSummary {
  readonly rows: number;
  readonly rowGroups: number;
  /** Sum of the column chunks' `total_uncompressed_size`. */
  readonly uncompressedBytes: number;
  /** Sum of the column chunks' `total_compressed_size`. */
  readonly compressedBytes: number;
  /** `key_value_metadata`, including `ARROW:schema` when the writer stored one. */
  readonly metadata: ReadonlyMap<string, string>;
  /** The schema's Thrift bytes as a string: equal for files with the same Parquet schema. */
  readonly schemaKey: string;
}

const decoder = new TextDecoder();

function binary(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(new CompactReader(buf, start).varintEnd(), end));
}

/**
 * Parses a FileMetaData (the footer without its length and magic).
 *
 * @throws Error when the bytes are not the Thrift structure expected.
 * @example
 * ```ts
 * const { rows } = summarizeFooter(footerBytes);
 * ```
 */
export function summarizeFooter(footer: Uint8Array): FooterSummary {
  const meta = new CompactReader(footer, 0).structFields();
  const rows = i64Field(footer, meta, 3);
  if (rows === undefined) throw new Error('footer without num_rows');
  let uncompressedBytes = 0;
  let compressedBytes = 0;
  let rowGroups = 0;
  const groupsField = meta.find((f) => f.id === 4 && f.type === T_LIST);
  if (groupsField) {
    for (const g of readList(footer, groupsField.start).items) {
      rowGroups++;
      const cols = new CompactReader(footer, g.start).structFields().find((f) => f.id === 1 && f.type === T_LIST);
      if (!cols) throw new Error('row group without columns');
      for (const c of readList(footer, cols.start).items) {
        const metaField = new CompactReader(footer, c.start).structFields().find((f) => f.id === 3 && f.type === T_STRUCT);
        if (!metaField) throw new Error('column chunk without metadata');
        const cm = new CompactReader(footer, metaField.start).structFields();
        const u = i64Field(footer, cm, 6);
        const z = i64Field(footer, cm, 7);
        if (u === undefined || z === undefined) throw new Error('column chunk without sizes');
        uncompressedBytes += u;
        compressedBytes += z;
      }
    }
  }
  const metadata = new Map<string, string>();
  const kvField = meta.find((f) => f.id === 5 && f.type === T_LIST);
  if (kvField) {
    for (const kv of readList(footer, kvField.start).items) {
      const fields = new CompactReader(footer, kv.start).structFields();
      const k = fields.find((f) => f.id === 1 && f.type === T_BINARY);
      const v = fields.find((f) => f.id === 2 && f.type === T_BINARY);
      if (k) metadata.set(binary(footer, k.start, k.end), v ? binary(footer, v.start, v.end) : '');
    }
  }
  const schemaField = meta.find((f) => f.id === 2 && f.type === T_LIST);
  if (!schemaField) throw new Error('footer without schema');
  const schemaKey = Buffer.from(footer.buffer, footer.byteOffset + schemaField.start, schemaField.end - schemaField.start).toString('latin1');
  return { rows, rowGroups, uncompressedBytes, compressedBytes, metadata, schemaKey };
}
