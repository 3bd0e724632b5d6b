import { X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { stores, useAuth } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Message } from '../../lib/types.js';
import { suppressEmbeds } from './embeds-api.js';
import type { LinkPreview } from './link-previews.js';
import { useLinkPreviewPrefs } from './preview-prefs.js';
import './embeds.css';

/** Wider images show large below the text; smaller ones as a thumbnail beside it. */
const LARGE_IMAGE_WIDTH = 300;

/** A message's link previews as cards, with a remove button for its author. */
export function LinkEmbedCards({ message, previews }: { message: Message; previews: LinkPreview[] }) {
  const me = useAuth((s) => s.profile?.id);
  const show = useLinkPreviewPrefs((s) => s.show);
  const [removing, setRemoving] = useState(false);
  useEffect(() => {
    if (me) void useLinkPreviewPrefs.getState().load(me);
  }, [me]);
  if (show !== true) return null;
  const mine = Boolean(me) && message.author_id === me;

  const remove = async () => {
    setRemoving(true);
    // The message_update broadcast takes the previews away, here and for everyone.
    await suppressEmbeds(message.id).catch((error: unknown) =>
      stores.ui.getState().toast(describeError(error, 'remove these previews')),
    );
    setRemoving(false);
  };

  return (
    <>
      {previews.map((preview) => {
        const large = preview.image && preview.image.width >= LARGE_IMAGE_WIDTH;
        return (
          <div
            key={preview.url}
            className={`link-embed${large ? ' large' : ''}`}
            style={preview.color ? { borderLeftColor: preview.color } : undefined}
            data-testid="link-embed"
          >
            <div className="link-embed-text">
              {preview.site_name && <div className="link-embed-site">{preview.site_name}</div>}
              <a className="link-embed-title" href={preview.url} target="_blank" rel="noreferrer noopener">
                {preview.title ?? preview.url}
              </a>
              {preview.description && <p className="link-embed-description">{preview.description}</p>}
            </div>
            {preview.image && (
              <img
                className="link-embed-image"
                src={preview.image.url}
                width={preview.image.width}
                height={preview.image.height}
                alt=""
                loading="lazy"
              />
            )}
            {mine && (
              <button
                type="button"
                className="link-embed-remove"
                aria-label="Remove link previews"
                title="Remove link previews"
                disabled={removing}
                onClick={() => void remove()}
              >
                <X size={14} aria-hidden />
              </button>
            )}
          </div>
        );
      })}
    </>
  );
}
