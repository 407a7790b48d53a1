/**
 * The HTML document around every page: Swedish `lang`, title and meta from the page's SEO fields,
 * header navigation and footer. No scripts for readers (the site is rendered on the server only),
 * except the optional live reload; draft mode adds its banner and the overlay script.
 */
import type {ReactNode} from 'react'

import {paths} from './routes.ts'

export const SITE_NAME = 'Svenska Stadskärnor'

export interface PageMeta {
  /** The page's own title; the site name is appended. Omit for the home page. */
  title?: string
  description?: string | null
  /** Absolute URL of an image for link previews. */
  image?: string | null
  imageAlt?: string | null
  /** Path of the page, for canonical and og:url when the site's origin is known. */
  path: string
  type?: 'website' | 'article'
  /** Keep the page out of search engines (404s). */
  noindex?: boolean
}

export type Section = 'home' | 'interviews' | 'qm' | 'awards' | null

export interface DocumentProps {
  meta: PageMeta
  stylesheet: string
  siteOrigin?: string
  section: Section
  children: ReactNode
  /** Draft mode's banner, shown above the header. */
  banner?: ReactNode
  /** Extra `<head>` elements (draft mode's overlay styles). */
  head?: ReactNode
  /** Scripts at the end of `<body>`: none for readers unless the site runs with `--live`. */
  scripts?: ReactNode
}

export function documentTitle(title: string | undefined): string {
  return title ? `${title} – ${SITE_NAME}` : `${SITE_NAME} – intervjuer och Kvalitetsmärkningen`
}

function NavLink(props: {href: string; current: boolean; children: ReactNode}) {
  return (
    <a href={props.href} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  )
}

export function Document(props: DocumentProps) {
  const {meta, stylesheet, siteOrigin, section, children} = props
  const title = documentTitle(meta.title)
  const url = siteOrigin ? new URL(meta.path, siteOrigin).toString() : undefined
  const description = meta.description?.trim() || undefined
  return (
    <html lang="sv">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {description ? <meta name="description" content={description} /> : null}
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        {url ? <link rel="canonical" href={url} /> : null}
        <meta property="og:site_name" content={SITE_NAME} />
        <meta property="og:locale" content="sv_SE" />
        <meta property="og:type" content={meta.type ?? 'website'} />
        <meta property="og:title" content={meta.title ?? SITE_NAME} />
        {description ? <meta property="og:description" content={description} /> : null}
        {url ? <meta property="og:url" content={url} /> : null}
        {meta.image ? <meta property="og:image" content={meta.image} /> : null}
        {meta.image && meta.imageAlt ? (
          <meta property="og:image:alt" content={meta.imageAlt} />
        ) : null}
        <link rel="icon" href={paths.favicon('svg')} type="image/svg+xml" />
        <link rel="icon" href={paths.favicon('ico')} sizes="32x32" />
        <link rel="stylesheet" href={stylesheet} />
        {props.head}
      </head>
      <body>
        {props.banner}
        <a className="skip-link" href="#innehall">
          Hoppa till innehållet
        </a>
        <header className="site-header">
          <div className="inner">
            <a className="site-name" href={paths.home()}>
              {SITE_NAME}
            </a>
            <nav className="site-nav" aria-label="Huvudmeny">
              <ul>
                <li>
                  <NavLink href={paths.home()} current={section === 'home'}>
                    Start
                  </NavLink>
                </li>
                <li>
                  <NavLink href={paths.interviews()} current={section === 'interviews'}>
                    Intervjuer
                  </NavLink>
                </li>
                <li>
                  <NavLink href={paths.qm()} current={section === 'qm'}>
                    Kvalitetsmärkningen
                  </NavLink>
                </li>
                <li>
                  <NavLink href={paths.awards()} current={section === 'awards'}>
                    Utmärkelser
                  </NavLink>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="innehall" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="inner">
            <p>
              {SITE_NAME} – nätverket för Sveriges stadskärnor och organisationerna som utvecklar
              dem.
            </p>
          </div>
        </footer>
        {props.scripts}
      </body>
    </html>
  )
}
