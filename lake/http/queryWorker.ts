/**
 * The lake's query worker script (lake/groq/pool.ts starts it; see lake/groq/workerLoop.ts):
 * besides the result, a `/data/query` response may carry a Content Source Map
 * (lake/groq/sourceMaps.ts) and sync tags (lake/realtime/liveTags.ts), both computed here next
 * to the evaluation, from the same documents, within the query's time limit.
 */
import {resultSourceMap} from '../groq/sourceMaps.ts'
import {serveQueries} from '../groq/workerLoop.ts'
import {queryTags, trackReads} from '../realtime/liveTags.ts'

serveQueries((context, source) => {
  const {dataset, query, params, options, extras} = context
  const reads = extras.syncTags ? trackReads(source) : null
  return {
    source: reads ? reads.source : source,
    extra(result) {
      let out = ''
      if (extras.sourceMap) {
        const map = resultSourceMap(source, query, params, options, result, extras.sourceMap)
        out += `,"resultSourceMap":${JSON.stringify(map)}`
      }
      if (reads)
        out += `,"syncTags":${JSON.stringify(queryTags(dataset, query, params, reads.reads))}`
      return out
    },
  }
})
