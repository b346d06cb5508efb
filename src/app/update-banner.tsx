// "A new version is ready — Reload", held back while a reload would interrupt something.
import { useState } from 'react';
import { acceptUpdate, type AppUpdateState } from './pwa';

export function UpdateBanner({ update, busy }: { update: AppUpdateState; busy: readonly string[] }) {
  const [reloading, setReloading] = useState(false);
  if (!update.updateReady) return null;
  const waiting = busy.length > 0;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>
        A new version of TextTune is ready.{' '}
        {waiting ? (
          <span data-testid="update-waiting">
            Reload when {busy.join(', ')} {busy.length > 1 ? 'finish' : 'finishes'}: reloading now would stop it.
          </span>
        ) : (
          'Reload to use it; your datasets, runs and models stay.'
        )}
      </span>
      <button
        type="button"
        className="primary"
        data-testid="update-reload"
        disabled={waiting || reloading}
        onClick={() => {
          setReloading(true);
          void acceptUpdate();
        }}
      >
        {reloading ? 'Reloading…' : 'Reload'}
      </button>
    </div>
  );
}
