import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmbientTransaction } from './ambient-transaction.js';

describe('AmbientTransaction', () => {
  it('is the run’s store on every async path the run starts, and nothing outside a run', async () => {
    const ambient = new AmbientTransaction<string>();
    expect(ambient.get()).toBeUndefined();
    const seen = await ambient.run('tx-1', async () => {
      const direct = ambient.get();
      await sleep(1);
      const afterAwait = ambient.get();
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(ambient.get()), 1));
      const inTick = await new Promise((resolve) => process.nextTick(() => resolve(ambient.get())));
      return [direct, afterAwait, inTimer, inTick];
    });
    expect(seen).toEqual(['tx-1', 'tx-1', 'tx-1', 'tx-1']);
    expect(ambient.get()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const ambient = new AmbientTransaction<string>();
    const one = async (name: string, wait: number) =>
      ambient.run(name, async () => {
        await sleep(wait);
        const a = ambient.get();
        await sleep(wait);
        return [a, ambient.get()];
      });
    const [a, b] = await Promise.all([one('a', 5), one('b', 1)]);
    expect(a).toEqual(['a', 'a']);
    expect(b).toEqual(['b', 'b']);
    expect(ambient.get()).toBeUndefined();
  });

  it('is off once every run has ended: a timer started inside a run and firing later sees no store', async () => {
    const ambient = new AmbientTransaction<string>();
    let late: Promise<string | undefined> | undefined;
    await ambient.run('tx-ended', async () => {
      late = new Promise((resolve) => setTimeout(() => resolve(ambient.get()), 20));
    });
    // A plain AsyncLocalStorage would still answer 'tx-ended' here.
    await expect(late).resolves.toBeUndefined();
  });

  it('stays on while another run is still going, and ends a run that fails', async () => {
    const ambient = new AmbientTransaction<string>();
    let release!: () => void;
    const long = ambient.run('long', async () => {
      await new Promise<void>((r) => (release = r));
      return ambient.get();
    });
    await expect(
      ambient.run('failing', async () => {
        await sleep(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    release();
    await expect(long).resolves.toBe('long');
    await expect(ambient.run('again', async () => ambient.get())).resolves.toBe('again');
  });
});
