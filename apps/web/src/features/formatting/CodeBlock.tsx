import { useLazyModule } from '../../ui/use-lazy-module.js';

// The highlighter and each language's grammar load only when a code block names a language.
const loadHighlighter = () => import('./Highlighted.js');

/** A fenced code block; highlighted by language (as Discord does, none without one). */
export function CodeBlock({ language, code }: { language?: string; code: string }) {
  const highlighter = useLazyModule(loadHighlighter, Boolean(language));
  return (
    <pre className="md-codeblock">
      {highlighter && language ? (
        <highlighter.Highlighted language={language} code={code} />
      ) : (
        <code>{code}</code>
      )}
    </pre>
  );
}
