/**
 * Tracing for the Studio browser test: every listener the Studio opens on the lake with each event
 * it is sent (revision chain, transaction position), and every request and console message of each
 * page, with millisecond timestamps. When a step fails the test prints the tail of the writes,
 * events and errors, so a failure in CI shows which request or event went missing; set
 * STUDIO_E2E_TRACE=<file> to keep the whole trace.
 */
import {writeFileSync} from 'node:fs'
import type {Page} from 'playwright-core'
import type {LakeServer} from '../../lake/http/server.ts'

export class StudioTrace {
  readonly #lines: string[] = []

  #push(line: string) {
    this.#lines.push(`${Date.now()} ${line}`)
  }

  /** Records the lake's listener subscriptions and the events delivered to each. */
  watchLake(lake: LakeServer): void {
    const subscribe = lake.hub.subscribe.bind(lake.hub)
    lake.hub.subscribe = (spec, deliver, filter) => {
      this.#push(`listen ${spec.query} ${JSON.stringify(spec.params)}`)
      const query = spec.query.slice(0, 40)
      return subscribe(
        spec,
        (event) => {
          this.#push(
            `event [${query}] ${event.documentId} ${event.previousRev}->${event.resultRev} ` +
              `${event.transition} ${event.transactionCurrentEvent}/${event.transactionTotalEvents} ` +
              JSON.stringify(event.mutations).slice(0, 300),
          )
          deliver(event)
        },
        filter,
      )
    }
  }

  /** Records a step of the test itself (e.g. a click), so the trace shows what came after it. */
  mark(step: string): void {
    this.#push(`test: ${step}`)
  }

  /** Records a page's finished requests (with request bodies) and console messages. */
  watchPage(page: Page, name: string): void {
    page.on('console', (message) =>
      this.#push(`${name} console.${message.type()} ${message.text().slice(0, 500)}`),
    )
    page.on('requestfinished', (request) => {
      void request
        .response()
        .catch(() => null)
        .then((response) =>
          this.#push(
            `${name} ${request.method()} ${request.url().slice(0, 300)} ${response?.status()} ` +
              (request.postData() ?? '').slice(0, 400),
          ),
        )
    })
  }

  /** Writes the whole trace to `file`, and a screenshot of `page` beside it. */
  async save(file: string, page?: Page): Promise<void> {
    writeFileSync(file, this.#lines.join('\n'))
    await page?.screenshot({path: `${file}.png`}).catch(() => undefined)
  }

  /** The last `count` lines about writes, listener events and page errors (not reads or noise). */
  tail(count: number): string {
    const interesting = this.#lines.filter(
      (line) =>
        / (POST|PUT|DELETE) /.test(line) ||
        / event \[/.test(line) ||
        / test: /.test(line) ||
        /findability-source%3A\+global/.test(line) ||
        / GET \S+ [45]\d\d /.test(line) ||
        (/ console\.error /.test(line) &&
          !/ERR_NAME_NOT_RESOLVED|WebSocket|Failed to fetch/.test(line)),
    )
    return interesting.slice(-count).join('\n')
  }
}
