// Builds an encoder from its stored files: shared by the engine (encoders.ts) and the parallel
// embedding workers (embed.worker.ts), which must build exactly the same encoder from the same records.
import type { EncoderFiles, TextEncoder } from '../core/encoders/types';
import { loadUseLite } from '../core/encoders/use-lite';
import { shardPaths } from '../core/encoders/weights';
import type { EncoderFileRecord } from '../storage/db';
import type { EncoderId } from './protocol';
import { assertNever } from './errors';
import { bertFromRecords, encoderSpec } from './hub-encoders';

const decoder = new TextDecoder();
export const json = (bytes: ArrayBuffer): unknown => JSON.parse(decoder.decode(bytes));

export async function buildEncoder(id: EncoderId, records: EncoderFileRecord[]): Promise<TextEncoder> {
  const spec = encoderSpec(id);
  switch (spec.kind) {
    case 'use-lite': {
      const byPath = new Map(records.map((r) => [r.path, r]));
      const modelJson = json(byPath.get('model.json')!.bytes);
      const vocab = json(byPath.get('vocab.json')!.bytes);
      const shards = shardPaths(modelJson).map((p) => byPath.get(p)!.bytes);
      const files: EncoderFiles = { modelJson, vocab, shards };
      return loadUseLite(files);
    }
    case 'hub':
    case 'import':
      return bertFromRecords(id, records);
    default:
      return assertNever(spec, 'encoder kind');
  }
}
