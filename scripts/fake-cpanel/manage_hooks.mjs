// Fake `manage_hooks` (docs/cpanel.md, "Standardized Hooks"): `add script PATH` reads the
// script's `--describe` output, `--manual` takes category/event/stage from flags, `list`
// prints the registered hooks. As in cPanel, adding a stage and path that is already
// registered is skipped. `delete script PATH` in describe mode removes a registered hook
// only if every attribute the script describes now (but weight and description) is the
// registered one, so after a release changes, say, escalateprivs it removes nothing and
// exits 1; `delete script PATH --manual --category=C --event=E --stage=S` removes that
// hook whatever its other attributes. `fire CATEGORY EVENT STAGE [USER]` (the sandbox's
// own addition) sends stdin's JSON data to every matching hook as cPanel would.
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

/** The attributes a described entry registers, with cPanel's defaults. */
function registration(entry, script) {
  return {
    category: entry.category,
    event: entry.event,
    stage: entry.stage,
    hook: entry.hook ?? script,
    exectype: entry.exectype ?? 'script',
    blocking: entry.blocking ? 1 : 0,
    escalateprivs: entry.escalateprivs ? 1 : 0,
  };
}

const ATTRIBUTES = ['category', 'event', 'stage', 'hook', 'exectype', 'blocking', 'escalateprivs'];
const identical = (a, b) => ATTRIBUTES.every((key) => a[key] === b[key]);

function needManualFlags(flags) {
  if (!flags.category || !flags.event || !flags.stage) {
    process.stdout.write('The --manual mode needs --category, --event and --stage.\n');
    process.exit(1);
  }
}

function describedOrExit(script) {
  const list = describe(script);
  if (list === undefined) {
    process.stdout.write(`The script "${script}" did not describe its hooks.\n`);
    process.exit(1);
  }
  return list;
}

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
      needManualFlags(flags);
      wanted = [{ category: flags.category, event: flags.event, stage: flags.stage, hook: script, exectype: 'script' }];
    } else {
      wanted = describedOrExit(script);
    }
    let added = 0;
    for (const entry of wanted) {
      const hook = registration(entry, script);
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
    // Each wanted hook removes the first registered one it matches, as cPanel's delete does.
    let wanted;
    let matches;
    if (flags.manual) {
      needManualFlags(flags);
      wanted = [{ category: flags.category, event: flags.event, stage: flags.stage, hook: script }];
      matches = same;
    } else {
      wanted = describedOrExit(script).map((entry) => registration(entry, script));
      matches = identical;
    }
    let deleted = 0;
    for (const want of wanted) {
      const at = hooks.findIndex((h) => matches(h, want));
      if (at === -1) {
        process.stdout.write(`No matching hooks found for '${want.event}' in category '${want.category}'\n`);
        continue;
      }
      hooks.splice(at, 1);
      deleted += 1;
    }
    save(paths, hooks);
    process.stdout.write(`Deleted ${deleted} hook(s) for ${script}\n`);
    if (deleted === 0) process.exit(1);
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
