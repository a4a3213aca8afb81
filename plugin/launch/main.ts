/** `code-cache.js <program folder>`, run by install.sh: writes the code caches (codeCache.ts). */
import { writeCodeCaches } from './codeCache';

const dir = process.argv[2];
if (dir === undefined || dir === '') {
  process.stderr.write('usage: code-cache.js <program folder>\n');
  process.exitCode = 2;
} else {
  writeCodeCaches(dir, require).then(
    (files) => process.stdout.write(`code cache: ${String(files.length)} files written\n`),
    (err: unknown) => {
      process.stderr.write(`code cache not written: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
