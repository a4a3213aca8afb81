// Fake `sendmail -t`: the message lands in the tree's var/mail/ as one .eml file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStdin, treePaths } from './lib.mjs';

export function main(root) {
  const paths = treePaths(root);
  const message = readStdin();
  if (!/^To:\s*\S+/im.test(message)) {
    process.stderr.write('sendmail: no recipient addresses found in header\n');
    process.exit(1);
  }
  mkdirSync(paths.mailDir, { recursive: true });
  const name = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.eml`;
  writeFileSync(join(paths.mailDir, name), message, { mode: 0o600 });
}
