/** Readable one-line descriptions of `sanity/migrate` mutations, for dry runs and logs. */
import type {Mutation} from 'sanity/migrate'

type PathSegment = string | number | {_key: string} | [number | '', number | '']

export function pathToString(path: readonly PathSegment[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'string') out += out ? `.${segment}` : segment
    else if (typeof segment === 'number') out += `[${segment}]`
    else if (Array.isArray(segment)) out += `[${segment[0]}:${segment[1]}]`
    else out += `[_key=="${segment._key}"]`
  }
  return out || '(root)'
}

function json(value: unknown): string {
  const text = JSON.stringify(value)
  return text.length > 200 ? `${text.slice(0, 197)}...` : text
}

function describeOperation(op: Record<string, unknown>): string {
  const {type, ...rest} = op
  switch (type) {
    case 'set':
    case 'setIfMissing':
    case 'inc':
    case 'dec':
    case 'diffMatchPatch':
      return `${String(type)} ${json(rest.value)}`
    case 'unset':
      return 'unset'
    default:
      return `${String(type)} ${json(rest)}`
  }
}

export function describeMutation(mutation: Mutation): string[] {
  switch (mutation.type) {
    case 'patch':
      return mutation.patches.map(
        (nodePatch) =>
          `patch ${mutation.id}: ${pathToString(nodePatch.path as PathSegment[])} ` +
          describeOperation(nodePatch.op as unknown as Record<string, unknown>),
      )
    case 'create':
    case 'createIfNotExists':
    case 'createOrReplace':
      return [`${mutation.type} ${mutation.document._id ?? '(new id)'} ${json(mutation.document)}`]
    case 'delete':
      return [`delete ${mutation.id}`]
    default:
      return [json(mutation)]
  }
}
