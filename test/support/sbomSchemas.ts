import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Ajv from 'ajv';
import ajvFormats from 'ajv-formats';
import { REPO_ROOT, fixture } from '../helpers.js';

/**
 * The official JSON schemas of the SBOM formats, checked with ajv: CycloneDX 1.6 as the OWASP
 * library ships it (with the SPDX license-id and JSF schemas it refers to), SPDX 2.3 from the
 * spdx-spec repository (test/fixtures/sbom).
 */
const AjvClass = (Ajv as unknown as { default?: typeof Ajv.default }).default ?? (Ajv as unknown as typeof Ajv.default);
const addFormats = ajvFormats.default ?? (ajvFormats as unknown as typeof ajvFormats.default);
const CYCLONEDX_SCHEMAS = join(REPO_ROOT, 'node_modules/@cyclonedx/cyclonedx-library/res/schema');

/** Schemas by id; `idOf` renames one where its siblings refer to it by file name. */
function compiled(schemas: string[], main: string, idOf?: (file: string) => string): (document: unknown) => string[] {
  const ajv = new AjvClass({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const file of schemas) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id?: string };
    ajv.addSchema(idOf ? { ...schema, $id: idOf(file) } : schema);
  }
  const validate = ajv.getSchema(main) as ((document: unknown) => boolean) & {
    errors?: Array<{ instancePath: string; message?: string }> | null;
  };
  if (!validate) throw new Error(`no schema ${main}`);
  return (document) => {
    if (validate(document)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
  };
}

let cyclonedx: ((document: unknown) => string[]) | undefined;
let spdx: ((document: unknown) => string[]) | undefined;

export function cyclonedxErrors(document: unknown): string[] {
  cyclonedx ??= compiled(
    [
      'spdx.SNAPSHOT.schema.json',
      'jsf-0.82.SNAPSHOT.schema.json',
      'cryptography-defs.SNAPSHOT.schema.json',
      'bom-1.6.SNAPSHOT.schema.json',
    ].map((f) => join(CYCLONEDX_SCHEMAS, f)),
    'http://cyclonedx.org/schema/bom-1.6.SNAPSHOT.schema.json',
    // The library's copies refer to each other by their SNAPSHOT file names.
    (file) => `http://cyclonedx.org/schema/${basename(file)}`,
  );
  return cyclonedx(document);
}

export function spdxErrors(document: unknown): string[] {
  spdx ??= compiled([fixture('sbom', 'spdx-schema-2.3.json')], 'http://spdx.org/rdf/terms/2.3');
  return spdx(document);
}
