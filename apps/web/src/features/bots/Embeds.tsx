import './embeds.css';

interface Embed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  footer?: { text?: string };
  author?: { name?: string };
  fields?: { name: string; value: string }[];
}

const safeLink = (url: string | undefined) => (url && /^https?:\/\//.test(url) ? url : undefined);

/** Embeds a webhook or bot sent (apps/server validated their shape); plain text, no markup. */
export default function Embeds({ embeds }: { embeds: unknown }) {
  if (!Array.isArray(embeds) || embeds.length === 0) return null;
  return (
    <>
      {(embeds as Embed[]).map((embed, index) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: embeds never move within a message
          key={index}
          className="message-embed"
          style={
            typeof embed.color === 'number'
              ? { borderLeftColor: `#${embed.color.toString(16).padStart(6, '0')}` }
              : undefined
          }
        >
          {embed.author?.name && <div className="embed-footer">{embed.author.name}</div>}
          {embed.title && (
            <div className="embed-title">
              {safeLink(embed.url) ? (
                <a href={safeLink(embed.url)} target="_blank" rel="noreferrer noopener">
                  {embed.title}
                </a>
              ) : (
                embed.title
              )}
            </div>
          )}
          {embed.description && <div className="embed-description">{embed.description}</div>}
          {embed.fields && embed.fields.length > 0 && (
            <dl>
              {embed.fields.map((field) => (
                <div key={`${field.name}:${field.value}`}>
                  <dt>{field.name}</dt>
                  <dd>{field.value}</dd>
                </div>
              ))}
            </dl>
          )}
          {embed.footer?.text && <div className="embed-footer">{embed.footer.text}</div>}
        </div>
      ))}
    </>
  );
}
