import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface PortHolder {
  readonly pid: number;
  readonly name: string;
  /** Its full command line, '' when it cannot be read. */
  readonly commandLine: string;
}

/** The process listening on a TCP port, as ss or lsof tell it; undefined when neither can. */
export async function portHolder(port: number): Promise<PortHolder | undefined> {
  const fromSs = await run('ss', ['-Hltnp', `sport = :${port}`]).then(({ stdout }) => /\(\("([^"]+)",pid=(\d+)/.exec(stdout), () => null);
  const fromLsof = fromSs
    ? null
    : await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']).then(({ stdout }) => /p(\d+)\s+c(\S+)/.exec(stdout), () => null);
  const [name, pid] = fromSs ? [fromSs[1]!, Number(fromSs[2])] : fromLsof ? [fromLsof[2]!, Number(fromLsof[1])] : [undefined, undefined];
  if (name === undefined || pid === undefined) return undefined;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (text) => text.split('\0').join(' ').trim(),
    () => run('ps', ['-o', 'args=', '-p', String(pid)]).then(({ stdout }) => stdout.trim(), () => ''),
  );
  return { pid, name, commandLine };
}
