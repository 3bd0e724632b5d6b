import { Download, FileText } from 'lucide-react';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { stores } from '../../app/stores.js';
import type { Attachment, Message } from '../../lib/types.js';
import { VoicePlayer } from '../voice-messages/VoicePlayer.js';
import { attachmentBox, attachmentKind } from './attachment-kind.js';
import { formatBytes } from './format.js';
import type { GallerySlide } from './Gallery.js';
import { signedUrls, useSignedUrl } from './signed-urls.js';
import './attachments.css';

// The lightbox library loads on the first image opened.
const Gallery = lazy(() => import('./Gallery.js'));

/** A message's files: images (opening the channel's gallery), players, and download cards. */
export default function MessageAttachments({
  channelId,
  attachments,
}: {
  channelId: string;
  attachments: Attachment[];
}) {
  const [gallery, setGallery] = useState<{ slides: GallerySlide[]; index: number } | null>(null);
  const open = async (opened: Attachment) => {
    const images = galleryImages(channelId, attachments, opened);
    const urls = await signedUrls(images.map((a) => a.path));
    const slides = images.flatMap((a) => {
      const src = urls.get(a.path);
      return src ? [{ src, alt: a.name, width: a.width, height: a.height, path: a.path }] : [];
    });
    setGallery({
      slides,
      index: Math.max(
        0,
        slides.findIndex((s) => s.path === opened.path),
      ),
    });
  };
  return (
    <div className="attachments">
      {attachments.map((a) => (
        <AttachmentView key={a.path} attachment={a} onOpen={() => void open(a)} />
      ))}
      {gallery && (
        <Suspense fallback={null}>
          <Gallery slides={gallery.slides} index={gallery.index} onClose={() => setGallery(null)} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * The gallery holds every image of the channel's loaded messages, oldest first (spoilers only
 * when it is the one opened); a message outside the loaded list shows its own images.
 */
function galleryImages(channelId: string, own: Attachment[], opened: Attachment): Attachment[] {
  const shown = (a: Attachment) => attachmentKind(a) === 'image' && (!a.spoiler || a.path === opened.path);
  const items: Message[] = stores.messages.getState().channels[channelId]?.items ?? [];
  const all = items.flatMap((m) => ((m.attachments as unknown as Attachment[] | null) ?? []).filter(shown));
  return all.some((a) => a.path === opened.path) ? all : own.filter(shown);
}

function AttachmentView({ attachment: a, onOpen }: { attachment: Attachment; onOpen: () => void }) {
  switch (attachmentKind(a)) {
    case 'image':
      return <ImageAttachment attachment={a} onOpen={onOpen} />;
    case 'video':
      return <VideoAttachment attachment={a} />;
    case 'audio':
      return <AudioAttachment attachment={a} />;
    case 'voice':
      return <VoiceAttachment attachment={a} />;
    default:
      return <FileCard attachment={a} />;
  }
}

/** Blurred, with a "Spoiler" cover, until clicked. */
function Spoiler({ attachment, children }: { attachment: Attachment; children: ReactNode }) {
  const [hidden, setHidden] = useState(Boolean(attachment.spoiler));
  return (
    <div className={`attachment-media${hidden ? ' spoiler-hidden' : ''}`} style={attachmentBox(attachment)}>
      {children}
      {hidden && (
        <button
          type="button"
          className="spoiler-cover"
          aria-label={`Spoiler: show ${attachment.name}`}
          onClick={() => setHidden(false)}
        >
          Spoiler
        </button>
      )}
    </div>
  );
}

function ImageAttachment({ attachment: a, onOpen }: { attachment: Attachment; onOpen: () => void }) {
  const url = useSignedUrl(a.path);
  return (
    <Spoiler attachment={a}>
      <button type="button" className="attachment-image" aria-label={`Open image ${a.name}`} onClick={onOpen}>
        {url && <img src={url} alt={a.name} width={a.width} height={a.height} />}
      </button>
    </Spoiler>
  );
}

function VideoAttachment({ attachment: a }: { attachment: Attachment }) {
  const url = useSignedUrl(a.path);
  return (
    <Spoiler attachment={a}>
      {/* biome-ignore lint/a11y/useMediaCaption: people's own clips come without caption tracks */}
      <video
        className="attachment-video"
        src={url ?? undefined}
        controls
        preload="metadata"
        aria-label={`Video ${a.name}`}
      />
    </Spoiler>
  );
}

function AudioAttachment({ attachment: a }: { attachment: Attachment }) {
  const url = useSignedUrl(a.path);
  return (
    <div className="attachment-card audio" style={attachmentBox(a)}>
      <FileRow attachment={a} />
      {/* biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions */}
      <audio src={url ?? undefined} controls preload="metadata" aria-label={`Audio ${a.name}`} />
    </div>
  );
}

function VoiceAttachment({ attachment: a }: { attachment: Attachment }) {
  const url = useSignedUrl(a.path);
  return (
    <div className="attachment-voice" style={attachmentBox(a)}>
      <VoicePlayer src={url} duration={a.duration ?? 0} waveform={a.waveform ?? []} />
    </div>
  );
}

function FileCard({ attachment: a }: { attachment: Attachment }) {
  return (
    <div className="attachment-card" style={attachmentBox(a)}>
      <FileRow attachment={a} />
    </div>
  );
}

/**
 * Name, size and a download link. The link asks Storage for `Content-Disposition: attachment`:
 * the file is saved, never opened as a page of our API's origin (HTML, SVG, scripts).
 */
function FileRow({ attachment: a }: { attachment: Attachment }) {
  const url = useSignedUrl(a.path, a.name);
  return (
    <div className="file-row">
      <FileText aria-hidden="true" size={28} className="file-icon" />
      <div className="file-text">
        <a href={url ?? undefined} download={a.name} className="file-name">
          {a.name}
        </a>
        <span className="file-size">{formatBytes(a.size)}</span>
      </div>
      <a
        href={url ?? undefined}
        download={a.name}
        className="icon-button"
        aria-label={`Download ${a.name}`}
        data-tooltip={`Download ${a.name}`}
      >
        <Download aria-hidden="true" size={18} />
      </a>
    </div>
  );
}
