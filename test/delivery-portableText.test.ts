/**
 * The Portable Text components rendered to HTML with react-dom/server, and the helpers behind
 * them: heading levels, links, Swedish typography, image URLs.
 */
import {createClient} from '@sanity/client'
import {createElement as h, type ReactElement} from 'react'
import {renderToStaticMarkup} from 'react-dom/server'
import {describe, expect, it} from 'vitest'

import {uniqueContacts} from '../delivery/contacts.ts'
import {headingLevels} from '../delivery/headings.ts'
import {createImageUrls, imageDimensions} from '../delivery/images.ts'
import {linkAttributes, mailtoHref, telHref} from '../delivery/links.ts'
import {
  ContentRenderProvider,
  FactSheet,
  InterviewBody,
  PullQuote,
  RichText,
  type QaPairValue,
} from '../delivery/portableText.tsx'
import {formatSwedishDate} from '../delivery/qm.ts'
import {quoteSwedish, typesetSwedish} from '../delivery/typography.ts'
import {
  bullet,
  em,
  h2,
  h3,
  h4,
  link,
  nestedBullet,
  numbered,
  p,
  quote,
  strong,
} from './fixtures/content/blocks.ts'

const render = (element: ReactElement) => renderToStaticMarkup(element)

const withSite = (element: ReactElement) =>
  render(
    h(ContentRenderProvider, {
      options: {siteOrigin: 'https://www.example.se', personHref: (slug) => `/personer/${slug}`},
      children: element,
    }),
  )

describe('RichText', () => {
  it('renders paragraphs with decorators', () => {
    expect(
      render(h(RichText, {value: [p('Hej ', strong('fetstil'), ' och ', em('kursiv'), '.')]})),
    ).toBe('<p>Hej <strong>fetstil</strong> och <em>kursiv</em>.</p>')
  })

  it('renders links: external with rel="noopener", mailto and internal without, unsafe not at all', () => {
    const html = withSite(
      h(RichText, {
        value: [
          p(
            link('extern', 'https://annan.example.org/sida'),
            ' ',
            link('e-post', 'mailto:info@example.se'),
            ' ',
            link('intern', 'https://www.example.se/intervjuer'),
            ' ',
            link('relativ', '/kvalitetsmarkning'),
            ' ',
            link('farlig', 'javascript:alert(1)'),
          ),
        ],
      }),
    )
    expect(html).toBe(
      '<p><a href="https://annan.example.org/sida" rel="noopener">extern</a> ' +
        '<a href="mailto:info@example.se">e-post</a> ' +
        '<a href="https://www.example.se/intervjuer">intern</a> ' +
        '<a href="/kvalitetsmarkning">relativ</a> farlig</p>',
    )
  })

  it('renders bullet, numbered and nested lists as <ul>/<ol>', () => {
    const html = render(
      h(RichText, {
        value: [
          bullet('ett'),
          nestedBullet('under'),
          bullet('två'),
          numbered('första'),
          numbered('andra'),
        ],
      }),
    )
    expect(html).toBe(
      '<ul><li>ett<ul><li>under</li></ul></li><li>två</li></ul><ol><li>första</li><li>andra</li></ol>',
    )
  })

  it('renders quotes as <blockquote> and applies Swedish typography', () => {
    const html = render(
      h(RichText, {value: [quote('Hon sa "hej" - och gick...'), p("Det är Annas 'bok'.")]}),
    )
    expect(html).toBe(
      '<blockquote><p>Hon sa ”hej” – och gick…</p></blockquote><p>Det är Annas ’bok’.</p>',
    )
  })

  it('starts headings below the parent heading and never skips a level', () => {
    const html = render(
      h(RichText, {
        value: [h4('Djup'), p('text'), h2('Topp'), h4('Hopp'), h3('Mitten')],
        parentLevel: 2,
      }),
    )
    expect(html).toBe('<h3>Djup</h3><p>text</p><h3>Topp</h3><h4>Hopp</h4><h4>Mitten</h4>')
  })

  it('leaves out empty paragraphs and renders nothing for no content', () => {
    expect(render(h(RichText, {value: [p(''), p('  '), p('kvar')]}))).toBe('<p>kvar</p>')
    expect(render(h(RichText, {value: null}))).toBe('')
  })
})

describe('InterviewBody', () => {
  const questions: QaPairValue[] = [
    {
      _type: 'qaPair',
      _key: 'a1',
      question: 'Varför "QM"?',
      answer: [p('För att ', strong('mäta'), '.'), h2('Mer')],
    },
    {_type: 'qaPair', _key: 'b2', question: 'Och sedan?', answer: [bullet('Fortsätta')]},
    {_type: 'qaPair', _key: 'c3', question: '  ', answer: [p('Utan fråga')]},
  ]

  it('renders each question and answer as a <section> labelled by an <h2>, in order', () => {
    expect(render(h(InterviewBody, {questions}))).toBe(
      '<div class="interview-body">' +
        '<section class="qa" aria-labelledby="fraga-a1"><h2 id="fraga-a1" class="qa-question">Varför ”QM”?</h2>' +
        '<div class="qa-answer"><p>För att <strong>mäta</strong>.</p><h3>Mer</h3></div></section>' +
        '<section class="qa" aria-labelledby="fraga-b2"><h2 id="fraga-b2" class="qa-question">Och sedan?</h2>' +
        '<div class="qa-answer"><ul><li>Fortsätta</li></ul></div></section>' +
        '</div>',
    )
  })

  it('uses the given question level', () => {
    const html = render(h(InterviewBody, {questions: questions.slice(0, 1), questionLevel: 3}))
    expect(html).toContain('<h3 id="fraga-a1"')
    expect(html).toContain('<h4>Mer</h4>')
  })

  it('renders nothing without questions', () => {
    expect(render(h(InterviewBody, {questions: []}))).toBe('')
  })
})

describe('PullQuote', () => {
  it('wraps the quote in Swedish quotation marks, with the speaker in a figcaption', () => {
    expect(
      render(
        h(PullQuote, {value: {text: 'Vi gör det tillsammans.', attribution: 'Anna, centrumchef'}}),
      ),
    ).toBe(
      '<figure class="pull-quote"><blockquote><p>”Vi gör det tillsammans.”</p></blockquote>' +
        '<figcaption>– Anna, centrumchef</figcaption></figure>',
    )
  })

  it('does not double the quotation marks an editor typed', () => {
    expect(render(h(PullQuote, {value: {text: '"Redan citerad"'}}))).toBe(
      '<figure class="pull-quote"><blockquote><p>”Redan citerad”</p></blockquote></figure>',
    )
    expect(quoteSwedish('“Engelska”')).toBe('”Engelska”')
  })
})

describe('FactSheet', () => {
  it('renders an <aside> with its heading, text, contacts and website', () => {
    const html = withSite(
      h(FactSheet, {
        factSheet: {
          _id: 'fs1',
          title: 'Fakta om QM',
          body: [p('Text.'), h2('Rubrik')],
          website: 'https://qm.example.org',
          contacts: [
            {
              _id: 'p1',
              name: 'Karin Berg',
              slug: 'karin-berg',
              role: 'Senior Advisor',
              email: 'karin@example.se',
              phone: '08-123 456 78',
            },
            null,
          ],
        },
      }),
    )
    expect(html).toBe(
      '<aside class="fact-sheet" aria-labelledby="faktablad-fs1"><h2 id="faktablad-fs1">Fakta om QM</h2>' +
        '<p>Text.</p><h3>Rubrik</h3>' +
        '<h3>Kontaktperson</h3><ul class="contacts"><li><strong><a href="/personer/karin-berg">Karin Berg</a></strong>, Senior Advisor' +
        '<span class="contact-ways"> <a href="mailto:karin@example.se">karin@example.se</a> <a href="tel:+46812345678">08-123 456 78</a></span></li></ul>' +
        '<p>Läs mer på <a href="https://qm.example.org" rel="noopener">qm.example.org</a></p></aside>',
    )
  })

  it('renders nothing without a fact sheet', () => {
    expect(render(h(FactSheet, {factSheet: null}))).toBe('')
  })
})

describe('helpers', () => {
  it('headingLevels', () => {
    const levels = headingLevels([h2('a'), h4('b'), p('c'), h3('d')], 1)
    expect([...levels.values()]).toEqual([2, 3, 3])
    expect([...headingLevels([h4('x')], 6).values()]).toEqual([6])
  })

  it('links, e-mail and phone numbers', () => {
    expect(linkAttributes('http://example.org')).toEqual({
      href: 'http://example.org',
      rel: 'noopener',
    })
    expect(linkAttributes('mailto:inte-en-adress')).toBeNull()
    expect(linkAttributes('data:text/html,x')).toBeNull()
    expect(linkAttributes('//evil.example')).toBeNull()
    expect(linkAttributes('')).toBeNull()
    expect(mailtoHref(' a@b.se ')).toBe('mailto:a@b.se')
    expect(mailtoHref('nej')).toBeNull()
    expect(telHref('033-12 34 56')).toBe('tel:+4633123456')
    expect(telHref('+46 8 123 45')).toBe('tel:+46812345')
    expect(telHref('0046 8 123 45')).toBe('tel:+46812345')
    expect(telHref('12')).toBeNull()
  })

  it('Swedish typography and dates', () => {
    expect(typesetSwedish('"Hej" sa hon - \'kul\'...')).toBe('”Hej” sa hon – ’kul’…')
    expect(typesetSwedish('2024-03-01 och e-post')).toBe('2024-03-01 och e-post')
    expect(formatSwedishDate('2025-03-01')).toBe('1 mars 2025')
    // 23:30 UTC on 31 Dec is already New Year's Day in Sweden.
    expect(formatSwedishDate('2024-12-31T23:30:00Z')).toBe('1 januari 2025')
    expect(formatSwedishDate(null)).toBe('')
  })
})

describe('image URLs', () => {
  const image = {asset: {_ref: 'image-abc123-1200x800-jpg'}, alt: 'Torget'}

  it('point at the local lake when the client targets it', () => {
    const client = createClient({
      projectId: 'local',
      dataset: 'production',
      apiHost: 'http://127.0.0.1:3400',
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
    })
    const urls = createImageUrls(client)
    expect(urls.url(image, 800)).toBe(
      'http://127.0.0.1:3400/images/local/production/abc123-1200x800.jpg?w=800&fit=max&auto=format',
    )
    expect(urls.srcSet(image, [480, 800, 1600])).toBe(
      'http://127.0.0.1:3400/images/local/production/abc123-1200x800.jpg?w=480&fit=max&auto=format 480w, ' +
        'http://127.0.0.1:3400/images/local/production/abc123-1200x800.jpg?w=800&fit=max&auto=format 800w',
    )
  })

  it("point at Sanity's CDN for a hosted project", () => {
    const client = createClient({
      projectId: 'abc123',
      dataset: 'production',
      apiVersion: '2025-02-19',
      useCdn: false,
    })
    expect(createImageUrls(client).url(image, 400, 300)).toBe(
      'https://cdn.sanity.io/images/abc123/production/abc123-1200x800.jpg?rect=67,0,1067,800&w=400&h=300&fit=crop&auto=format',
    )
  })

  it('know the dimensions from the asset id, after a crop', () => {
    expect(imageDimensions(image)).toEqual({width: 1200, height: 800})
    expect(
      imageDimensions({...image, crop: {top: 0.25, bottom: 0.25, left: 0, right: 0.5}}),
    ).toEqual({
      width: 600,
      height: 400,
    })
    expect(imageDimensions({asset: {_ref: 'file-x-pdf'}})).toBeNull()
  })
})

describe('uniqueContacts', () => {
  it('lists each person once, in order, across lists, and drops missing people', () => {
    const karin = {_id: 'person-karin', name: 'Karin'}
    const anna = {_id: 'person-anna', name: 'Anna'}
    const bo = {_id: 'person-bo', name: 'Bo'}
    expect(uniqueContacts([karin, null, anna], [anna, karin, bo], undefined, null)).toEqual([
      karin,
      anna,
      bo,
    ])
    expect(uniqueContacts()).toEqual([])
  })
})
