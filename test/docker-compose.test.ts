import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// There is no Docker engine on the build machines, so the compose file is checked by reading it.
interface Service {
  image?: string;
  env_file?: string[];
  volumes?: string[];
  entrypoint?: string[];
  build?: unknown;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
/** KEY=value lines, as compose's env_file and scripts/temporal/start-cluster.sh read them. */
const envFile = (path: string) => Object.fromEntries(read(path).split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
const temporalServerEnv = envFile('temporal/server.env');
/** The version CI builds and runs (pinned in scripts/install-temporal-server.sh, nowhere else). */
const ciServerVersion = /^TEMPORAL_SERVER_VERSION="([\d.]+)"/m.exec(read('scripts/install-temporal-server.sh'))?.[1];

describe('docker-compose.yml', () => {
  it('has every part of the system', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'setup', 'temporal', 'temporal-db', 'temporal-namespace', 'temporal-schema', 'temporal-ui', 'worker']);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
  });

  it('gives Temporal its own PostgreSQL, apart from the application database, its schema set up before the server starts', () => {
    expect(services.temporal?.env_file).toEqual(['temporal/server.env']);
    expect(temporalServerEnv.POSTGRES_SEEDS).toBe('temporal-db');
    expect(services['temporal-schema']?.depends_on?.['temporal-db']?.condition).toBe('service_healthy');
    expect(services.temporal?.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
  });

  it('runs Temporal from the current images (temporalio/server and temporalio/admin-tools, not the deprecated auto-setup) at the version CI builds', () => {
    expect(ciServerVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(services.temporal?.image).toBe(`temporalio/server:${ciServerVersion}`);
    for (const name of ['temporal-schema', 'temporal-namespace']) expect(services[name]?.image, name).toBe(`temporalio/admin-tools:${ciServerVersion}`);
    for (const [name, service] of Object.entries(services)) expect(service.image ?? '', name).not.toMatch(/auto-setup/);
  });

  it('configures the Temporal server as CI does: one file, PostgreSQL persistence and SQL visibility, the same dynamic config and schema script', () => {
    expect(temporalServerEnv).toMatchObject({ DB: 'postgres12', ENABLE_ES: 'false', DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility', NUM_HISTORY_SHARDS: '4' });
    // The server reads the dynamic config where compose mounts the project's file.
    expect(services.temporal?.volumes).toContain(`./temporal/dynamicconfig.yaml:${temporalServerEnv.DYNAMIC_CONFIG_FILE_PATH}:ro`);
    // The schema job runs the script CI runs, with the same settings file.
    expect(services['temporal-schema']?.env_file).toEqual(['temporal/server.env']);
    expect(services['temporal-schema']?.volumes).toContain('./scripts/temporal/setup-schema.sh:/setup-schema.sh:ro');
    expect(services['temporal-schema']?.entrypoint).toEqual(['sh', '/setup-schema.sh']);
    // CI's launcher starts the server with the same file and dynamic config and runs the same schema script.
    const ciLauncher = read('scripts/temporal/start-cluster.sh');
    for (const shared of ['temporal/server.env', 'temporal/dynamicconfig.yaml', 'scripts/temporal/setup-schema.sh']) expect(ciLauncher, shared).toContain(shared);
  });

  it('creates the namespace on the real server (which starts with none) before setup registers search attributes', () => {
    expect(services['temporal-namespace']?.depends_on?.temporal?.condition).toBe('service_healthy');
    expect(services['temporal-namespace']?.entrypoint?.join(' ')).toMatch(/temporal operator namespace create .*-n default/);
    expect(services.setup?.depends_on?.['temporal-namespace']?.condition).toBe('service_completed_successfully');
  });

  it('publishes the API, the Temporal frontend and the UI on the documented ports', () => {
    expect(services.api?.ports).toContain('3000:3000');
    expect(services.temporal?.ports).toContain('7233:7233');
    expect(services['temporal-ui']?.ports).toContain('8233:8080');
  });

  it('health-checks every long-running service the others wait on', () => {
    for (const name of ['postgres', 'temporal-db', 'temporal', 'temporal-ui', 'api']) {
      expect(services[name]?.healthcheck?.test, name).toBeDefined();
    }
  });

  it('migrates and registers search attributes once before worker and API start', () => {
    expect(services.setup?.command?.join(' ')).toMatch(/dist\/scripts\/migrate\.js.*dist\/scripts\/register-search-attributes\.js/);
    for (const name of ['worker', 'api']) {
      expect(services[name]?.depends_on?.setup?.condition, name).toBe('service_completed_successfully');
    }
  });

  it('points worker and API at the compose services, with settings the app accepts', async () => {
    const { parseConfig } = await import('../config/load.js');
    // `${VAR:?message}` makes compose refuse to start unless the operator sets VAR: stand in a well-formed value.
    const operatorSets: Record<string, string> = { PAYLOAD_ENCRYPTION_KEYS: `compose-test:${Buffer.alloc(32, 7).toString('base64')}` };
    for (const name of ['setup', 'worker', 'api']) {
      const environment = Object.entries(services[name]?.environment ?? {}).map(([key, value]) => [key, /^\$\{\w+:\?/.test(value) ? (operatorSets[key] ?? value) : value]);
      const config = parseConfig(Object.fromEntries(environment));
      expect(config.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(new URL(config.DATABASE_URL).hostname, name).toBe('postgres');
    }
  });

  it('takes the payload encryption keys from the operator, never from the file', () => {
    for (const name of ['worker', 'api']) expect(services[name]?.environment?.PAYLOAD_ENCRYPTION_KEYS, name).toMatch(/^\$\{PAYLOAD_ENCRYPTION_KEYS:\?.+\}$/);
  });

  it('runs compiled entry points (node dist/…, never tsx) whose sources exist in this repository', () => {
    for (const name of ['setup', 'worker', 'api']) {
      const command = (services[name]?.command ?? []).join(' ');
      expect(command, name).not.toMatch(/tsx|\.ts\b/);
      const entries = command.match(/dist\/[\w/-]+\.js/g) ?? [];
      expect(entries.length, name).toBeGreaterThan(0);
      for (const file of entries) {
        const source = file.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        expect(() => readFileSync(new URL(`../${source}`, import.meta.url)), `${name}: ${source}`).not.toThrow();
      }
    }
  });

  it('builds the image in two stages: compiled code and the workflow bundle, production dependencies only, node as the command', () => {
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toMatch(/FROM \S+ AS build[\s\S]*scripts\/build\.sh dist[\s\S]*\nFROM /);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist/);
    expect(runtime).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
    expect(runtime).toMatch(/CMD \["node", "dist\/api\/main\.js"\]/);
    expect(runtime).not.toMatch(/tsx/);
  });
});
