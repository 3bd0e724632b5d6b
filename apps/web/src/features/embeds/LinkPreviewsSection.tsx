import { useEffect, useId, useState } from 'react';
import { useAuth } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import { useLinkPreviewPrefs } from './preview-prefs.js';

/** User settings: whether link previews are shown (to this user; others still see theirs). */
export function LinkPreviewsSection() {
  const headingId = useId();
  const me = useAuth((s) => s.profile?.id);
  const show = useLinkPreviewPrefs((s) => s.show);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (me) void useLinkPreviewPrefs.getState().load(me);
  }, [me]);
  if (!me) return null;
  return (
    <section aria-labelledby={headingId} className="settings-section">
      <h3 id={headingId}>Link previews</h3>
      <label className="toggle">
        <input
          type="checkbox"
          checked={show ?? true}
          disabled={show === null}
          onChange={(event) => {
            setError(null);
            useLinkPreviewPrefs
              .getState()
              .setShow(me, event.target.checked)
              .catch((e: unknown) => setError(describeError(e, 'change this setting')));
          }}
        />
        Show previews of links posted in chat
      </label>
      <p className="hint">
        Previews are fetched by your Harmony server, never by your browser, so linked sites do not see your
        address.
      </p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
