import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// There is no Docker engine on the build machines, so the compose file is checked by reading it.
interface Service {
  image?: string;
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

describe('docker-compose.yml', () => {
  it('has every part of the system', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'setup', 'temporal', 'temporal-db', 'temporal-ui', 'worker']);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
  });

  it('gives Temporal its own PostgreSQL, apart from the application database', () => {
    expect(services.temporal?.environment?.POSTGRES_SEEDS).toBe('temporal-db');
    expect(services.temporal?.depends_on?.['temporal-db']?.condition).toBe('service_healthy');
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
