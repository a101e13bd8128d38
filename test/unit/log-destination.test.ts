// The hub's log destination: a stream that fails (its reader gone) or stalls never reaches the
// hub as an error or a wait without end.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, stderrDestination } from '../../hub/log.ts';

/** A stream whose writes finish only when `release` is called, or fail with EPIPE on `breakPipe`. */
function heldStream() {
  const written: string[] = [];
  const held: ((error?: Error) => void)[] = [];
  let broken = false;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (broken) return callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      held.push((error) => {
        if (!error) written.push(chunk.toString());
        callback(error);
      });
    },
  });
  return {
    stream,
    written,
    release: () => held.splice(0).forEach((done) => done()),
    breakPipe: () => {
      broken = true;
      held.splice(0).forEach((done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
    },
  };
}

describe('stderrDestination', () => {
  it('says its lines have left once the stream took them', async () => {
    const { stream, written, release } = heldStream();
    const destination = stderrDestination(stream);
    destination.write('one\n');
    let flushed = false;
    const waiting = destination.flushed(60_000).then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    release();
    await waiting;
    expect(written).toEqual(['one\n']);
  });

  it('stops waiting for a stream that does not take its lines after the given time', async () => {
    const { stream } = heldStream();
    const destination = stderrDestination(stream);
    destination.write('stuck\n');
    const outcome = await Promise.race([destination.flushed(50).then(() => 'flushed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
    expect(outcome).toBe('flushed');
  });

  it('drops its lines once a write failed (EPIPE), without an error reaching the caller', async () => {
    const { stream, written, breakPipe } = heldStream();
    const destination = stderrDestination(stream);
    const log = createLogger('info', destination);
    log.info('before the reader went');
    breakPipe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => log.info('after the reader went')).not.toThrow();
    await destination.flushed(60_000); // nothing pending any more: resolves at once
    expect(written).toEqual([]);
    expect(stream.destroyed).toBe(true);
  });
});
