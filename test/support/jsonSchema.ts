// A small JSON Schema (2020-12) validator for the keywords the repository's schemas use:
// type (one or a list), const, enum, properties, required, additionalProperties: false,
// items, minItems, minimum, minLength, pattern, oneOf and local $ref. An unknown keyword
// is an error, so a schema cannot silently ask for more than this checks.
type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema',
  '$id',
  '$defs',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'minimum',
  'minLength',
  'pattern',
  'oneOf',
  '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every place `value` breaks `schema`, as "path: problem" lines; none when it is valid. */
export function validate(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) problems.push(`${path}: schema keyword ${key} unsupported`);
  if (typeof schema['$ref'] === 'string') {
    const target = schema['$ref']
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, part) => (node as Schema)[part], root);
    return validate(target as Schema, value, root, path);
  }
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => typeMatches(value, t))) return [`${path}: ${typeOf(value)} is not ${types.join(' or ')}`];
  }
  if ('const' in schema && value !== schema['const']) problems.push(`${path}: not ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} not one of ${JSON.stringify(schema['enum'])}`);
  if (Array.isArray(schema['oneOf'])) {
    const passing = (schema['oneOf'] as Schema[]).filter((s) => validate(s, value, root, path).length === 0);
    if (passing.length !== 1) problems.push(`${path}: matches ${String(passing.length)} of oneOf, not 1`);
  }
  if (typeof value === 'number' && typeof schema['minimum'] === 'number' && value < schema['minimum'])
    problems.push(`${path}: ${String(value)} < ${String(schema['minimum'])}`);
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength'])
      problems.push(`${path}: shorter than ${String(schema['minLength'])}`);
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value))
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema['pattern']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems'])
      problems.push(`${path}: fewer than ${String(schema['minItems'])} items`);
    if (schema['items'] !== undefined)
      value.forEach((item, i) =>
        problems.push(...validate(schema['items'] as Schema, item, root, `${path}[${String(i)}]`)),
      );
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const key of (schema['required'] ?? []) as string[])
      if (!(key in object)) problems.push(`${path}: missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const sub = properties[key];
      if (sub !== undefined) problems.push(...validate(sub, item, root, `${path}.${key}`));
      else if (schema['additionalProperties'] === false) problems.push(`${path}: unexpected ${key}`);
    }
  }
  return problems;
}
