import type { ConnectionLike, Metadata, OperatorService, WorkflowService } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

type ServiceName = 'workflowService' | 'operatorService';

/**
 * The API's connection to Temporal: the SDK's NativeConnection (gRPC in the SDK's Rust core, which
 * the SDK documents as able to power a Client), connected on first use as `Connection.lazy` is, so
 * the API starts and /health answers while Temporal is still coming up (/ready tells). A failed
 * connect is forgotten, so the next call tries again.
 *
 * Why not `Connection` (@grpc/grpc-js, in the JavaScript thread): every create is a start, and
 * measured under the `create` bench the API spent 3.9 ms of CPU per create over `Connection`
 * against 3.0 ms over this one (README "Benchmarks"); on a machine the API shares with Temporal,
 * that CPU slows every start. The SDK has no lazy NativeConnection, hence this small wrapper.
 */
export class LazyNativeConnection implements ConnectionLike {
  readonly plugins = [];
  readonly workflowService = this.forwarding('workflowService') as WorkflowService;
  readonly operatorService = this.forwarding('operatorService') as OperatorService;
  private connecting: Promise<NativeConnection> | undefined;

  constructor(private readonly options: NativeConnectionOptions) {}

  /** The connection, connecting it first if it is not yet. */
  connection(): Promise<NativeConnection> {
    if (!this.connecting) {
      const connecting = NativeConnection.connect(this.options);
      this.connecting = connecting;
      connecting.catch(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  async ensureConnected(): Promise<void> {
    await this.connection();
  }

  async withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return (await this.connection()).withDeadline(deadline, fn);
  }

  async withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    return (await this.connection()).withMetadata(metadata, fn);
  }

  async withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return (await this.connection()).withAbortSignal(abortSignal, fn);
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const connection = await connecting?.catch(() => undefined);
    await connection?.close();
  }

  /** A service whose every call waits for the connection, then makes the same call on it (inside any withDeadline/withMetadata scope, which the native connection reads from its async context). */
  private forwarding(service: ServiceName): object {
    return new Proxy(
      {},
      {
        get: (_target, rpc) => {
          // Not a thenable, and not a symbol-keyed method: only the service's named calls forward.
          if (typeof rpc !== 'string' || rpc === 'then') return undefined;
          return async (...args: unknown[]) => {
            const target = (await this.connection())[service] as unknown as Record<string, (...callArgs: unknown[]) => Promise<unknown>>;
            return target[rpc]!(...args);
          };
        },
      },
    );
  }
}
