import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { arch, platform, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const version = '1.5.1';
const archiveName = `temporal_cli_${version}_${platform()}_${arch() === 'x64' ? 'amd64' : arch()}.tar.gz`;
const systemPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('/go/')).join(delimiter);

let scratch: string;
let releaseServer: Server;
let releaseUrl: string;
let checksums = '';
let archive = Buffer.alloc(0);

/** A fake `go` that records its call and "builds" a temporal that prints 0.0.0-DEV, like go install. */
async function fakeGoDir(): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'go-'));
  const script = `#!/usr/bin/env bash
echo "$*" >>"${dir}/calls"
case "$1" in
  env) echo go1.26.0 ;;
  install) printf '#!/bin/sh\\necho "temporal version 0.0.0-DEV"\\n' >"$GOBIN/temporal"; chmod +x "$GOBIN/temporal" ;;
esac`;
  await writeFile(join(dir, 'go'), script);
  await chmod(join(dir, 'go'), 0o755);
  return dir;
}

async function install(env: Record<string, string>): Promise<{ code: number; path: string; log: string }> {
  const options = { cwd: root, env: { ...process.env, TEMPORAL_CLI_PATH: '', ...env }, timeout: 60_000 };
  return run('bash', ['scripts/install-temporal-cli.sh'], options).then(
    ({ stdout, stderr }) => ({ code: 0, path: stdout.trim().split('\n').at(-1) ?? '', log: stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, path: '', log: error.stderr }),
  );
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'collections-temporal-install-'));
  // A stand-in for the release page: a real tar.gz holding a `temporal` that prints the pinned version.
  const content = join(scratch, 'archive-content');
  await mkdir(content);
  await writeFile(join(content, 'temporal'), `#!/bin/sh\necho "temporal version ${version} (Server 1.29.1, UI 2.45.3)"\n`);
  await chmod(join(content, 'temporal'), 0o755);
  await run('tar', ['-czf', join(scratch, archiveName), '-C', content, 'temporal']);
  archive = await readFile(join(scratch, archiveName));
  releaseServer = createServer((request, response) => {
    if (request.url === `/v${version}/temporal_cli_${version}_checksums.txt`) response.end(checksums);
    else if (request.url === `/v${version}/${archiveName}`) response.end(archive);
    else response.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await once(releaseServer, 'listening');
  releaseUrl = `http://127.0.0.1:${(releaseServer.address() as { port: number }).port}`;
});

afterAll(async () => {
  releaseServer?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('scripts/install-temporal-cli.sh', () => {
  it('falls through to the Go build, fast and saying so, when the release archive cannot be reached', async () => {
    const goDir = await fakeGoDir();
    const started = Date.now();
    const result = await install({
      XDG_CACHE_HOME: await mkdtemp(join(scratch, 'cache-')),
      PATH: [goDir, systemPath].join(delimiter),
      TEMPORAL_CLI_RELEASE_BASE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(result.log).toContain('release archive: cannot reach');
    expect(result.log).toContain('building it with Go instead');
    expect(await readFile(join(goDir, 'calls'), 'utf8')).toContain(`install -v github.com/temporalio/cli/cmd/temporal@v${version}`);
    expect(result.path).toMatch(new RegExp(`temporal-cli/v${version}/temporal$`));
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('installs from the release archive when its sha256 matches the checksums file, without Go', async () => {
    checksums = `${createHash('sha256').update(archive).digest('hex')}  ${archiveName}\n`;
    const goDir = await fakeGoDir();
    const result = await install({ XDG_CACHE_HOME: await mkdtemp(join(scratch, 'cache-')), PATH: [goDir, systemPath].join(delimiter), TEMPORAL_CLI_RELEASE_BASE_URL: releaseUrl });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('installed from the release archive');
    expect((await run(result.path, ['--version'])).stdout).toContain(`temporal version ${version} `);
    await expect(readFile(join(goDir, 'calls'), 'utf8')).rejects.toThrow(); // go was never called
  });

  it('refuses an archive whose sha256 differs from the checksums file, and builds with Go instead', async () => {
    checksums = `${'0'.repeat(64)}  ${archiveName}\n`;
    const goDir = await fakeGoDir();
    const result = await install({ XDG_CACHE_HOME: await mkdtemp(join(scratch, 'cache-')), PATH: [goDir, systemPath].join(delimiter), TEMPORAL_CLI_RELEASE_BASE_URL: releaseUrl });
    expect(result.log).toMatch(/has sha256 [0-9a-f]{64}, but the release lists 0{64}: refusing it/);
    expect(await readFile(join(goDir, 'calls'), 'utf8')).toContain('install');
    expect(result.code).toBe(0);
  });

  it('uses a temporal of the pinned version on PATH before anything else', async () => {
    const binDir = await mkdtemp(join(scratch, 'bin-'));
    await writeFile(join(binDir, 'temporal'), `#!/bin/sh\necho "temporal version ${version} (Server 1.29.1, UI 2.45.3)"\n`);
    await chmod(join(binDir, 'temporal'), 0o755);
    const result = await install({ XDG_CACHE_HOME: await mkdtemp(join(scratch, 'cache-')), PATH: [binDir, systemPath].join(delimiter), TEMPORAL_CLI_RELEASE_BASE_URL: releaseUrl });
    expect(result.path).toBe(join(binDir, 'temporal'));
  });

  it('says what to install when there is neither a download nor Go', async () => {
    const result = await install({
      XDG_CACHE_HOME: await mkdtemp(join(scratch, 'cache-')),
      PATH: systemPath,
      TEMPORAL_CLI_RELEASE_BASE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`Install one of: the Temporal CLI v${version} on PATH`);
  });
});
