import { EyeOff, FileUp, RotateCw, X } from 'lucide-react';
import { IconButton } from '../../ui/IconButton.js';
import { formatBytes } from './format.js';
import { cancelUpload, removeUpload, retryUpload, toggleSpoiler } from './upload-actions.js';
import { type UploadItem, useChannelUploads } from './upload-store.js';
import './attachments.css';

/** The composer's files: each with its size, progress, cancel or retry, and a spoiler switch. */
export default function UploadTray({ channelId }: { channelId: string }) {
  const uploads = useChannelUploads(channelId);
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label="Attachments">
      {uploads.map((u) => (
        <UploadRow key={u.id} upload={u} />
      ))}
    </ul>
  );
}

function UploadRow({ upload: u }: { upload: UploadItem }) {
  const name = u.file.name;
  return (
    <li className={`upload-row ${u.status}${u.spoiler ? ' spoiler' : ''}`}>
      <FileUp aria-hidden="true" size={20} className="upload-icon" />
      <div className="upload-main">
        <div className="upload-title">
          <span className="upload-name">{name}</span>
          <span className="upload-size">{formatBytes(u.file.size)}</span>
        </div>
        {u.status === 'uploading' && (
          <progress
            value={u.progress}
            max={1}
            aria-label={`Uploading ${name}`}
            aria-valuetext={`${Math.round(u.progress * 100)}%`}
          />
        )}
        {u.status === 'ready' && (
          <span className="upload-state">{u.spoiler ? 'Ready, as a spoiler' : 'Ready'}</span>
        )}
        {u.status === 'cancelled' && <span className="upload-state">Upload cancelled</span>}
        {u.status === 'failed' && (
          <span className="upload-state error" role="alert">
            {u.error}
          </span>
        )}
      </div>
      {u.status === 'uploading' && (
        <IconButton
          label={`Cancel upload of ${name}`}
          icon={X}
          size={16}
          onClick={() => cancelUpload(u.id)}
        />
      )}
      {(u.status === 'failed' || u.status === 'cancelled') && (
        <IconButton label={`Retry ${name}`} icon={RotateCw} size={16} onClick={() => retryUpload(u.id)} />
      )}
      <IconButton
        label={`Mark ${name} as spoiler`}
        icon={EyeOff}
        size={16}
        aria-pressed={u.spoiler}
        className={u.spoiler ? 'active' : undefined}
        onClick={() => toggleSpoiler(u.id)}
      />
      {u.status !== 'uploading' && (
        <IconButton label={`Remove ${name}`} icon={X} size={16} onClick={() => removeUpload(u.id)} />
      )}
    </li>
  );
}
