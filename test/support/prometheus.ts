// A parser for the Prometheus text exposition format (version 0.0.4), written from the
// format's description: `# HELP name text` and `# TYPE name type` lines, other `#` lines
// as comments, and samples `name{label="value",...} value [timestamp]` with names
// [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*, label values with \\, \"
// and \n escapes, and values as Go floats (NaN, +Inf, -Inf included). Every sample must
// follow its family's TYPE line, a family's lines must be together, and a TYPE must come
// once and before the samples. Throws on the first line that breaks a rule.
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}
export interface Family {
  readonly name: string;
  help?: string;
  type?: string;
  readonly samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`line ${String(line)}: bad value ${text}`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    while (text[i] === ' ') i += 1;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq === -1) throw new Error(`line ${String(line)}: label without =`);
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`line ${String(line)}: bad label name ${name}`);
    if (name in labels) throw new Error(`line ${String(line)}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${String(line)}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${String(line)}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${String(line)}: bad escape \\${String(next)}`);
        j += 2;
      } else {
        value += c;
        j += 1;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`line ${String(line)}: expected , or } after a label`);
  }
}

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const family = (name: string, line: number): Family => {
    const known = families.get(name);
    if (known !== undefined && known !== current)
      throw new Error(`line ${String(line)}: ${name} lines are not together`);
    const f = known ?? { name, samples: [] };
    families.set(name, f);
    current = f;
    return f;
  };
  if (!text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') return;
      if (raw.startsWith('#')) {
        const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(raw);
        if (m === null) return; // a comment
        const [, kind, name = '', rest = ''] = m;
        if (!METRIC.test(name)) throw new Error(`line ${String(line)}: bad metric name ${name}`);
        const f = family(name, line);
        if (kind === 'HELP') {
          if (f.help !== undefined) throw new Error(`line ${String(line)}: second HELP for ${name}`);
          f.help = rest;
        } else {
          if (f.type !== undefined || f.samples.length > 0)
            throw new Error(`line ${String(line)}: TYPE for ${name} too late`);
          if (!TYPES.has(rest)) throw new Error(`line ${String(line)}: bad type ${rest}`);
          f.type = rest;
        }
        return;
      }
      const nameEnd = raw.search(/[{ ]/);
      if (nameEnd <= 0) throw new Error(`line ${String(line)}: no value`);
      const name = raw.slice(0, nameEnd);
      if (!METRIC.test(name)) throw new Error(`line ${String(line)}: bad metric name ${name}`);
      let rest = raw.slice(nameEnd);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
      const parts = rest.trim().split(/\s+/);
      if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new Error(`line ${String(line)}: bad sample`);
      if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${String(line)}: bad timestamp`);
      const f = family(name, line);
      if (f.type === undefined) throw new Error(`line ${String(line)}: sample of ${name} before its TYPE`);
      f.samples.push({ name, labels, value: parseValue(parts[0] ?? '', line) });
    });
  return families;
}
