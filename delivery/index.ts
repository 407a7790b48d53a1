/**
 * The delivery library: everything a site needs to show this project's content with
 * `@sanity/client` and `@portabletext/react`. The React components live in
 * delivery/portableText.tsx (import it from a bundler or a JSX-aware runtime).
 */
export * from './client.ts'
export * from './content.ts'
export * from './contacts.ts'
export * from './queries.ts'
export * from './images.ts'
export * from './links.ts'
export * from './headings.ts'
export * from './typography.ts'
export * from './qm.ts'
