// The app-level state behind "works offline", "offline", "a new version is ready" and the storage
// persistence badge: one hook so app.tsx only wires it up.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { SAVES_DATA, type ActivityClient } from './activity';
import { getUpdateState, startServiceWorker, subscribeUpdateState, type AppUpdateState } from './pwa';
import { useOnline } from './online';

/** persisted: null while unknown or unsupported; asked: persist() was called in this page. */
export interface Persistence {
  persisted: boolean | null;
  asked: boolean;
}

export interface OfflineState {
  online: boolean;
  update: AppUpdateState;
  /** The built-in encoder's files are in IndexedDB (null: not known yet). */
  encoderStored: boolean | null;
  /** What a reload would interrupt now (empty: safe). */
  busy: readonly string[];
  persistence: Persistence;
}

/**
 * Asks for persistent storage once there is something worth keeping: at the first saved dataset
 * (or run, or imported model), or at start when data is already stored. Asking earlier would be a
 * prompt with no reason (Firefox asks the user; Chromium decides from site engagement).
 */
function usePersistence(client: ActivityClient): Persistence {
  const [state, setState] = useState<Persistence>({ persisted: null, asked: false });
  const asked = useRef(false);
  useEffect(() => {
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    if (!storage?.persisted || !storage.persist) return;
    let live = true;
    const ask = () => {
      if (asked.current) return;
      asked.current = true;
      storage.persist().then(
        (granted) => live && setState({ persisted: granted, asked: true }),
        () => live && setState({ persisted: false, asked: true }),
      );
    };
    storage.persisted().then((p) => {
      if (!live) return;
      setState((s) => ({ ...s, persisted: p }));
      // Already granted (earlier visit): nothing to ask.
      if (p) asked.current = true;
      else client.call('datasets.list', null).then((ds) => ds.length > 0 && ask(), () => undefined);
    }, () => undefined);
    const off = client.onResult((method) => {
      if (SAVES_DATA.has(method)) ask();
    });
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return state;
}

export function useOfflineState(client: ActivityClient, engineReady: boolean): OfflineState {
  const online = useOnline();
  const update = useSyncExternalStore(subscribeUpdateState, getUpdateState);
  const subscribeBusy = useCallback((cb: () => void) => client.onBusyChange(cb), [client]);
  const busy = useSyncExternalStore(subscribeBusy, () => client.busy());
  const persistence = usePersistence(client);
  const [encoderStored, setEncoderStored] = useState<OfflineState['encoderStored']>(null);

  useEffect(startServiceWorker, []);

  // Where offline use is possible, keep the built-in encoder in IndexedDB from the first visit
  // (in the background, without progress noise), not only after a first training: the network
  // may be gone by then. Already stored: a presence check, no download.
  useEffect(() => {
    if (!engineReady || !update.supported || encoderStored) return;
    let live = true;
    client.call('encoder.prefetch', { id: 'use-lite' }).then(
      () => live && setEncoderStored(true),
      () => live && setEncoderStored(false),
    );
    return () => {
      live = false;
    };
    // Retried when the network comes back after a failed (offline) attempt.
  }, [client, engineReady, update.supported, online, encoderStored]);

  return { online, update, encoderStored, busy, persistence };
}
