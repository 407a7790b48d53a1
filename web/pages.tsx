/**
 * The reference site's pages. Each takes the result of one delivery query and renders semantic,
 * Swedish HTML; headings go h1 → h2 → h3 without gaps.
 */
import type {
  AwardListQueryResult,
  AwardQueryResult,
  CertifiedOrganizationsQueryResult,
  CityBySlugQueryResult,
  FactSheetQueryResult,
  HomePageQueryResult,
  InterviewBySlugQueryResult,
  InterviewPage,
  OrganizationBySlugQueryResult,
  PersonBySlugQueryResult,
} from '../delivery/content.ts'
import {uniqueContacts} from '../delivery/contacts.ts'
import {hasImage, imageDimensions, type ImageUrls, type ImageValue} from '../delivery/images.ts'
import {displayHost, linkAttributes} from '../delivery/links.ts'
import {
  ContactCard,
  FactSheet,
  InterviewBody,
  PullQuote,
  RichText,
  type QaPairValue,
} from '../delivery/portableText.tsx'
import {
  effectiveValidUntil,
  formatSwedishDate,
  qmStatusLabel,
  type QmStatus,
} from '../delivery/qm.ts'
import {typesetSwedish} from '../delivery/typography.ts'
import {AWARD_TIMELINE, awardKindOf} from '../domain/awards.ts'
import {isEligibleForAretsStadskarna} from '../domain/qmEligibility.ts'
import {qmSectionTitle} from '../domain/qmSections.ts'
import {paths} from './routes.ts'

type InterviewCardValue = HomePageQueryResult['latestInterviews'][number]

export function SiteImage(props: {
  image: ImageValue | null | undefined
  images: ImageUrls
  /** Widths in CSS pixels the image is shown at; the largest is the default `src`. */
  widths?: readonly number[]
  sizes?: string
}) {
  const {
    image,
    images,
    widths = [480, 800, 1200],
    sizes = '(min-width: 48rem) 46rem, 100vw',
  } = props
  if (!hasImage(image)) return null
  const dimensions = imageDimensions(image)
  const largest = Math.min(Math.max(...widths), dimensions?.width ?? Infinity)
  return (
    <img
      src={images.url(image, largest)}
      srcSet={images.srcSet(image, widths)}
      sizes={sizes}
      alt={image.alt ?? ''}
      width={dimensions?.width}
      height={dimensions?.height}
      loading="lazy"
      decoding="async"
    />
  )
}

export function QmStatusBadge({status}: {status: QmStatus | null | undefined}) {
  if (!status) return null
  return <span className={`status status-${status}`}>{qmStatusLabel(status)}</span>
}

function PublishedDate({value}: {value: string | null | undefined}) {
  if (!value) return null
  return <time dateTime={value}>{formatSwedishDate(value)}</time>
}

function InterviewCard({interview, level}: {interview: InterviewCardValue; level: 2 | 3}) {
  const Heading = level === 2 ? 'h2' : 'h3'
  const who = [interview.interviewee?.name, interview.interviewee?.role].filter(Boolean).join(', ')
  return (
    <li className="card">
      <article>
        <Heading>
          <a href={paths.interview(interview.slug)}>{typesetSwedish(interview.title)}</a>
        </Heading>
        <p className="meta">
          {who}
          {interview.city?.name ? ` · ${interview.city.name}` : null}
          {interview.publishedAt ? ' · ' : null}
          <PublishedDate value={interview.publishedAt} />
        </p>
        {interview.lead ? <p>{typesetSwedish(interview.lead)}</p> : null}
      </article>
    </li>
  )
}

/** Interview teasers; their titles are headings of `level` (3 under a section's h2). */
function InterviewCards(props: {interviews: readonly InterviewCardValue[]; level?: 2 | 3}) {
  const {interviews, level = 3} = props
  if (interviews.length === 0) return <p>Inga intervjuer ännu.</p>
  return (
    <ul className="cards">
      {interviews.map((interview) => (
        <InterviewCard key={interview._id} interview={interview} level={level} />
      ))}
    </ul>
  )
}

export function HomePage({home}: {home: HomePageQueryResult}) {
  return (
    <>
      <h1>Stadskärnor som utvecklas tillsammans</h1>
      <p className="lead">
        Intervjuer med människorna bakom Sveriges stadskärnor, och städerna som har
        Kvalitetsmärkningen.
      </p>
      <section aria-labelledby="senaste">
        <h2 id="senaste">Senaste intervjuerna</h2>
        <InterviewCards interviews={home.latestInterviews} />
        <p>
          <a href={paths.interviews()}>Alla intervjuer</a>
        </p>
      </section>
      <section aria-labelledby="certifierade">
        <h2 id="certifierade">Kvalitetsmärkta städer</h2>
        {home.certifiedCities.length === 0 ? (
          <p>Inga städer är kvalitetsmärkta just nu.</p>
        ) : (
          <ul className="cards">
            {home.certifiedCities.map((city) => (
              <li key={city._id} className="card">
                <h3>{city.slug ? <a href={paths.city(city.slug)}>{city.name}</a> : city.name}</h3>
                <p className="meta">
                  {[city.organization?.name, city.county].filter(Boolean).join(' · ')}{' '}
                  <QmStatusBadge status={city.organization?.certification?.status} />
                </p>
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href={paths.qm()}>Om Kvalitetsmärkningen och alla certifierade organisationer</a>
        </p>
      </section>
    </>
  )
}

export function InterviewListPage({list}: {list: InterviewPage}) {
  return (
    <>
      <h1>Intervjuer</h1>
      <p className="meta">
        {list.total === 1 ? '1 intervju' : `${list.total} intervjuer`}
        {list.pageCount > 1 ? `, sida ${list.page} av ${list.pageCount}` : null}
      </p>
      <InterviewCards interviews={list.items} level={2} />
      {list.pageCount > 1 ? (
        <nav className="pagination" aria-label="Sidor">
          <ul>
            {list.page > 1 ? (
              <li>
                <a href={paths.interviews(list.page - 1)} rel="prev">
                  Nyare intervjuer
                </a>
              </li>
            ) : null}
            {list.page < list.pageCount ? (
              <li>
                <a href={paths.interviews(list.page + 1)} rel="next">
                  Äldre intervjuer
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </>
  )
}

function CertificationSummary(props: {
  certification: {
    certifiedAt: string
    validUntil: string | null
    status: QmStatus | null
    focusAreas?: string[] | null
  }
}) {
  const {certification} = props
  const validUntil = effectiveValidUntil(certification)
  return (
    <>
      <p>
        Kvalitetsmärkt {formatSwedishDate(certification.certifiedAt)}, giltig till och med{' '}
        {formatSwedishDate(validUntil)}. <QmStatusBadge status={certification.status} />
      </p>
      {certification.focusAreas && certification.focusAreas.length > 0 ? (
        <p>Fokusområden: {certification.focusAreas.join(', ')}.</p>
      ) : null}
    </>
  )
}

/**
 * The interview's contacts and its fact sheet's, each person once: inside the fact box when there
 * is a fact sheet, otherwise in a section of their own.
 */
function InterviewContacts({interview}: {interview: NonNullable<InterviewBySlugQueryResult>}) {
  const {factSheet} = interview
  const contacts = uniqueContacts(interview.contacts, factSheet?.contacts)
  if (factSheet) return <FactSheet factSheet={{...factSheet, contacts}} headingLevel={2} />
  if (contacts.length === 0) return null
  return (
    <section aria-labelledby="kontakt">
      <h2 id="kontakt">Kontakt</h2>
      <ul className="contacts">
        {contacts.map((person) => (
          <li key={person._id}>
            <ContactCard person={person} />
          </li>
        ))}
      </ul>
    </section>
  )
}

export function InterviewArticle(props: {
  interview: NonNullable<InterviewBySlugQueryResult>
  images: ImageUrls
}) {
  const {interview, images} = props
  const interviewee = interview.interviewee
  const organization = interview.organization ?? interviewee?.organization ?? null
  return (
    <article lang={interview.language === 'sv' ? undefined : interview.language}>
      <header>
        <h1>{typesetSwedish(interview.title)}</h1>
        {interview.lead ? <p className="lead">{typesetSwedish(interview.lead)}</p> : null}
        <p className="meta">
          {interviewee ? (
            <>
              Intervju med{' '}
              {interviewee.slug ? (
                <a href={paths.person(interviewee.slug)}>{interviewee.name}</a>
              ) : (
                interviewee.name
              )}
              {interviewee.role ? `, ${interviewee.role.toLocaleLowerCase('sv')}` : null}
              {organization?.name ? `, ${organization.name}` : null}
              {interview.city?.name ? (
                <>
                  {' '}
                  i{' '}
                  {interview.city.slug ? (
                    <a href={paths.city(interview.city.slug)}>{interview.city.name}</a>
                  ) : (
                    interview.city.name
                  )}
                </>
              ) : null}
              .{' '}
            </>
          ) : null}
          {interview.publishedAt ? (
            <>
              Publicerad <PublishedDate value={interview.publishedAt} />.
            </>
          ) : null}
        </p>
        {interview.city && interview.cityAwards.length > 0 ? (
          <p className="award-note">
            {interview.city.name} vann{' '}
            {interview.cityAwards.map((award, index) => (
              <span key={award._id}>
                {index > 0 ? (index === interview.cityAwards.length - 1 ? ' och ' : ', ') : null}
                <AwardLink award={award} />
              </span>
            ))}
            .
          </p>
        ) : null}
      </header>
      {hasImage(interview.mainImage) ? (
        <figure>
          <SiteImage image={interview.mainImage} images={images} />
        </figure>
      ) : null}
      <PullQuote value={interview.pullQuote} />
      <InterviewBody questions={interview.questions as QaPairValue[]} questionLevel={2} />
      {interview.certification ? (
        <section className="box" aria-labelledby="certifiering">
          <h2 id="certifiering">Kvalitetsmärkningen</h2>
          <CertificationSummary certification={interview.certification} />
        </section>
      ) : null}
      <InterviewContacts interview={interview} />
      {interview.tags && interview.tags.length > 0 ? (
        <ul className="tags" aria-label="Taggar">
          {interview.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      ) : null}
    </article>
  )
}

export function CityPage(props: {city: NonNullable<CityBySlugQueryResult>; images: ImageUrls}) {
  const {city, images} = props
  const organization = city.cityCentreOrganization
  const website = linkAttributes(organization?.website)
  const place = [city.municipality, city.county].filter(Boolean).join(', ')
  return (
    <>
      <h1>{city.name}</h1>
      {place ? <p className="meta">{place}</p> : null}
      {city.description ? <p className="lead">{typesetSwedish(city.description)}</p> : null}
      {hasImage(city.image) ? (
        <figure>
          <SiteImage image={city.image} images={images} />
        </figure>
      ) : null}
      {city.keyFacts && city.keyFacts.length > 0 ? (
        <section aria-labelledby="nyckeltal">
          <h2 id="nyckeltal">Nyckeltal</h2>
          <dl className="facts">
            {city.keyFacts.map((fact) => (
              <div key={fact._key}>
                <dt>{fact.label}</dt>
                <dd>{fact.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {organization ? (
        <section className="box" aria-labelledby="organisation">
          <h2 id="organisation">Stadskärneorganisation</h2>
          <p>
            <strong>{organization.name}</strong>
            {website ? (
              <>
                {' – '}
                <a href={website.href} rel={website.rel}>
                  {displayHost(website.href)}
                </a>
              </>
            ) : null}
          </p>
          {organization.description ? <p>{typesetSwedish(organization.description)}</p> : null}
          {organization.certification ? (
            <CertificationSummary certification={organization.certification} />
          ) : (
            <p>Organisationen är inte kvalitetsmärkt.</p>
          )}
        </section>
      ) : null}
      {city.certifications.length > 0 ? (
        <section aria-labelledby="certifieringar">
          <h2 id="certifieringar">Kvalitetsmärkningar</h2>
          <ul className="chain">
            {city.certifications.map((certification) => (
              <li key={certification._id}>
                {APPLICATION_TYPE_TITLES[certification.applicationType ?? 'new']}{' '}
                {formatSwedishDate(certification.certifiedAt)}, giltig till och med{' '}
                {formatSwedishDate(effectiveValidUntil(certification))}
                {certification.organization ? (
                  <>
                    {' – '}
                    <OrganizationLink organization={certification.organization} />
                  </>
                ) : null}{' '}
                <QmStatusBadge status={certification.status} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {city.awards.length > 0 ? (
        <section aria-labelledby="utmarkelser">
          <h2 id="utmarkelser">Utmärkelser</h2>
          <ul>
            {city.awards.map((award) => (
              <li key={award._id}>
                <AwardLink award={award} /> – {award.won ? 'vinnare' : 'finalist'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="intervjuer">
        <h2 id="intervjuer">Intervjuer från {city.name}</h2>
        <InterviewCards interviews={city.interviews} />
      </section>
    </>
  )
}

const APPLICATION_TYPE_TITLES: Record<'new' | 'revision', string> = {
  new: 'Certifierad',
  revision: 'Reviderad',
}

function awardTitle(award: {kind: string; year: number}): string {
  return `${awardKindOf(award.kind)?.title ?? 'Utmärkelse'} ${award.year}`
}

function AwardLink({award}: {award: {kind: string; year: number}}) {
  return <a href={paths.award(award.kind, award.year)}>{awardTitle(award)}</a>
}

function OrganizationLink(props: {organization: {name: string; slug: string | null}}) {
  const {name, slug} = props.organization
  return slug ? <a href={paths.organization(slug)}>{name}</a> : <>{name}</>
}

function CityLink(props: {city: {name: string; slug: string | null} | null | undefined}) {
  if (!props.city) return null
  const {name, slug} = props.city
  return slug ? <a href={paths.city(slug)}>{name}</a> : <>{name}</>
}

const STATUS_ORDER: Record<QmStatus, number> = {valid: 0, expiring: 1, expired: 2}

/** Links that narrow the list of certified organisations to one county (no JavaScript). */
function CountyFilter(props: {counties: readonly string[]; county: string | null}) {
  const {counties, county} = props
  if (counties.length < 2) return null
  const options: Array<[string | null, string]> = [
    [null, 'Alla län'],
    ...counties.map((name): [string, string] => [name, name]),
  ]
  return (
    <nav aria-label="Välj län" className="filters">
      <ul>
        {options.map(([value, label]) => (
          <li key={label}>
            <a href={paths.qm(value)} aria-current={value === county ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

export function QmPage(props: {
  factSheet: FactSheetQueryResult
  organizations: CertifiedOrganizationsQueryResult
  counties: readonly string[]
  county: string | null
  asOf: string
}) {
  const organizations = [...props.organizations].sort(
    (a, b) =>
      STATUS_ORDER[a.certification?.status ?? 'expired'] -
        STATUS_ORDER[b.certification?.status ?? 'expired'] || a.name.localeCompare(b.name, 'sv'),
  )
  return (
    <>
      <h1>Kvalitetsmärkningen</h1>
      <p className="lead">
        Kvalitetsmärkningen (QM) visar att en organisation utvecklar stadskärnan i samverkan mellan
        kommun, fastighetsägare och näringsliv.
      </p>
      <FactSheet factSheet={props.factSheet} headingLevel={2} />
      <section aria-labelledby="organisationer">
        <h2 id="organisationer">
          Kvalitetsmärkta organisationer{props.county ? ` i ${props.county}` : null}
        </h2>
        <CountyFilter counties={props.counties} county={props.county} />
        {organizations.length === 0 ? (
          <p>Inga organisationer är kvalitetsmärkta ännu.</p>
        ) : (
          <table>
            <caption className="meta">Status per {formatSwedishDate(props.asOf)}</caption>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">Stad</th>
                <th scope="col">Län</th>
                <th scope="col">Certifierad</th>
                <th scope="col">Giltig till och med</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {organizations.map((organization) => {
                const certification = organization.certification
                const city = certification?.city ?? organization.city
                return (
                  <tr key={organization._id}>
                    <th scope="row">
                      <OrganizationLink organization={organization} />
                    </th>
                    <td>
                      <CityLink city={city} />
                    </td>
                    <td>{organization.city?.county}</td>
                    <td>{formatSwedishDate(certification?.certifiedAt)}</td>
                    <td>
                      {certification ? formatSwedishDate(effectiveValidUntil(certification)) : ''}
                    </td>
                    <td>
                      <QmStatusBadge status={certification?.status} />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

export function OrganizationPage(props: {
  organization: NonNullable<OrganizationBySlugQueryResult>
  asOf: string
}) {
  const {organization, asOf} = props
  const website = linkAttributes(organization.website)
  const eligible = isEligibleForAretsStadskarna(organization.certifications, asOf)
  const anchor = (id: string) => `certifiering-${id.replace(/[^\w-]/g, '')}`
  return (
    <>
      <h1>{organization.name}</h1>
      {organization.city ? (
        <p className="meta">
          <CityLink city={organization.city} />
          {organization.city.county ? `, ${organization.city.county}` : null}
        </p>
      ) : null}
      {organization.description ? (
        <p className="lead">{typesetSwedish(organization.description)}</p>
      ) : null}
      {website ? (
        <p>
          <a href={website.href} rel={website.rel}>
            {displayHost(website.href)}
          </a>
        </p>
      ) : null}
      <section aria-labelledby="kvalitetsmarkning">
        <h2 id="kvalitetsmarkning">Kvalitetsmärkningen</h2>
        {organization.certifications.length === 0 ? (
          <p>Organisationen är inte kvalitetsmärkt.</p>
        ) : (
          <>
            <p className="eligibility">
              {eligible
                ? 'Organisationen har en giltig kvalitetsmärkning och kan nomineras till Årets Stadskärna.'
                : 'Organisationen har ingen giltig kvalitetsmärkning i dag och kan därför inte nomineras till Årets Stadskärna.'}
            </p>
            <ol className="chain" aria-label="Certifieringar, den senaste först">
              {organization.certifications.map((certification) => (
                <li key={certification._id} id={anchor(certification._id)}>
                  <h3>
                    {certification.applicationType === 'revision' ? 'Revidering' : 'Ny ansökan'}{' '}
                    {formatSwedishDate(certification.certifiedAt)}
                  </h3>
                  <p>
                    Giltig till och med {formatSwedishDate(effectiveValidUntil(certification))}.{' '}
                    <QmStatusBadge status={certification.status} />
                  </p>
                  {certification.previousCertification ? (
                    <p>
                      Förnyar{' '}
                      <a href={`#${anchor(certification.previousCertification._id)}`}>
                        certifieringen från{' '}
                        {formatSwedishDate(certification.previousCertification.certifiedAt)}
                      </a>
                      .
                    </p>
                  ) : null}
                  {certification.sections.length > 0 ? (
                    <p>
                      Avsnitt i ansökan:{' '}
                      {certification.sections
                        .map((section) => qmSectionTitle(section) ?? section)
                        .join(', ')}
                      .
                    </p>
                  ) : null}
                  {certification.area ? <p>Område: {typesetSwedish(certification.area)}</p> : null}
                  {certification.assessor ? (
                    <p>
                      Granskare:{' '}
                      {[certification.assessor.name, certification.assessor.role]
                        .filter(Boolean)
                        .join(', ')}
                      .
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
      {organization.awards.length > 0 ? (
        <section aria-labelledby="utmarkelser">
          <h2 id="utmarkelser">Utmärkelser</h2>
          <ul>
            {organization.awards.map((award) => (
              <li key={award._id}>
                <AwardLink award={award} /> – {award.won ? 'vinnare' : 'finalist'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  )
}

export function AwardsPage({awards}: {awards: AwardListQueryResult}) {
  return (
    <>
      <h1>Utmärkelser</h1>
      <p className="lead">
        Årets Stadskärna delas ut varje år sedan 1995, på Svenska Stadskärnors årskonferens i maj.
        Bara organisationer med giltig kvalitetsmärkning kan nomineras.
      </p>
      {awards.length === 0 ? (
        <p>Inga utmärkelser ännu.</p>
      ) : (
        <table>
          <caption className="meta">Vinnare och finalister, de senaste först</caption>
          <thead>
            <tr>
              <th scope="col">År</th>
              <th scope="col">Vinnare</th>
              <th scope="col">Finalister</th>
            </tr>
          </thead>
          <tbody>
            {awards.map((award) => (
              <tr key={award._id}>
                <th scope="row">
                  <AwardLink award={award} />
                </th>
                <td>
                  {award.winner ? (
                    <>
                      <OrganizationLink organization={award.winner} />
                      {award.winnerCity ? (
                        <>
                          {', '}
                          <CityLink city={award.winnerCity} />
                        </>
                      ) : null}
                    </>
                  ) : (
                    'Inte utsedd ännu'
                  )}
                </td>
                <td>
                  {award.finalists
                    .map((finalist) => finalist.city?.name ?? finalist.organization.name)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

export function AwardPage({award}: {award: NonNullable<AwardQueryResult>}) {
  const winner = award.winner
  const winnerCity = award.finalists.find(
    (finalist) => finalist.organization._id === winner?._id,
  )?.city
  const timeline = AWARD_TIMELINE.filter((step) => award.timeline?.[step.name])
  return (
    <>
      <h1>{awardTitle(award)}</h1>
      {winner ? (
        <p className="lead">
          Vinnare: <OrganizationLink organization={winner} />
          {winnerCity ? (
            <>
              {', '}
              <CityLink city={winnerCity} />
            </>
          ) : null}
          .
        </p>
      ) : (
        <p className="lead">Vinnaren är inte utsedd ännu.</p>
      )}
      {award.motivation && award.motivation.length > 0 ? (
        <section className="box" aria-labelledby="motivering">
          <h2 id="motivering">Juryns motivering</h2>
          <RichText value={award.motivation} parentLevel={2} />
        </section>
      ) : null}
      {award.finalists.length > 0 ? (
        <section aria-labelledby="finalister">
          <h2 id="finalister">Finalister</h2>
          <ul className="finalists">
            {award.finalists.map((finalist) => (
              <li key={finalist._key}>
                <OrganizationLink organization={finalist.organization} />
                {finalist.city ? (
                  <>
                    {', '}
                    <CityLink city={finalist.city} />
                  </>
                ) : null}
                {finalist.organization._id === winner?._id ? (
                  <>
                    {' '}
                    <span className="status status-valid">vinnare</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {timeline.length > 0 ? (
        <section aria-labelledby="tidslinje">
          <h2 id="tidslinje">Tidslinje</h2>
          <dl className="facts">
            {timeline.map((step) => (
              <div key={step.name}>
                <dt>{step.title}</dt>
                <dd>
                  <time dateTime={award.timeline![step.name]!}>
                    {formatSwedishDate(award.timeline![step.name])}
                  </time>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {award.jury.length > 0 ? (
        <section aria-labelledby="jury">
          <h2 id="jury">Jury</h2>
          <ul>
            {award.jury.map((juror) => (
              <li key={juror._id}>
                {juror.slug ? <a href={paths.person(juror.slug)}>{juror.name}</a> : juror.name}
                {juror.role ? `, ${juror.role}` : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {award.interviews.length > 0 ? (
        <section aria-labelledby="intervjuer">
          <h2 id="intervjuer">Intervjuer</h2>
          <InterviewCards interviews={award.interviews} />
        </section>
      ) : null}
      <p>
        <a href={paths.awards()}>Alla utmärkelser</a>
      </p>
    </>
  )
}

export function PersonPage(props: {
  person: NonNullable<PersonBySlugQueryResult>
  images: ImageUrls
}) {
  const {person, images} = props
  const organization = person.organization
  const website = linkAttributes(organization?.website)
  return (
    <>
      <h1>{person.name}</h1>
      <p className="meta">
        {[person.role, organization?.name].filter(Boolean).join(', ')}
        {organization?.city?.slug ? (
          <>
            {' i '}
            <a href={paths.city(organization.city.slug)}>{organization.city.name}</a>
          </>
        ) : null}
      </p>
      {hasImage(person.portrait) ? (
        <figure>
          <SiteImage image={person.portrait} images={images} widths={[320, 640]} sizes="20rem" />
        </figure>
      ) : null}
      <RichText value={person.bio} parentLevel={1} />
      {person.email || person.phone || website ? (
        <section aria-labelledby="kontakt">
          <h2 id="kontakt">Kontakt</h2>
          <p>
            <ContactCard person={{...person, slug: null}} />
          </p>
          {website ? (
            <p>
              <a href={website.href} rel={website.rel}>
                {displayHost(website.href)}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
      {person.interviews.length > 0 ? (
        <section aria-labelledby="intervjuer">
          <h2 id="intervjuer">Intervjuer</h2>
          <InterviewCards interviews={person.interviews} />
        </section>
      ) : null}
    </>
  )
}

export function NotFoundPage() {
  return (
    <>
      <h1>Sidan finns inte</h1>
      <p>
        Sidan kan ha flyttats eller tagits bort. Gå till <a href={paths.home()}>startsidan</a> eller{' '}
        <a href={paths.interviews()}>alla intervjuer</a>.
      </p>
    </>
  )
}

export function ErrorPage() {
  return (
    <>
      <h1>Något gick fel</h1>
      <p>Sidan kunde inte visas just nu. Försök igen om en stund.</p>
    </>
  )
}
