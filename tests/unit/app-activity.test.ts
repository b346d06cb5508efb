// The app's record of running work (src/app/activity.ts): an update's "Reload" waits until it is
// empty, so it must see a training start and end, failures included, and an import left open.
import { describe, expect, it } from 'vitest';
import { ActivityClient } from '../../src/app/activity';
import type { EngineClient } from '../../src/worker/client';
import type { Method } from '../../src/worker/protocol';

/** An engine whose answers the test releases by hand, in any order. */
class ManualEngine implements EngineClient {
  readonly calls: { method: Method; args: unknown; resolve(v: unknown): void; reject(e: unknown): void }[] = [];
  call(method: Method, args: unknown): Promise<never> {
    return new Promise((resolve, reject) => this.calls.push({ method, args, resolve: resolve as (v: unknown) => void, reject })) as Promise<never>;
  }
  subscribe(): () => void {
    return () => undefined;
  }
  dispose(): void {}
  last(method: Method) {
    const c = [...this.calls].reverse().find((x) => x.method === method);
    if (!c) throw new Error(`no call to ${method}`);
    return c;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ActivityClient', () => {
  it('is busy while a training runs and idle after it succeeds or fails', async () => {
    const engine = new ManualEngine();
    const client = new ActivityClient(engine);
    let changes = 0;
    client.onBusyChange(() => changes++);
    expect(client.busy()).toEqual([]);

    const run = client.call('train.start', { datasetId: 'd', encoderId: 'use-lite', config: {} as never });
    expect(client.busy()).toEqual(['a training run']);
    engine.last('train.start').resolve({ id: 'r1' });
    await run;
    await settle();
    expect(client.busy()).toEqual([]);

    const failing = client.call('finetune.start', { datasetId: 'd', encoderId: 'use-lite', settings: {} as never, headRunId: null });
    expect(client.busy()).toEqual(['a fine-tuning run']);
    engine.last('finetune.start').reject(new Error('stopped'));
    await expect(failing).rejects.toThrow('stopped');
    await settle();
    expect(client.busy()).toEqual([]);
    expect(changes).toBe(4);
  });

  it('ignores quick requests and names each kind of long work once', async () => {
    const engine = new ManualEngine();
    const client = new ActivityClient(engine);
    void client.call('datasets.list', null);
    void client.call('predict', { runId: 'r', texts: ['x'] });
    expect(client.busy()).toEqual([]);
    void client.call('export', { runId: 'r', format: 'bundle' });
    void client.call('export.hf', { runId: 'r' });
    void client.call('train.start', { datasetId: 'd', encoderId: 'use-lite', config: {} as never });
    expect([...client.busy()].sort()).toEqual(['a training run', 'an export']);
  });

  it('counts an opened import as work until it is saved or discarded', async () => {
    const engine = new ManualEngine();
    const client = new ActivityClient(engine);
    const open = client.call('import.open', { file: new Blob(['a,b']), fileName: 'a.csv' });
    engine.last('import.open').resolve({ importId: 'i1' });
    await open;
    await settle();
    expect(client.busy()).toEqual(['a dataset import waiting for Save or Cancel']);

    // A failed save keeps the import open (the user can fix the name and retry).
    const badSave = client.call('import.save', { importId: 'i1', name: '' });
    engine.last('import.save').reject(new Error('name'));
    await expect(badSave).rejects.toThrow();
    await settle();
    expect(client.busy()).toContain('a dataset import waiting for Save or Cancel');

    const save = client.call('import.save', { importId: 'i1', name: 'ok' });
    engine.last('import.save').resolve({ id: 'd1' });
    await save;
    await settle();
    expect(client.busy()).toEqual([]);

    // Cancel drops it at once, whatever the engine answers.
    const again = client.call('import.open', { file: new Blob(['a,b']), fileName: 'b.csv' });
    engine.last('import.open').resolve({ importId: 'i2' });
    await again;
    await settle();
    void client.call('import.discard', { importId: 'i2' });
    expect(client.busy()).toEqual([]);
  });

  it('reports successful results (the app asks for persistent storage on the first save)', async () => {
    const engine = new ManualEngine();
    const client = new ActivityClient(engine);
    const seen: Method[] = [];
    const off = client.onResult((m) => seen.push(m));
    const save = client.call('import.save', { importId: 'i', name: 'n' });
    engine.last('import.save').resolve({ id: 'd' });
    await save;
    const failed = client.call('import.bundle', { file: new Blob([]), fileName: 'x' });
    engine.last('import.bundle').reject(new Error('bad'));
    await expect(failed).rejects.toThrow();
    off();
    const later = client.call('import.save', { importId: 'j', name: 'n' });
    engine.last('import.save').resolve({ id: 'e' });
    await later;
    expect(seen).toEqual(['import.save']);
  });
});
