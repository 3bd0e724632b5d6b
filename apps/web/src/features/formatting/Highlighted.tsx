import { createLowlight } from 'lowlight';
import { type ReactNode, useEffect, useState } from 'react';
import { ALIASES, GRAMMARS } from './grammars.js';
import './highlight.css';

const lowlight = createLowlight();
type Root = ReturnType<typeof lowlight.highlight>;
type Node = Root['children'][number];

/** The code's syntax tree in a named language, or undefined for a language we do not highlight. */
export async function highlight(code: string, language: string): Promise<Root | undefined> {
  const name = language.toLowerCase();
  const grammar = (Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined) ?? name;
  const load = Object.hasOwn(GRAMMARS, grammar) ? GRAMMARS[grammar] : undefined;
  if (!load) return undefined;
  if (!lowlight.registered(grammar)) lowlight.register(grammar, (await load()).default);
  return lowlight.highlight(grammar, code);
}

/** lowlight's tree is spans with highlight.js classes around text: React elements, no HTML strings. */
function toReact(node: Node, key: number): ReactNode {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return null;
  const { className } = node.properties;
  return (
    <span key={key} className={Array.isArray(className) ? className.join(' ') : undefined}>
      {node.children.map(toReact)}
    </span>
  );
}

/** The inside of a code block, plain until its language's grammar has loaded. */
export function Highlighted({ code, language }: { code: string; language: string }) {
  const [tree, setTree] = useState<{ code: string; language: string; root: Root }>();
  useEffect(() => {
    let live = true;
    highlight(code, language)
      .then((root) => {
        if (live && root) setTree({ code, language, root });
      })
      .catch(() => undefined); // a grammar that fails to load leaves the code plain
    return () => {
      live = false;
    };
  }, [code, language]);
  const root = tree?.code === code && tree.language === language ? tree.root : undefined;
  if (!root) return <code>{code}</code>;
  return <code className={`hljs language-${language}`}>{root.children.map(toReact)}</code>;
}
