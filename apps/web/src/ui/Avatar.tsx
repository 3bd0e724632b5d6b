/** Up to two initials: the first letters of the first two words, or of the name. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s_.-]+/)
    .filter(Boolean);
  const letters =
    words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase() || '?';
}

const HUES = [210, 262, 330, 12, 38, 142, 174, 190];

/** A stable colour per person or server, so the same initials always look the same. */
export function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return HUES[Math.abs(hash) % HUES.length] as number;
}

/**
 * A picture, or coloured initials when there is none (or it fails to load). Decorative: the
 * name is always beside it; the initials are drawn by CSS, so they never become part of it.
 */
export function Avatar({
  id,
  name,
  url,
  size = 40,
  shape = 'circle',
}: {
  id: string;
  name: string;
  url?: string | null;
  size?: number;
  shape?: 'circle' | 'rounded';
}) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), '--avatar-hue': hueOf(id) };
  return (
    <span className={`avatar ${shape}`} style={style as React.CSSProperties} aria-hidden="true">
      {url ? (
        <img
          src={url}
          alt=""
          width={size}
          height={size}
          onError={(e) => {
            e.currentTarget.remove();
          }}
        />
      ) : null}
      <span className="avatar-initials" data-initials={initialsOf(name)} />
    </span>
  );
}
