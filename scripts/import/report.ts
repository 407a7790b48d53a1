/**
 * Reports of an import: a readable summary of what a file gives (the interview's fields and the
 * documents around it) for `--dry-run`, and a machine-readable form for `--json`.
 */
import {formatWarning} from './errors.ts'
import type {FileResult, ImportSummary} from './importInterviews.ts'
import {blocksToPlainText, type PortableTextBlock} from './portableText.ts'
import type {PlannedDocument} from './toDocuments.ts'

interface Reference {
  _ref: string
}

/** Lines describing what one file would store, in the order an editor reads an interview. */
export function describeFile(result: FileResult): string[] {
  const documents = result.documents ?? []
  const byId = new Map(documents.map((document) => [document._id, document]))
  const interview = documents.find((document) => document._type === 'interview')
  if (!interview) return []
  const fields = interview.fields
  const name = (ref: unknown) => {
    const id = (ref as Reference | undefined)?._ref
    const document = id ? byId.get(id) : undefined
    return document ? String(document.fields.name ?? document.fields.title ?? id) : id
  }
  const person = (ref: unknown) => {
    const id = (ref as Reference | undefined)?._ref
    const document = id ? byId.get(id) : undefined
    if (!document) return id ?? ''
    const {role, email, phone, organization, portrait} = document.fields as Record<string, unknown>
    return [
      document.fields.name,
      role,
      organization ? name(organization) : undefined,
      email,
      phone,
      portrait ? 'with portrait' : undefined,
    ]
      .filter(Boolean)
      .join(', ')
  }
  const lines = [
    `  Interview ${interview._id}`,
    `    title:        ${String(fields.title)}`,
    `    slug:         ${(fields.slug as {current: string}).current}`,
    `    language:     ${String(fields.language)}`,
  ]
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== '')
      lines.push(`    ${`${label}:`.padEnd(14)}${String(value)}`)
  }
  add('published', fields.publishedAt)
  add('interviewee', person(fields.interviewee))
  add('organization', fields.organization ? name(fields.organization) : undefined)
  add('city', fields.city ? name(fields.city) : undefined)
  add('lead', fields.lead ? shorten(String(fields.lead), 100) : undefined)
  add('main image', fields.mainImage ? 'yes' : undefined)
  const quote = fields.pullQuote as {text: string; attribution: string} | undefined
  add('pull quote', quote ? `”${shorten(quote.text, 80)}” (${quote.attribution})` : undefined)
  add('tags', (fields.tags as string[] | undefined)?.join(', '))
  const questions =
    (fields.questions as Array<{question: string; answer: PortableTextBlock[]}>) ?? []
  lines.push(`    questions:    ${questions.length}`)
  questions.forEach((question, index) => {
    const answer = blocksToPlainText(question.answer)
    lines.push(`      ${index + 1}. ${question.question}`)
    lines.push(
      `         ${shorten(answer.replace(/\s+/g, ' '), 90)} (${question.answer.length} block(s))`,
    )
  })
  const contacts = (fields.contacts as Reference[] | undefined) ?? []
  if (contacts.length > 0) {
    lines.push(`    contacts:`)
    for (const contact of contacts) lines.push(`      - ${person(contact)}`)
  }
  const factSheetId = (fields.factSheet as Reference | undefined)?._ref
  const factSheet = factSheetId ? byId.get(factSheetId) : undefined
  if (factSheet) {
    const body = factSheet.fields.body as PortableTextBlock[]
    lines.push(
      `    fact sheet:   ${String(factSheet.fields.title)} (${body.length} block(s)${factSheet.fields.website ? `, ${String(factSheet.fields.website)}` : ''})`,
    )
  }
  lines.push('  Documents:')
  return lines
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}

/** The summary as JSON for tools: per file its outcome, warnings, documents and their changes. */
export function summaryAsJson(summary: ImportSummary, dryRun: boolean): string {
  return JSON.stringify(
    {
      ok: summary.ok,
      dryRun,
      files: summary.files.map((result) => ({
        file: result.file,
        ok: result.ok,
        ...(result.error ? {error: result.error} : {}),
        ...(result.interviewId ? {interviewId: result.interviewId} : {}),
        warnings: result.warnings.map((warning) => ({
          line: warning.line,
          message: warning.message,
          text: formatWarning(result.file, warning),
        })),
        documents: (result.documents ?? []).map((document: PlannedDocument, index) => ({
          _id: document._id,
          _type: document._type,
          // Changes come in the plan's order; a reused document's change names the existing id.
          ...(result.changes[index] ? {change: result.changes[index]} : {}),
          fields: document.fields,
        })),
      })),
    },
    null,
    2,
  )
}
