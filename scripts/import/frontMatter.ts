/**
 * YAML front matter (`---` … `---` at the top of a Markdown file), read with the `yaml` package.
 * Known keys become interview fields; an unknown key is a warning naming it, not a failure.
 */
import {isMap, isScalar, LineCounter, parseDocument} from 'yaml'

import {InterviewParseError, type ParseWarning} from './errors.ts'

export interface FrontMatter {
  title?: string
  slug?: string
  city?: string
  organization?: string
  /** ISO date-time. */
  publishedAt?: string
  tags?: string[]
  lead?: string
  language?: 'sv' | 'en'
}

export const FRONT_MATTER_KEYS = [
  'title',
  'slug',
  'city',
  'organization',
  'date',
  'publishedAt',
  'tags',
  'lead',
  'language',
] as const

const LANGUAGES: Record<string, 'sv' | 'en'> = {
  sv: 'sv',
  svenska: 'sv',
  swedish: 'sv',
  en: 'en',
  engelska: 'en',
  english: 'en',
}

/**
 * Reads front matter at the start of `lines` and blanks its lines (so every later line number
 * stays the file's). Returns nothing when the file has none.
 */
export function readFrontMatter(
  lines: string[],
  file: string,
  warnings: ParseWarning[],
): FrontMatter {
  if (lines[0]?.trim() !== '---') return {}
  const end = lines.findIndex((line, i) => i > 0 && /^(?:---|\.\.\.)\s*$/.test(line))
  if (end < 0) {
    throw new InterviewParseError(
      file,
      1,
      'the front matter that starts here has no closing "---" line',
    )
  }
  const text = lines.slice(1, end).join('\n')
  for (let i = 0; i <= end; i++) lines[i] = ''
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const lineAt = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line + 1
  const error = document.errors[0]
  if (error) {
    throw new InterviewParseError(
      file,
      lineAt(error.pos[0]),
      `the front matter is not valid YAML: ${error.message.split('\n')[0]}`,
    )
  }
  const contents = document.contents
  if (contents === null) return {}
  if (!isMap(contents)) {
    throw new InterviewParseError(
      file,
      2,
      'expected front matter as "key: value" lines (title, slug, city, organization, date, tags, lead, language)',
    )
  }

  const result: FrontMatter = {}
  for (const pair of contents.items) {
    const keyNode = pair.key
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
    const line = lineAt(isScalar(keyNode) ? keyNode.range?.[0] : undefined)
    const value: unknown = (pair.value as {toJSON?: () => unknown} | null)?.toJSON?.() ?? null
    const warn = (message: string) => warnings.push({line, message})
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      warn(`unknown front matter key "${key}" is ignored (known: ${FRONT_MATTER_KEYS.join(', ')})`)
      continue
    }
    if (value === null || value === '') continue
    switch (key) {
      case 'tags': {
        const tags = (Array.isArray(value) ? value : String(value).split(','))
          .map((tag) => String(tag).trim())
          .filter(Boolean)
        result.tags = [...new Set(tags)]
        if (result.tags.length < tags.length)
          warn('a tag is given twice in "tags"; it is kept once')
        break
      }
      case 'date':
      case 'publishedAt': {
        const date = toIsoDate(value)
        if (!date)
          warn(`"${key}: ${String(value)}" is not a date like 2025-03-14; no publish date is set`)
        else if (result.publishedAt && result.publishedAt !== date) {
          warn(`both "date" and "publishedAt" are given; "${key}" is used`)
          result.publishedAt = date
        } else result.publishedAt = date
        break
      }
      case 'language': {
        const language = LANGUAGES[String(value).trim().toLowerCase()]
        if (language) result.language = language
        else warn(`"language: ${String(value)}" is not sv or en; the interview is stored as sv`)
        break
      }
      default:
        if (typeof value === 'object') {
          warn(`"${key}" should be text, not a list or a map; it is ignored`)
        } else {
          result[key as 'title' | 'slug' | 'city' | 'organization' | 'lead'] = String(value).trim()
        }
    }
  }
  return result
}

/** `2025-03-14` (a day, stored as midnight UTC) or a full ISO date-time → ISO date-time. */
function toIsoDate(value: unknown): string | undefined {
  const text = value instanceof Date ? value.toISOString() : String(value).trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T00:00:00.000Z`)
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text
      ? undefined
      : date.toISOString()
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
