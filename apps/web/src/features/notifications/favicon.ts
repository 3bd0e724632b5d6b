const SIZE = 64;
let original: string | null = null;
/** Counts draws, so a slow earlier draw never replaces a newer badge. */
let draws = 0;

function iconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  return link;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = src;
  });
}

/**
 * The tab's icon with a red count in its corner (drawn on a canvas), or the plain icon for 0.
 * The count is what the title shows: mentions and unread direct messages.
 */
export async function setFaviconBadge(count: number): Promise<void> {
  const link = iconLink();
  original ??= link.href;
  const thisDraw = ++draws;
  if (count <= 0) {
    link.href = original;
    return;
  }
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const draw = canvas.getContext('2d');
  if (!draw) return;
  try {
    draw.drawImage(await loadImage(original), 0, 0, SIZE, SIZE);
  } catch {
    // No drawable icon: the badge alone still says there is something to read.
  }
  const text = count > 99 ? '99+' : String(count);
  const radius = text.length > 2 ? 22 : 18;
  const centre = SIZE - radius;
  draw.fillStyle = '#f23f43';
  draw.beginPath();
  draw.arc(centre, centre, radius, 0, Math.PI * 2);
  draw.fill();
  draw.fillStyle = '#ffffff';
  draw.font = `bold ${text.length > 2 ? 18 : 26}px sans-serif`;
  draw.textAlign = 'center';
  draw.textBaseline = 'middle';
  draw.fillText(text, centre, centre + 1);
  if (thisDraw === draws) link.href = canvas.toDataURL('image/png');
}
