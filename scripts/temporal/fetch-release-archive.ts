// Downloads the Temporal CLI's official release archive for this platform, checks its sha256
// against the release's own checksums file, and unpacks the `temporal` binary into a folder.
// Usage: tsx fetch-release-archive.ts <base-url> <version> <destination-dir>. Prints the binary's
// path; on any failure prints one line saying why and exits 1 (the caller falls back to Go).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const [baseUrl, version, destination] = process.argv.slice(2);
if (!baseUrl || !version || !destination) throw new Error('usage: fetch-release-archive.ts <base-url> <version> <destination-dir>');

const releasePlatform = { linux: 'linux', darwin: 'darwin' }[platform() as string];
const releaseArch = { x64: 'amd64', arm64: 'arm64' }[arch() as string];
const connectSeconds = Number(process.env.TEMPORAL_CLI_DOWNLOAD_TIMEOUT || 20);

async function download(url: string, seconds: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(seconds * 1000) }).catch((error: Error & { cause?: { code?: string } }) => {
    throw new Error(`cannot reach ${url} (${error.cause?.code ?? error.name}: ${error.message})`);
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

try {
  if (!releasePlatform || !releaseArch) throw new Error(`no official release archive for ${platform()}/${arch()}`);
  const archiveName = `temporal_cli_${version}_${releasePlatform}_${releaseArch}.tar.gz`;
  const releaseUrl = `${baseUrl.replace(/\/$/, '')}/v${version}`;
  const checksums = (await download(`${releaseUrl}/temporal_cli_${version}_checksums.txt`, connectSeconds)).toString('utf8');
  const expected = checksums.split('\n').map((line) => line.trim().split(/\s+/)).find(([, name]) => name === archiveName)?.[0];
  if (!expected || !/^[0-9a-f]{64}$/.test(expected)) throw new Error(`the release's checksums file lists no sha256 for ${archiveName}`);
  const archive = await download(`${releaseUrl}/${archiveName}`, 300);
  const actual = createHash('sha256').update(archive).digest('hex');
  if (actual !== expected) throw new Error(`${archiveName} has sha256 ${actual}, but the release lists ${expected}: refusing it`);
  const scratch = await mkdtemp(join(destination, '.download-'));
  try {
    await writeFile(join(scratch, archiveName), archive);
    await promisify(execFile)('tar', ['-xzf', join(scratch, archiveName), '-C', destination, 'temporal']);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  console.log(join(destination, 'temporal'));
} catch (error) {
  console.error(`release archive: ${(error as Error).message}`);
  process.exit(1);
}
