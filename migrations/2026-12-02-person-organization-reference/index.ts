/**
 * People imported before organisations were documents carry the organisation as free text in a
 * legacy `organizationName` field. Move it into the `organization` reference: to an existing
 * organisation with the same name (case and spacing ignored), otherwise to one created here with a
 * deterministic id (`organization-<slug of the name>`), so reruns and parallel drafts agree.
 *
 * Created organisations get `name` and `slug` only: their `kind` is required, and the runner's
 * validation after applying lists them so editors choose it in the Studio.
 */
import {createHash} from 'node:crypto'
import {
  at,
  createIfNotExists,
  defineMigration,
  patch,
  set,
  unset,
  type MigrationContext,
} from 'sanity/migrate'

interface OrganizationName {
  _id: string
  name?: unknown
}

export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv-SE')
}

/** `Svenska Stadskärnor` → `svenska-stadskarnor` (å, ä, ö and other accents lose their marks). */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '')
}

export function organizationIdFor(name: string): string {
  const slug = slugify(name)
  const suffix = slug || createHash('sha256').update(normalizeName(name)).digest('hex').slice(0, 16)
  return `organization-${suffix}`
}

/** Published organisations by normalised name, read once per run. */
const organizationsByRun = new WeakMap<object, Promise<Map<string, string>>>()

function organizationsByName(context: MigrationContext): Promise<Map<string, string>> {
  let known = organizationsByRun.get(context)
  if (!known) {
    known = context.client
      .fetch<OrganizationName[]>(
        '*[_type == "organization" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]{_id, name} | order(_id asc)',
      )
      .then((organizations) => {
        const byName = new Map<string, string>()
        for (const organization of organizations) {
          if (typeof organization.name !== 'string') continue
          const key = normalizeName(organization.name)
          if (!byName.has(key)) byName.set(key, organization._id)
        }
        return byName
      })
    organizationsByRun.set(context, known)
  }
  return known
}

export default defineMigration({
  title: 'Move person.organizationName (free text) into a reference to an organization',
  documentTypes: ['person'],
  filter: 'defined(organizationName)',
  migrate: {
    async document(person, context) {
      const legacy = person.organizationName
      const name = typeof legacy === 'string' ? legacy.trim().replace(/\s+/g, ' ') : ''
      // Already linked, or nothing usable: the reference wins and the legacy text goes.
      if (!name || person.organization) return at('organizationName', unset())

      const existingId = (await organizationsByName(context)).get(normalizeName(name))
      const organizationId = existingId ?? organizationIdFor(name)
      return [
        ...(existingId
          ? []
          : [
              createIfNotExists({
                _id: organizationId,
                _type: 'organization',
                name,
                slug: {_type: 'slug', current: slugify(name)},
              }),
            ]),
        patch(person._id, [
          at('organization', set({_type: 'reference', _ref: organizationId})),
          at('organizationName', unset()),
        ]),
      ]
    },
  },
})
