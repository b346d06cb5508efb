// The one worker client of the app, shared through React context.
import { createContext, useContext, useEffect, useEffectEvent, type ReactNode } from 'react';
import type { EngineClient } from '../worker/client';
import type { EngineEvent } from '../worker/protocol';

const EngineContext = createContext<EngineClient | null>(null);

export function EngineProvider({ client, children }: { client: EngineClient; children: ReactNode }) {
  return <EngineContext.Provider value={client}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineClient {
  const client = useContext(EngineContext);
  if (!client) throw new Error('useEngine must be used inside <EngineProvider>');
  return client;
}

/** Subscribes to engine events for the component's lifetime; the latest listener is always used. */
export function useEngineEvents(listener: (event: EngineEvent) => void): void {
  const client = useEngine();
  // An effect event sees the latest listener without resubscribing on every render.
  const onEvent = useEffectEvent(listener);
  useEffect(() => client.subscribe((e) => onEvent(e)), [client]);
}
