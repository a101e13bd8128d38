import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

type Serializer = typeof serialize;

/**
 * node-postgres' connection to PGlite in this process, in place of PGlite's own adapter
 * (@electric-sql/pglite/node-postgres), which hands every protocol message to PGlite on its own.
 * node-postgres sends a prepared query as bind, describe, execute and sync; PGlite processes all
 * the messages of one call in one go, so this passes them together up to each sync: one trip into
 * WebAssembly per query instead of four (docs/performance.md, second round).
 * Only what the store uses is here: no TLS, no authentication, no COPY.
 */
export class PgliteConnection extends EventEmitter {
  /** node-postgres keeps its per-connection bookkeeping of prepared statements on these. */
  readonly parsedStatements: Record<string, string> = {};
  readonly submittedNamedStatements: Record<string, string> = {};
  readonly stream = { destroy: () => this.end() };
  _connecting = false;
  private pending: Buffer[] = [];
  private readonly parser = new Parser();
  private done: Promise<unknown>;

  constructor(private readonly lite: PGlite) {
    super();
    this.done = lite.waitReady;
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.lite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(options: Parameters<Serializer['parse']>[0]): void {
    this.pending.push(serialize.parse(options));
  }
  bind(options: Parameters<Serializer['bind']>[0]): void {
    this.pending.push(serialize.bind(options));
  }
  describe(options: Parameters<Serializer['describe']>[0]): void {
    this.pending.push(serialize.describe(options));
  }
  execute(options: Parameters<Serializer['execute']>[0]): void {
    this.pending.push(serialize.execute(options));
  }
  close(options: Parameters<Serializer['close']>[0]): void {
    this.pending.push(serialize.close(options));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }

  end(): void {
    this.done = this.done.then(() => this.emit('end'));
  }

  // Called by node-postgres on every connection; nothing to do in-process.
  startup(): void {}
  requestSsl(): void {}
  cancel(): void {}
  ref(): void {}
  unref(): void {}

  /** Sends what is pending with `last`, in order after everything sent before, and hands each answer to node-postgres. */
  private send(last: Buffer): void {
    const message = Buffer.concat([...this.pending, last]);
    this.pending = [];
    const answers: BackendMessage[] = [];
    // The answer arrives as views into PGlite's memory: copied, then parsed by node-postgres' own parser.
    const onRawData = (bytes: Uint8Array) => this.parser.parse(Buffer.from(bytes), (answer) => answers.push(answer));
    this.done = this.done
      // syncToFs: false: the hub's stores (a folder through Node's fs, or memory) have nothing to
      // flush after a query, and the flush PGlite would otherwise schedule takes its lock each time.
      .then(() => this.lite.execProtocolRawStream(message, { syncToFs: false, onRawData }))
      .then(() => {
        for (const answer of answers) this.emit(answer.name === 'error' ? 'errorMessage' : answer.name, answer);
      })
      .catch((error: unknown) => this.emit('error', error));
  }
}
