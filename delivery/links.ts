/**
 * How links in content become <a> attributes: e-mail and phone links as they are, links to
 * other sites with rel="noopener", links to this site as plain links, anything else (e.g.
 * `javascript:`) not as a link at all.
 */

export interface LinkAttributes {
  href: string
  rel?: string
}

export interface LinkOptions {
  /** This site's origin, e.g. `https://www.example.se`; links to it count as internal. */
  siteOrigin?: string
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

/** Attributes for a link to `href`, or null when it should not be rendered as a link. */
export function linkAttributes(
  href: string | null | undefined,
  options: LinkOptions = {},
): LinkAttributes | null {
  const value = href?.trim()
  if (!value) return null
  if (/^mailto:/i.test(value)) {
    const address = decodeURIComponent(value.slice('mailto:'.length).split('?')[0])
    return EMAIL.test(address) ? {href: value} : null
  }
  if (/^tel:/i.test(value)) {
    return /^tel:\+?[\d\s\-()]{3,}$/i.test(value) ? {href: value.replace(/[\s()-]/g, '')} : null
  }
  if (value.startsWith('/') && !value.startsWith('//')) return {href: value}
  if (value.startsWith('#')) return {href: value}
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (options.siteOrigin && url.origin === new URL(options.siteOrigin).origin) return {href: value}
  return {href: value, rel: 'noopener'}
}

/** `mailto:` for an e-mail address, or null when it does not look like one. */
export function mailtoHref(email: string | null | undefined): string | null {
  const value = email?.trim()
  return value && EMAIL.test(value) ? `mailto:${value}` : null
}

/** `tel:` in the international format (+46…) for a Swedish phone number as editors type it. */
export function telHref(phone: string | null | undefined): string | null {
  const digits = phone?.replace(/[\s\-()]/g, '')
  if (!digits || !/^\+?\d{6,}$/.test(digits)) return null
  if (digits.startsWith('+')) return `tel:${digits}`
  if (digits.startsWith('00')) return `tel:+${digits.slice(2)}`
  if (digits.startsWith('0')) return `tel:+46${digits.slice(1)}`
  return `tel:${digits}`
}

/** The host name of a URL without `www.`, for link texts like "Läs mer på example.se". */
export function displayHost(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '')
  } catch {
    return url
  }
}
