import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@harmony/db';
import { describe, expect, it } from 'vitest';

const rootManifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  engines: { node: string };
};

describe('the pinned Node.js runtime', () => {
  it('is the root devDependency `node`, and the tests run on it', () => {
    const pinned = rootManifest.devDependencies.node;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(process.versions.node).toBe(pinned);
  });

  it('is a current LTS line (24), not an end-of-life one', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(rootManifest.engines.node).toBe('>=24');
  });
});
