// Validates simulator responses against the API's own OpenAPI specification (test support only).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(readFileSync(join(here, '../__fixtures__/openapi.json'), 'utf8')) as { paths: Record<string, unknown> };

// ajv and ajv-formats are CommonJS: under ESM their default export is the module object.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as typeof formatsModule.default;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// OpenAPI's numeric formats carry no constraint JSON Schema can check.
for (const f of ['double', 'float', 'int32', 'int64']) ajv.addFormat(f, true);
ajv.addSchema(spec, 'openapi');

const pointer = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** Errors of `body` against the 200 response schema of `pathTemplate` (empty when valid). */
export function openapiErrors(pathTemplate: string, body: unknown): string[] {
  if (!(pathTemplate in spec.paths)) throw new Error(`openapi.json has no path ${pathTemplate}`);
  const ref = `openapi#/paths/${pointer(pathTemplate)}/get/responses/200/content/application~1json/schema`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema at ${ref}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
