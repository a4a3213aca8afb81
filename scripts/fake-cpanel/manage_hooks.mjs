// Fake `manage_hooks` (docs/cpanel.md, "Standardized Hooks"): `add script PATH` reads the
// script's `--describe` output, `--manual` takes category/event/stage from flags, `delete
// script PATH` removes its hooks, `list` prints them. As in cPanel, adding a stage and path
// that is already registered is skipped: changed attributes only take effect after a
// delete and a new add. `fire CATEGORY EVENT STAGE [USER]` (the sandbox's own addition)
// sends stdin's JSON data to every matching hook as cPanel would.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fireHooks, parseArgs, readJsonObject, readStdin, treePaths } from './lib.mjs';

function load(paths) {
  const registry = readJsonObject(paths.hooksRegistry);
  return Array.isArray(registry.hooks) ? registry.hooks : [];
}

function save(paths, hooks) {
  mkdirSync(dirname(paths.hooksRegistry), { recursive: true });
  writeFileSync(paths.hooksRegistry, JSON.stringify({ hooks }, null, 2));
}

const same = (a, b) => a.category === b.category && a.event === b.event && a.stage === b.stage && a.hook === b.hook;

function describe(script) {
  const run = spawnSync(script, ['--describe'], { encoding: 'utf8', timeout: 10000 });
  if (run.error || run.status !== 0) return undefined;
  try {
    const list = JSON.parse(run.stdout);
    return Array.isArray(list) ? list : undefined;
  } catch {
    return undefined;
  }
}

export function main(root, argv) {
  const paths = treePaths(root);
  const { positional, flags } = parseArgs(argv);
  const [verb, kind, script] = positional;
  const hooks = load(paths);
  if (verb === 'list') {
    process.stdout.write(`${JSON.stringify(hooks, null, 2)}\n`);
    return;
  }
  if (verb === 'add' && kind === 'script' && script) {
    let wanted;
    if (flags.manual) {
      if (!flags.category || !flags.event || !flags.stage) {
        process.stdout.write('The --manual mode needs --category, --event and --stage.\n');
        process.exit(1);
      }
      wanted = [{ category: flags.category, event: flags.event, stage: flags.stage, hook: script, exectype: 'script' }];
    } else {
      wanted = describe(script);
      if (wanted === undefined) {
        process.stdout.write(`The script "${script}" did not describe its hooks.\n`);
        process.exit(1);
      }
    }
    let added = 0;
    for (const entry of wanted) {
      const hook = {
        category: entry.category,
        event: entry.event,
        stage: entry.stage,
        hook: entry.hook ?? script,
        exectype: entry.exectype ?? 'script',
        blocking: entry.blocking ? 1 : 0,
        escalateprivs: entry.escalateprivs ? 1 : 0,
      };
      if (!hooks.some((h) => same(h, hook))) {
        hooks.push(hook);
        added += 1;
      }
    }
    save(paths, hooks);
    process.stdout.write(`Added ${added} hook(s) for ${script}\n`);
    return;
  }
  if (verb === 'delete' && kind === 'script' && script) {
    const kept = hooks.filter((h) => h.hook !== script);
    save(paths, kept);
    process.stdout.write(`Deleted ${hooks.length - kept.length} hook(s) for ${script}\n`);
    return;
  }
  if (verb === 'fire') {
    const [, category, event, stage, asUser] = positional;
    let data = {};
    const input = readStdin();
    if (input.trim() !== '') data = JSON.parse(input);
    for (const fired of fireHooks(paths, category, event, stage, data, asUser)) {
      process.stdout.write(`${fired.hook}: ${String(fired.status)} ${fired.message}\n`);
    }
    return;
  }
  process.stdout.write(
    'Usage: manage_hooks add|delete script PATH [--manual --category=C --event=E --stage=S] | list | fire CATEGORY EVENT STAGE\n',
  );
  process.exit(1);
}
