/**
 * Criteria used to name their area as free text (`qmCriterion.area`) and hold their evidence as
 * plain text. Now a criterion is one of the nine sections (`section`, domain/qmSections.ts) and
 * its evidence is Portable Text. For each criterion of each certification:
 *
 * - `area` is mapped with `sectionForArea` (a table of Swedish spellings and common variants,
 *   case, diacritics and punctuation ignored). A known value becomes `section` and `area` is
 *   removed. An unknown value, or one whose section the certification already has, is reported
 *   by document and left untouched for an editor to decide (the Studio shows the old text).
 * - `area` next to an already chosen `section` is removed when it names that same section, and
 *   reported otherwise.
 * - `evidence` as a string becomes one paragraph block per paragraph (blank-line separated).
 *
 * Idempotent: a rerun finds nothing left to map (and reports the unknown values again).
 */
import {createHash} from 'node:crypto'
import {at, defineMigration, set, unset, type NodePatch} from 'sanity/migrate'

import {qmSectionTitle, sectionForArea, type QmSection} from '../../domain/qmSections.ts'
import {reportFinding} from '../../scripts/migrate/context.ts'

interface LegacyCriterion {
  _key?: unknown
  section?: unknown
  area?: unknown
  evidence?: unknown
}

type PathSegment = string | number | {_key: string}

/** Deterministic block keys, so the draft and the published version convert alike. */
function blockKey(...parts: unknown[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12)
}

/** Plain text as Portable Text: one normal block per paragraph. */
export function textToBlocks(text: string, seed: string) {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .map((paragraph, index) => {
      const key = blockKey(seed, index, paragraph)
      return {
        _type: 'block',
        _key: key,
        style: 'normal',
        markDefs: [],
        children: [{_type: 'span', _key: `${key}s`, text: paragraph, marks: []}],
      }
    })
}

function describe(criterion: LegacyCriterion, index: number): string {
  return typeof criterion._key === 'string'
    ? `criteria[_key=="${criterion._key}"]`
    : `criteria[${index}]`
}

export default defineMigration({
  title: 'Map free-text qmCriterion.area to the nine sections; evidence text → Portable Text',
  documentTypes: ['qmCertification'],
  filter: 'count(criteria[defined(area) || defined(evidence)]) > 0',
  migrate: {
    document(certification, context) {
      const criteria = Array.isArray(certification.criteria)
        ? (certification.criteria as LegacyCriterion[])
        : []
      const taken = new Set<unknown>(criteria.map((criterion) => criterion?.section))
      const patches: NodePatch[] = []

      criteria.forEach((criterion, index) => {
        if (!criterion || typeof criterion !== 'object') return
        const base: PathSegment[] = [
          'criteria',
          typeof criterion._key === 'string' ? {_key: criterion._key} : index,
        ]
        const where = describe(criterion, index)

        if (typeof criterion.evidence === 'string') {
          const blocks = textToBlocks(criterion.evidence, `${certification._id}:${where}`)
          patches.push(
            blocks.length > 0
              ? at([...base, 'evidence'], set(blocks))
              : at([...base, 'evidence'], unset()),
          )
        }

        if (typeof criterion.area !== 'string') return
        const area = criterion.area
        const mapped: QmSection | undefined = sectionForArea(area)
        if (typeof criterion.section === 'string') {
          if (mapped === criterion.section) patches.push(at([...base, 'area'], unset()))
          else {
            reportFinding(
              context,
              `${where}: the free text "${area}" is left next to the chosen section ` +
                `"${qmSectionTitle(criterion.section) ?? criterion.section}"`,
            )
          }
          return
        }
        if (!mapped) {
          reportFinding(
            context,
            `${where}: "${area}" matches none of the nine sections; left unchanged`,
          )
          return
        }
        if (taken.has(mapped)) {
          reportFinding(
            context,
            `${where}: "${area}" is section "${qmSectionTitle(mapped)}", which this certification ` +
              'already has; left unchanged',
          )
          return
        }
        taken.add(mapped)
        patches.push(at([...base, 'section'], set(mapped)), at([...base, 'area'], unset()))
      })
      return patches
    },
  },
})
