// Whether the browser says it has a network (navigator.onLine and its events). "Online" can be
// wrong (a captive portal), "offline" is reliable: the UI uses it to say up front that an action
// needs the network instead of letting it fail.
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  addEventListener('online', onChange);
  addEventListener('offline', onChange);
  return () => {
    removeEventListener('online', onChange);
    removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, () => navigator.onLine);
}
