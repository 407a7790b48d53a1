/**
 * The bad-input corpus: requests a hostile or careless client sends, over every endpoint. Each
 * case asserts its status and Sanity's error shape, that nothing was written (datasets, documents,
 * transactions, tokens, key-value state and asset files are unchanged) and that the lake still
 * answers. GROQ cases assert only the status and the shape (their texts belong to lake/groq/).
 */
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sha1Hex} from '../../../lake/assets/assets.ts'
import {png} from '../../helpers/png.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

/** Which family of error body the answer must have (lake/core/errors.ts). */
type Shape =
  | 'gateway' // {statusCode, error, message}
  | 'error' // {error: {type, description}}
  | 'mutation' // {error: {type: 'mutationError', description}}
  | 'dataset' // {error: 'Dataset not found', message}
  | 'html' // the login page, re-rendered with its message

type Who = 'admin' | 'viewer' | 'editor' | 'anonymous' | 'unknown'

interface Case {
  name: string
  method?: string
  path: string
  body?: string | Uint8Array
  contentType?: string
  who?: Who
  headers?: Record<string, string>
  status: number
  shape: Shape
}

const D = '/v2025-02-19/data'
const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
const DEEP = 100_000

function json(value: unknown): string {
  return JSON.stringify(value)
}

/** A JSON text with raw bytes spliced in where `@@` stands. */
function withBytes(template: string, bytes: number[]): Uint8Array {
  const [before, after] = template.split('@@')
  return new Uint8Array(
    Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after ?? '')]),
  )
}

const mutate = (mutations: unknown, name: string, status = 400): Case => ({
  name,
  method: 'POST',
  path: `${D}/mutate/bad`,
  body: json({mutations}),
  status,
  shape: 'mutation',
})
const patch = (operations: Record<string, unknown>, name: string): Case =>
  mutate([{patch: {id: 'seed', ...operations}}], name)
const query = (groq: string, name: string, extra = ''): Case => ({
  name,
  path: `${D}/query/bad?query=${encodeURIComponent(groq)}${extra}`,
  status: 400,
  shape: 'error',
})
const perspective = (value: string): Case => ({
  name: `perspective ${JSON.stringify(value)}`,
  path: `${D}/query/bad?query=*&perspective=${encodeURIComponent(value)}`,
  status: 400,
  shape: 'error',
})
const importLines = (body: string | Uint8Array, name: string): Case => ({
  name,
  method: 'POST',
  path: `${D}/import/bad`,
  body,
  contentType: 'application/x-ndjson',
  status: 400,
  shape: 'error',
})
const upload = (bytes: Uint8Array, name: string, status = 400): Case => ({
  name,
  method: 'POST',
  path: '/v2025-02-19/assets/images/bad',
  body: bytes,
  contentType: 'application/octet-stream',
  status,
  shape: 'gateway',
})
const action = (actions: unknown, name: string, status = 400): Case => ({
  name,
  method: 'POST',
  path: `${D}/actions/bad`,
  body: json({actions}),
  status,
  shape: 'error',
})
const login = (form: Record<string, string>, name: string, status: number): Case => ({
  name,
  method: 'POST',
  path: '/v1/auth/login/local',
  body: new URLSearchParams(form).toString(),
  contentType: 'application/x-www-form-urlencoded',
  who: 'anonymous',
  status,
  shape: 'html',
})

const STUDIO = 'http://localhost:3333/'
const valid = png(4, 4)
/** An image uploaded before the cases run, for the transform case. */
const stored = png(3, 3)

const CASES: Case[] = [
  // ------------------------------------------------------------ malformed JSON
  ...['', '{', '{"mutations":', 'nope', '[1,2', '{"mutations": [}', '\u0000', '{"a" 1}'].map(
    (body, i): Case => ({
      name: `malformed JSON body #${i}`,
      method: 'POST',
      path: `${D}/mutate/bad`,
      body,
      status: 400,
      shape: 'error',
    }),
  ),
  ...['null', '[]', '{}', '{"mutations": {}}', '{"mutations": "x"}', '42'].map((body): Case => ({
    name: `mutate body ${body}`,
    method: 'POST',
    path: `${D}/mutate/bad`,
    body,
    status: 400,
    shape: 'error',
  })),
  {
    name: 'query POST malformed',
    method: 'POST',
    path: `${D}/query/bad`,
    body: '{"query":',
    status: 400,
    shape: 'error',
  },
  {
    name: 'actions malformed',
    method: 'POST',
    path: `${D}/actions/bad`,
    body: '{"actions"',
    status: 400,
    shape: 'error',
  },
  {
    name: 'keyvalue malformed',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: '[{',
    status: 400,
    shape: 'error',
  },
  {
    name: 'dataset create malformed',
    method: 'PUT',
    path: '/v2025-02-19/projects/test/datasets/newds',
    body: '{',
    status: 400,
    shape: 'error',
  },

  // ------------------------------------------------------------ deep JSON
  {
    name: 'deep arrays in createOrReplace',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: `{"mutations":[{"createOrReplace":{"_id":"d","_type":"t","a":${deepArrays(DEEP)}}}]}`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'deep objects in createOrReplace',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: `{"mutations":[{"createOrReplace":{"_id":"d","_type":"t","a":${deepObjects(DEEP)}}}]}`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'deep value in patch set',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: `{"mutations":[{"patch":{"id":"seed","set":{"a":${deepArrays(DEEP)}}}}]}`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'deep query POST params',
    method: 'POST',
    path: `${D}/query/bad`,
    body: `{"query":"$p","params":{"p":${deepArrays(DEEP)}}}`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'deep actions',
    method: 'POST',
    path: `${D}/actions/bad`,
    body: `{"actions":[{"actionType":"sanity.action.document.create","publishedId":"x","attributes":{"_id":"drafts.x","_type":"t","a":${deepObjects(DEEP)}}}]}`,
    status: 400,
    shape: 'error',
  },
  importLines(`{"_id":"d","_type":"t","a":${deepArrays(DEEP)}}`, 'deep import line'),
  {
    name: 'deep key-value',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: `[{"key":"k","value":${deepArrays(DEEP)}}]`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'deep GET $param',
    path: `${D}/query/bad?query=$p&$p=${encodeURIComponent(deepArrays(1000))}`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'document 30 levels below the envelope (34 in all)',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: `{"mutations":[{"create":{"_id":"d","_type":"t","a":${deepArrays(30)}}}]}`,
    status: 400,
    shape: 'error',
  },

  // ------------------------------------------------------------ encodings
  {
    name: 'FF FE in a string',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: withBytes('{"mutations":[{"create":{"_id":"e1","_type":"t","s":"@@"}}]}', [0xff, 0xfe]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'C3 28 in _type',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: withBytes('{"mutations":[{"create":{"_id":"e2","_type":"@@"}}]}', [0xc3, 0x28]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'ED A0 80 in a key',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: withBytes(
      '{"mutations":[{"create":{"_id":"e3","_type":"t","@@":1}}]}',
      [0xed, 0xa0, 0x80],
    ),
    status: 400,
    shape: 'error',
  },
  {
    name: 'truncated sequence E2 82',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: withBytes('{"mutations":[{"create":{"_id":"e4","_type":"t","s":"@@"}}]}', [0xe2, 0x82]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'overlong C0 AF',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: withBytes('{"mutations":[{"create":{"_id":"e5","_type":"t","s":"@@"}}]}', [0xc0, 0xaf]),
    status: 400,
    shape: 'error',
  },
  importLines(withBytes('{"_id":"e6","_type":"t","s":"@@"}', [0xff]), 'invalid UTF-8 import line'),
  importLines(
    withBytes('{"_id":"ok1","_type":"t"}\n{"_id":"e7","_type":"@@"}', [0xc3, 0x28]),
    'invalid UTF-8 on line 2 of an import',
  ),
  {
    name: 'invalid UTF-8 in query POST',
    method: 'POST',
    path: `${D}/query/bad`,
    body: withBytes('{"query":"\\"@@\\""}', [0xff]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'invalid UTF-8 in actions',
    method: 'POST',
    path: `${D}/actions/bad`,
    body: withBytes('{"actions":[{"actionType":"@@"}]}', [0xfe]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'invalid UTF-8 in key-value',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: withBytes('[{"key":"@@","value":1}]', [0xff]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'invalid UTF-8 in dataset settings',
    method: 'PUT',
    path: '/v2025-02-19/projects/test/datasets/newds',
    body: withBytes('{"aclMode":"@@"}', [0xff]),
    status: 400,
    shape: 'error',
  },
  {
    name: 'invalid UTF-8 in the login form',
    method: 'POST',
    path: '/v1/auth/login/local',
    body: withBytes('origin=http%3A%2F%2Flocalhost%3A3333%2F&name=@@&role=editor', [0xff]),
    contentType: 'application/x-www-form-urlencoded',
    who: 'anonymous',
    status: 400,
    shape: 'error',
  },

  // ------------------------------------------------------------ sizes
  {
    name: 'mutate over 4 MB',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: json({mutations: [{create: {_id: 'big', _type: 't', s: 'x'.repeat(4_100_000)}}]}),
    status: 413,
    shape: 'gateway',
  },
  {
    name: 'query POST over 4 MB',
    method: 'POST',
    path: `${D}/query/bad`,
    body: json({query: '*', params: {s: 'x'.repeat(4_100_000)}}),
    status: 413,
    shape: 'gateway',
  },
  {
    name: 'actions over 4 MB',
    method: 'POST',
    path: `${D}/actions/bad`,
    body: json({actions: [], s: 'x'.repeat(4_100_000)}),
    status: 413,
    shape: 'gateway',
  },
  {
    name: 'key-value over 1 MB',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: json([{key: 'k', value: 'x'.repeat(1_100_000)}]),
    status: 413,
    shape: 'gateway',
  },
  {
    name: 'login form over 16 KB',
    method: 'POST',
    path: '/v1/auth/login/local',
    body: `name=${'x'.repeat(20_000)}`,
    contentType: 'application/x-www-form-urlencoded',
    who: 'anonymous',
    status: 413,
    shape: 'gateway',
  },

  // ------------------------------------------------------------ document ids
  mutate([{createOrReplace: {_id: 'a.', _type: 't'}}], 'createOrReplace with a trailing dot'),
  ...['-bad', 'a b', 'a..b', '.a', 'ä', 'x'.repeat(129), 'a/b', 'a#b', 'a*', 'a\u0000'].map((id) =>
    mutate([{create: {_id: id, _type: 't'}}], `create with id ${JSON.stringify(id).slice(0, 20)}`),
  ),
  mutate([{createOrReplace: {_id: 42, _type: 't'}}], 'createOrReplace with a numeric id'),
  mutate([{createOrReplace: {_type: 't'}}], 'createOrReplace without id'),
  mutate([{createIfNotExists: {_id: '', _type: 't'}}], 'createIfNotExists with an empty id'),
  mutate([{createOrReplace: {_id: 'x'}}], 'createOrReplace without _type'),
  mutate([{createOrReplace: {_id: 'x', _type: ''}}], 'createOrReplace with an empty _type'),
  mutate([{patch: {id: 'a b', set: {x: 1}}}], 'patch with an invalid id'),
  mutate([{delete: {id: 'a..b'}}], 'delete with an invalid id'),
  mutate([{patch: {id: 'missing', set: {x: 1}}}], 'patch of a missing document', 409),
  mutate([{create: {_id: 'seed', _type: 't'}}], 'create of an existing document', 409),

  // ------------------------------------------------------------ patch paths
  ...['a[', 'a]', 'a b', 'a[0]]', 'a[]', 'a.', '.a', 'a.0', 'a[*]', '', ' ', 'a-b'].map((path) =>
    patch({set: {[path]: 1}}, `set path ${JSON.stringify(path)}`),
  ),
  patch({unset: ['a[']}, 'unset path a['),
  patch({setIfMissing: {'a]': 1}}, 'setIfMissing path a]'),
  patch({inc: {'a[': 1}}, 'inc path a['),
  patch({dec: {'b]': 1}}, 'dec path b]'),
  patch({insert: {after: 'a[', items: [1]}}, 'insert after a['),
  patch({diffMatchPatch: {'a]': '@@ -1 +1 @@'}}, 'diffMatchPatch path a]'),

  // ------------------------------------------------------------ mutation structure
  mutate([{upsert: {_id: 'x', _type: 't'}}], 'unknown mutation type'),
  mutate([{create: {_id: 'x', _type: 't'}, delete: {id: 'x'}}], 'two kinds in one mutation'),
  mutate([{}], 'empty mutation'),
  mutate(['create'], 'mutation as a string'),
  mutate([{create: 'x'}], 'create with a string'),
  mutate([{patch: {set: {x: 1}}}], 'patch without id or query'),
  mutate([{patch: {id: 'seed', query: '*', set: {x: 1}}}], 'patch with id and query'),
  patch({rename: {x: 'y'}}, 'unknown patch operation'),
  patch({inc: {count: 'one'}}, 'inc by a string'),
  patch({set: 'x'}, 'set with a string'),
  patch({unset: 'x'}, 'unset with a string'),
  patch({insert: {after: 'a[0]'}}, 'insert without items'),
  patch({insert: {after: 'a[0]', before: 'a[0]', items: []}}, 'insert with two locations'),
  patch({ifRevisionID: 42, set: {x: 1}}, 'ifRevisionID as a number'),
  patch({diffMatchPatch: {title: 42}}, 'diffMatchPatch with a number'),
  mutate([{delete: {}}], 'delete without id'),
  mutate([{delete: {id: 'seed', query: '*'}}], 'delete with id and query'),
  {...mutate([{delete: {query: '*['}}], 'x'), name: 'delete by an invalid query', shape: 'error'},
  {
    name: 'invalid transactionId',
    method: 'POST',
    path: `${D}/mutate/bad`,
    body: json({mutations: [], transactionId: 'a b'}),
    status: 400,
    shape: 'error',
  },
  {
    ...mutate([{create: {_id: 'r', _type: 't', ref: {_ref: 'nowhere'}}}], 'ref', 409),
    name: 'reference to a missing document',
  },

  // ------------------------------------------------------------ GROQ
  ...[
    '*[',
    '*[_type ==',
    ')',
    '*{',
    'count(',
    '*[_id ==]',
    '1 +',
    '*[0..',
    '"abc',
    '{"a": }',
    '*|order(',
    '[1, 2',
    'a b',
    '*[_type == "x"]{',
    '$',
  ].map((groq) => query(groq, `query ${JSON.stringify(groq)}`)),
  query('*[_type == $missing]', 'missing param'),
  query('*[_type == $x]', 'unparsable GET param', '&$x=abc'),
  {
    name: 'query POST without query',
    method: 'POST',
    path: `${D}/query/bad`,
    body: json({params: {}}),
    status: 400,
    shape: 'error',
  },
  {
    name: 'query POST with a numeric query',
    method: 'POST',
    path: `${D}/query/bad`,
    body: json({query: 42}),
    status: 400,
    shape: 'error',
  },
  {
    name: 'query POST with array params',
    method: 'POST',
    path: `${D}/query/bad`,
    body: json({query: '*', params: [1]}),
    status: 400,
    shape: 'error',
  },
  {
    name: 'query POST with string params',
    method: 'POST',
    path: `${D}/query/bad`,
    body: json({query: '*', params: 'x'}),
    status: 400,
    shape: 'error',
  },
  {name: 'query GET without query', path: `${D}/query/bad`, status: 400, shape: 'error'},
  {
    ...mutate([{patch: {query: '*[', set: {x: 1}}}], 'q'),
    name: 'patch by a GROQ parse error',
    shape: 'error',
  },

  // ------------------------------------------------------------ perspectives
  ...[
    'foo!',
    'raw,drafts',
    'drafts,raw',
    'previewDrafts,drafts',
    'published,raw',
    'a b',
    'r1,raw',
    '%',
    'drafts,r.1',
  ].map(perspective),

  // ------------------------------------------------------------ API versions
  ...[
    ['vfoo', `/data/query/bad?query=*`],
    ['v2025-13-45', '/data/mutate/bad'],
    ['v0', '/data/doc/bad/seed'],
    ['v99999-01-01', '/data/export/bad'],
    ['v1%00', '/data/query/bad?query=*'],
    ['v2021-03-24', '/data/query/bad?query=*'],
    ['v2025-02-30', '/users/me'],
    ['vx', '/ping'],
    ['v2', '/projects'],
    ['v2025-2-19', '/data/query/bad?query=*'],
    ['v20250219', '/data/listen/bad?query=*'],
    ['v9999-12-31', '/data/history/bad/transactions/seed'],
  ].map(([version, rest]): Case => ({
    name: `API version ${version}`,
    method: rest.includes('mutate') ? 'POST' : 'GET',
    path: `/${version}${rest}`,
    body: rest.includes('mutate')
      ? json({mutations: [{create: {_id: 'v', _type: 't'}}]})
      : undefined,
    status: 400,
    shape: 'gateway',
  })),

  // ------------------------------------------------------------ tokens
  {
    name: 'unknown token on query',
    path: `${D}/query/bad?query=*`,
    who: 'unknown',
    status: 401,
    shape: 'gateway',
  },
  {
    ...mutate([{create: {_id: 't1', _type: 't'}}], 'x', 401),
    name: 'unknown token on mutate',
    who: 'unknown',
    shape: 'gateway',
  },
  {
    name: 'unknown token on doc',
    path: `${D}/doc/bad/seed`,
    who: 'unknown',
    status: 401,
    shape: 'gateway',
  },
  {
    name: 'Basic credentials',
    path: `${D}/query/bad?query=*`,
    headers: {authorization: 'Basic dXNlcjpwdw=='},
    who: 'anonymous',
    status: 401,
    shape: 'gateway',
  },
  {
    ...mutate([{create: {_id: 't2', _type: 't'}}], 'x', 401),
    name: 'Bearer without a token on mutate',
    headers: {authorization: 'Bearer   '},
    who: 'anonymous',
    shape: 'gateway',
  },
  {
    name: 'very long token',
    path: `${D}/query/bad?query=*`,
    headers: {authorization: `Bearer ${'k'.repeat(8000)}`},
    who: 'anonymous',
    status: 401,
    shape: 'gateway',
  },
  {
    ...mutate([{create: {_id: 't3', _type: 't'}}], 'x', 401),
    name: 'anonymous mutate',
    who: 'anonymous',
    shape: 'gateway',
  },
  {...mutate([{create: {_id: 't4', _type: 't'}}], 'x', 403), name: 'viewer mutate', who: 'viewer'},
  {...action([], 'x', 403), name: 'viewer actions', who: 'viewer', shape: 'error'},
  {...upload(valid, 'x', 403), name: 'viewer upload', who: 'viewer', shape: 'mutation'},
  {
    ...importLines('{"_id":"i","_type":"t"}', 'x'),
    name: 'editor import',
    who: 'editor',
    status: 403,
    shape: 'gateway',
  },
  {
    name: 'editor creates a dataset',
    method: 'PUT',
    path: '/v2025-02-19/projects/test/datasets/newds',
    body: '{}',
    who: 'editor',
    status: 403,
    shape: 'gateway',
  },
  {
    name: 'viewer deletes a dataset',
    method: 'DELETE',
    path: '/v2025-02-19/projects/test/datasets/bad',
    who: 'viewer',
    status: 403,
    shape: 'gateway',
  },
  {
    name: 'anonymous key-value',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: '[]',
    who: 'anonymous',
    status: 401,
    shape: 'gateway',
  },

  // ------------------------------------------------------------ asset bytes
  upload(new Uint8Array(0), 'empty image'),
  upload(new Uint8Array(Buffer.from('not an image at all')), 'text as an image'),
  upload(new Uint8Array(valid.subarray(0, 33)), '33-byte PNG header'),
  upload(new Uint8Array(png(64, 64).subarray(0, 60)), 'truncated PNG'),
  upload(
    new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]),
    'JPEG header only',
  ),
  upload(new Uint8Array(Buffer.from('GIF89a\x10\x00\x10\x00\x00\x00\x00')), 'GIF header only'),
  upload(
    (() => {
      const head = Buffer.from(valid.subarray(0, 33))
      head.writeUInt32BE(100_000, 16)
      head.writeUInt32BE(100_000, 20)
      return new Uint8Array(head)
    })(),
    'PNG claiming 100000 × 100000',
  ),
  upload(new Uint8Array(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 garbage')), 'WebP garbage'),
  upload(new Uint8Array(Buffer.from('<html><body>no svg</body></html>')), 'HTML as an image'),
  {
    name: 'transform parameter out of range',
    path: `/images/test/bad/${sha1Hex(stored)}-3x3.png?w=-1`,
    status: 400,
    shape: 'gateway',
  },

  // ------------------------------------------------------------ datasets
  {
    name: 'invalid dataset name in query',
    path: `${D}/query/Bad?query=*`,
    status: 400,
    shape: 'gateway',
  },
  {
    ...mutate([], 'x'),
    name: 'invalid dataset name in mutate',
    path: `${D}/mutate/-x`,
    shape: 'gateway',
  },
  {
    name: 'too long dataset name',
    path: `${D}/doc/${'a'.repeat(65)}/x`,
    status: 400,
    shape: 'gateway',
  },
  {
    name: 'unknown dataset on query',
    path: `${D}/query/nosuch?query=*`,
    status: 404,
    shape: 'dataset',
  },
  {name: 'unknown dataset on export', path: `${D}/export/nosuch`, status: 404, shape: 'dataset'},
  {
    ...mutate([{create: {_id: 'u', _type: 't'}}], 'x', 404),
    name: 'editor writes to an unknown dataset',
    path: `${D}/mutate/nosuch`,
    who: 'editor',
    shape: 'dataset',
  },
  {
    name: 'invalid aclMode',
    method: 'PUT',
    path: '/v2025-02-19/projects/test/datasets/newds',
    body: json({aclMode: 'secret'}),
    status: 400,
    shape: 'gateway',
  },
  {
    name: 'edit an unknown dataset',
    method: 'PATCH',
    path: '/v2025-02-19/projects/test/datasets/nosuch',
    body: '{}',
    status: 404,
    shape: 'dataset',
  },
  {
    name: 'invalid dataset name on create',
    method: 'PUT',
    path: '/v2025-02-19/projects/test/datasets/Bad%20Name',
    body: '{}',
    status: 400,
    shape: 'gateway',
  },

  // ------------------------------------------------------------ history
  {
    name: 'history without a selector',
    path: `${D}/history/bad/documents/seed`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'history with two selectors',
    path: `${D}/history/bad/documents/seed?revision=x&lastRevision=true`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'history with an invalid time',
    path: `${D}/history/bad/documents/seed?time=yesterday`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'history of an unknown revision',
    path: `${D}/history/bad/documents/seed?revision=nope`,
    status: 404,
    shape: 'gateway',
  },
  {
    name: 'transactions with an invalid limit',
    path: `${D}/history/bad/transactions/seed?limit=-1`,
    status: 400,
    shape: 'error',
  },
  {
    name: 'transactions from an unknown transaction',
    path: `${D}/history/bad/transactions/seed?fromTransaction=nope`,
    status: 400,
    shape: 'error',
  },

  // ------------------------------------------------------------ import lines
  importLines('{"_id":"i1","_type":"t"}\n{nope', 'import line that is not JSON'),
  importLines('[1,2]', 'import line that is not an object'),
  importLines('{"_id":"a b","_type":"t"}', 'import line with an invalid id'),
  importLines('{"_id":"i2"}', 'import line without _type'),
  importLines('{"_id":"i3.","_type":"t"}', 'import line with a trailing dot'),

  // ------------------------------------------------------------ actions
  {
    name: 'actions without actions',
    method: 'POST',
    path: `${D}/actions/bad`,
    body: '{}',
    status: 400,
    shape: 'error',
  },
  action([{actionType: 'sanity.action.document.teleport'}], 'unknown action type'),
  action(['x'], 'action as a string'),
  action(
    [{actionType: 'sanity.action.document.publish', draftId: 'drafts.none', publishedId: 'none'}],
    'publish a missing draft',
    409,
  ),
  action(
    [
      {
        actionType: 'sanity.action.document.create',
        publishedId: 'drafts.x',
        attributes: {_type: 't'},
      },
    ],
    'create with a draft id as publishedId',
  ),
  action(
    [{actionType: 'sanity.action.document.delete', publishedId: 'a b'}],
    'delete action with an invalid id',
  ),

  // ------------------------------------------------------------ key-value state
  {
    name: 'key-value pair without key',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: json([{value: 1}]),
    status: 400,
    shape: 'gateway',
  },
  {
    name: 'key-value with a numeric key',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: json([{key: 1, value: 1}]),
    status: 400,
    shape: 'gateway',
  },
  {
    name: 'key-value as a string',
    method: 'PUT',
    path: '/v2025-02-19/users/me/keyvalue',
    body: '"x"',
    status: 400,
    shape: 'gateway',
  },

  // ------------------------------------------------------------ login
  login({origin: STUDIO, name: 'Eve', role: 'administrator'}, 'login without a code', 403),
  login(
    {origin: STUDIO, name: 'Eve', role: 'administrator', code: 'guess'},
    'login with a wrong code',
    403,
  ),
  login(
    {origin: 'https://evil.example/', name: 'Eve', role: 'editor'},
    'login to a foreign origin',
    400,
  ),
  login({origin: STUDIO, name: ' ', role: 'editor'}, 'login without a name', 400),
  login({origin: STUDIO, name: 'Eve', role: 'king'}, 'login with an unknown role', 400),
]

let lake: TestLake
const tokens: Partial<Record<Who, string>> = {}

beforeAll(async () => {
  lake = await startTestLake()
  tokens.admin = lake.adminToken
  tokens.viewer = lake.createToken('viewer')
  tokens.editor = lake.createToken('editor')
  tokens.unknown = 'skNOTATOKEN'
  await lake.client().datasets.create('bad')
  await lake.client({dataset: 'bad'}).create({_id: 'seed', _type: 't', title: 'frö', a: [1]})
  await lake.client({dataset: 'bad'}).assets.upload('image', Buffer.from(stored))
})
afterAll(async () => {
  await lake.stop()
})

/** Everything a bad request could have written. */
function snapshot(): string {
  const {db} = lake.server.storage
  const count = (table: string) => Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n)
  const assets = join(lake.dataDir, 'assets')
  const files = existsSync(assets) ? readdirSync(assets, {recursive: true}).length : 0
  return JSON.stringify({
    datasets: db.prepare('SELECT name, acl_mode FROM datasets ORDER BY name').all(),
    documents: count('documents'),
    transactions: count('transactions'),
    tokens: count('tokens'),
    keyvalue: count('studio_keyvalue'),
    files,
  })
}

function expectShape(shape: Shape, status: number, text: string): void {
  if (shape === 'html') {
    expect(text).toContain('<html lang="sv">')
    return
  }
  const body = JSON.parse(text)
  if (shape === 'gateway') {
    expect(body).toMatchObject({
      statusCode: status,
      error: expect.any(String),
      message: expect.any(String),
    })
  } else if (shape === 'dataset') {
    expect(body).toEqual({
      error: 'Dataset not found',
      message: expect.stringMatching(/^Dataset ".*" not found for project ID ".*"$/),
    })
  } else {
    expect(body.error).toMatchObject({type: expect.any(String), description: expect.any(String)})
    if (shape === 'mutation') expect(body.error.type).toBe('mutationError')
  }
}

describe('bad input corpus', () => {
  it('has at least 150 cases with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150)
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length)
  })

  for (const c of CASES) {
    it(`${c.name} → ${c.status}`, async () => {
      const before = snapshot()
      const who = c.who ?? 'admin'
      const res = await fetch(`${lake.url}${c.path}`, {
        method: c.method ?? 'GET',
        headers: {
          'content-type': c.contentType ?? 'application/json',
          ...(tokens[who] ? {authorization: `Bearer ${tokens[who]}`} : {}),
          ...c.headers,
        },
        body: c.body as BodyInit | undefined,
        redirect: 'manual',
      })
      const text = await res.text()
      expect(res.status, text.slice(0, 300)).toBe(c.status)
      expectShape(c.shape, c.status, text)
      expect(snapshot()).toBe(before)
      const ping = await fetch(`${lake.url}/v1/ping`)
      expect(ping.status).toBe(200)
    })
  }

  it('logged no 500', () => {
    expect(lake.logs.filter((line) => line.includes(' 500 '))).toEqual([])
  })
})
