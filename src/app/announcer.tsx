// One polite status region for the whole app: progress phases and completions are announced here
// (a screen reader hears one voice instead of several live regions competing). The region is in
// the page from the start, so the first message is read too.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

const AnnounceContext = createContext<(message: string) => void>(() => undefined);

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const announce = useCallback((m: string) => {
    // The same text twice in a row would not be read again: clear first, then set (a timer, not a
    // frame: frames do not run in a background tab, and a finished training there must still be said).
    setMessage('');
    setTimeout(() => setMessage(m), 50);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <p className="sr-only" role="status" aria-live="polite" data-testid="app-status">
        {message}
      </p>
    </AnnounceContext.Provider>
  );
}

/** Announces a message in the app's status region. */
export function useAnnounce(): (message: string) => void {
  return useContext(AnnounceContext);
}
