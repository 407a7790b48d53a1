/**
 * Headless Chromium for browser tests: the Debian Chromium (never a downloaded one), trusting the
 * lake's self-signed certificate by its SPKI fingerprint (studio-offline §4.4) rather than
 * `ignoreHTTPSErrors`, which would also disable HTTP caching for the lake's origin. Playwright
 * launches it with a fresh temporary `--user-data-dir`, which the SPKI flag needs.
 */
import {chromium, type Browser} from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export function launchChromium(options: {spki?: string[]} = {}): Promise<Browser> {
  const args = [...CHROMIUM_ARGS]
  if (options.spki?.length)
    args.push(`--ignore-certificate-errors-spki-list=${options.spki.join(',')}`)
  return chromium.launch({executablePath: CHROMIUM_PATH, args, headless: true})
}
