import pg from 'pg';
import type { Logger } from 'pino';

/** The channel the api_keys trigger notifies (migration 202612070100_api_key_changes). */
export const apiKeyChangesChannel = 'api_keys_changed';

export interface ApiKeyChangeHandlers {
  /** LISTEN is in place: every change committed from now on will be told. */
  listening(): void;
  /** The connection is gone: changes may go untold until `listening` is called again. */
  lost(): void;
  /** The key with this hash changed or was deleted; an empty hash means every key (TRUNCATE). */
  changed(keyHash: string): void;
}

export interface ListenerOptions {
  /** Shown in pg_stat_activity, so the connection can be told apart (and terminated in tests). */
  readonly applicationName?: string;
  /** The first wait before reconnecting; it doubles after each failure up to `maxRetryMs`. */
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * One dedicated connection that LISTENs for API key changes and comes back after it is lost.
 *
 * The reconnect loop is written here rather than taken from a library (pg-listen and the like):
 * it is a dozen lines, and what matters is exactly when the caller is told "listening" and
 * "lost", which a library's reconnect would hide or decide for us.
 */
export class ApiKeyChangeListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;
  private isListening = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: ApiKeyChangeHandlers,
    private readonly logger: Logger,
    private readonly options: ListenerOptions = {},
  ) {
    this.retryMs = options.firstRetryMs ?? 1_000;
  }

  get listening(): boolean {
    return this.isListening;
  }

  start(): void {
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (this.isListening) {
      this.isListening = false;
      this.handlers.lost();
    }
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: this.options.applicationName ?? 'collections-api-key-listener', keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === apiKeyChangesChannel) this.handlers.changed(message.payload ?? '');
    });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${apiKeyChangesChannel}`);
    } catch (error) {
      this.lose(client, error);
      return;
    }
    // Closed, or lost and replaced, while LISTEN was on its way.
    if (this.client !== client) return;
    this.isListening = true;
    this.retryMs = this.options.firstRetryMs ?? 1_000;
    this.logger.info({ channel: apiKeyChangesChannel }, 'listening for API key changes; API keys are cached');
    this.handlers.listening();
  }

  /** Called once per connection (error and end both come): drops it and schedules the next. */
  private lose(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.isListening = false;
    this.handlers.lost();
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn({ err: error, retryInMs: this.retryMs }, 'API key change listener not connected; API keys are read from the database until it is');
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 30_000);
  }
}
