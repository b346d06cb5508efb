// The worker entry: owns tfjs, IndexedDB writes and CSV parsing, answers protocol requests.
import type { Args, EngineEvent, FromWorker, Method, ToWorker } from './protocol';
import { toErrorData } from './errors';
import { createEngine, type Handlers } from './engine';
import type { Emit } from './progress';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

/** The engine's own news (backend, encoder loaded, perf): no request asked for it. */
function broadcast(event: EngineEvent): void {
  post({ kind: 'event', event });
}

/** The events of one request's work, tagged with its id: the client hands them to that call's listener. */
function emitFor(requestId: number): Emit {
  return (event) => post({ kind: 'event', event, requestId });
}

/** Typed arrays in results travel as transferables: no copy of large embeddings or files. */
function transferablesIn(value: unknown): Transferable[] {
  if (!value || typeof value !== 'object') return [];
  const out: Transferable[] = [];
  for (const v of Object.values(value)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) out.push(v.buffer);
  }
  return out;
}

const handlers: Handlers = createEngine(broadcast);

async function dispatch<M extends Method>(method: M, args: Args<M>, emit: Emit): Promise<unknown> {
  const handler = handlers[method] as ((a: Args<M>, e: Emit) => Promise<unknown>) | undefined;
  if (!handler) throw new Error(`unknown method "${String(method)}"`);
  return handler(args, emit);
}

scope.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.kind !== 'request') return;
  try {
    const result = await dispatch(msg.method, msg.args as Args<typeof msg.method>, emitFor(msg.id));
    post({ kind: 'result', id: msg.id, result }, transferablesIn(result));
  } catch (err) {
    post({ kind: 'error', id: msg.id, error: toErrorData(err) });
  }
};
