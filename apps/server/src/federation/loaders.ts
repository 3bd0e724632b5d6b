import { signRequest } from '@fedify/fedify';
import {
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoader,
  type DocumentLoaderFactory,
  FetchError,
  getRemoteDocument,
  preloadedContexts,
} from '@fedify/vocab-runtime';
import type { GuardedFetch } from './guarded-fetch.js';

const ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

/**
 * Fedify's document loaders, all fetching through the private-address guard: actor documents
 * and keys (plain or signed with a local actor's key, for instances that want signed reads),
 * and JSON-LD contexts (the well-known ones are built into Fedify and never fetched).
 */
export function documentLoaders(fetch: GuardedFetch, userAgent: string) {
  const load = (sign?: (request: Request) => Promise<Request>): DocumentLoader => {
    const loader: DocumentLoader = async (url, options) => {
      const preloaded = preloadedContexts[url];
      if (preloaded !== undefined) return { contextUrl: null, document: preloaded, documentUrl: url };
      let request = new Request(url, {
        headers: { Accept: ACCEPT, 'User-Agent': userAgent },
        ...(options?.signal ? { signal: options.signal } : {}),
      });
      if (sign) request = await sign(request);
      let response: Response;
      try {
        response = await fetch(request);
      } catch (error) {
        throw new FetchError(url, error instanceof Error ? error.message : String(error));
      }
      return getRemoteDocument(url, response, loader);
    };
    return loader;
  };
  const documentLoaderFactory: DocumentLoaderFactory = () => load();
  const authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory = (identity) =>
    load((request) =>
      signRequest(request, identity.privateKey, identity.keyId, { spec: 'draft-cavage-http-signatures-12' }),
    );
  return {
    documentLoaderFactory,
    contextLoaderFactory: documentLoaderFactory,
    authenticatedDocumentLoaderFactory,
  };
}
