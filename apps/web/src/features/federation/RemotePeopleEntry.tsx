import { lazy, Suspense, useState } from 'react';
import { useAuth } from '../../app/stores.js';

const RemotePeople = lazy(() => import('./RemotePeople.js'));

/** The home screen's way to people on other instances; the panel loads on first use. */
export function RemotePeopleEntry() {
  const me = useAuth((s) => s.profile?.id);
  const [open, setOpen] = useState(false);
  if (!me) return null;
  if (!open) {
    return (
      <button type="button" className="link" onClick={() => setOpen(true)}>
        Find people on other instances
      </button>
    );
  }
  return (
    <Suspense fallback={<p className="hint">Loading…</p>}>
      <RemotePeople me={me} />
    </Suspense>
  );
}
