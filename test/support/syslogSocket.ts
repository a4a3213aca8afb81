// A stand-in system log daemon: a unix datagram socket (Node has none, so Python binds it)
// at the tree's dev/log, as rsyslog or journald hold /dev/log. Each datagram arrives as
// one line; `reading: false` binds the socket and never reads, as a stuck daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';

const CAPTURE = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
if sys.argv[2] == "read":
    while True:
        data = s.recv(65536)
        sys.stdout.write(data.decode("utf-8", "replace").replace("\\n", " ") + "\\n")
        sys.stdout.flush()
else:
    sys.stdin.read()
`;

export interface SyslogSocket {
  readonly lines: string[];
  /** Resolves once `count` datagrams have arrived (the test's own time limit bounds it). */
  waitFor(count: number): Promise<string[]>;
  stop(): void;
}

export function startSyslogSocket(root: string, options: { reading?: boolean } = {}): Promise<SyslogSocket> {
  const path = join(root, 'dev/log');
  rmSync(path, { force: true });
  const child: ChildProcess = spawn('python3', ['-c', CAPTURE, path, options.reading === false ? 'hold' : 'read'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready' && lines.length === 0 && !ready) {
          ready = true;
          resolve(socket);
        } else lines.push(line);
      }
      for (const w of waiters.splice(0)) w();
    });
    let ready = false;
    const socket: SyslogSocket = {
      lines,
      waitFor(count) {
        return new Promise((done) => {
          const check = (): void => {
            if (lines.length >= count) done(lines.slice(0, count));
            else waiters.push(check);
          };
          check();
        });
      },
      stop() {
        child.kill('SIGKILL');
        rmSync(path, { force: true });
      },
    };
  });
}
