/**
 * The site's icon, drawn here: a rounded square in the site's accent colour with a white ring
 * around a white dot (a city centre on a map). Served as `/favicon.svg` for browsers that take
 * SVG icons and as `/favicon.ico` (one 32×32 32-bit image, rasterised below from the same shapes)
 * for everything that asks for the classic path.
 */

const SIZE = 32
const ACCENT = {r: 0x00, g: 0x5a, b: 0x6e}
const CORNER_RADIUS = 6
const DOT_RADIUS = 5
const RING_RADIUS = 11
const RING_WIDTH = 3

export const FAVICON_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}">` +
  `<rect width="${SIZE}" height="${SIZE}" rx="${CORNER_RADIUS}" fill="#005a6e"/>` +
  `<circle cx="16" cy="16" r="${RING_RADIUS}" fill="none" stroke="#fff" stroke-width="${RING_WIDTH}"/>` +
  `<circle cx="16" cy="16" r="${DOT_RADIUS}" fill="#fff"/>` +
  `</svg>`

type Paint = 'none' | 'accent' | 'white'

/** What covers the point (x, y) of the 32×32 canvas, topmost shape first. */
function paintAt(x: number, y: number): Paint {
  const distance = Math.hypot(x - SIZE / 2, y - SIZE / 2)
  if (distance <= DOT_RADIUS) return 'white'
  if (Math.abs(distance - RING_RADIUS) <= RING_WIDTH / 2) return 'white'
  // Inside the rounded square: outside the corner circles' reach counts as outside.
  const cx = Math.min(Math.max(x, CORNER_RADIUS), SIZE - CORNER_RADIUS)
  const cy = Math.min(Math.max(y, CORNER_RADIUS), SIZE - CORNER_RADIUS)
  return Math.hypot(x - cx, y - cy) <= CORNER_RADIUS ? 'accent' : 'none'
}

/** Straight (not premultiplied) BGRA of one pixel, averaged over 4×4 samples for smooth edges. */
function pixel(px: number, py: number): [number, number, number, number] {
  const samples = 4
  let r = 0
  let g = 0
  let b = 0
  let a = 0
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const paint = paintAt(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples)
      if (paint === 'none') continue
      const colour = paint === 'white' ? {r: 255, g: 255, b: 255} : ACCENT
      r += colour.r
      g += colour.g
      b += colour.b
      a += 1
    }
  }
  if (a === 0) return [0, 0, 0, 0]
  return [Math.round(b / a), Math.round(g / a), Math.round(r / a), Math.round((255 * a) / 16)]
}

/** The ICO file: ICONDIR, one ICONDIRENTRY, then a 32-bit BMP (bottom-up rows) and its AND mask. */
function renderIco(): Buffer {
  const headerBytes = 6 + 16
  const infoBytes = 40
  const pixelBytes = SIZE * SIZE * 4
  const maskBytes = SIZE * (Math.ceil(SIZE / 32) * 4)
  const imageBytes = infoBytes + pixelBytes + maskBytes
  const ico = Buffer.alloc(headerBytes + imageBytes)

  ico.writeUInt16LE(0, 0) // reserved
  ico.writeUInt16LE(1, 2) // type: icon
  ico.writeUInt16LE(1, 4) // one image
  ico.writeUInt8(SIZE, 6)
  ico.writeUInt8(SIZE, 7)
  ico.writeUInt8(0, 8) // no palette
  ico.writeUInt8(0, 9)
  ico.writeUInt16LE(1, 10) // planes
  ico.writeUInt16LE(32, 12) // bits per pixel
  ico.writeUInt32LE(imageBytes, 14)
  ico.writeUInt32LE(headerBytes, 18)

  const info = headerBytes
  ico.writeUInt32LE(infoBytes, info)
  ico.writeInt32LE(SIZE, info + 4)
  ico.writeInt32LE(SIZE * 2, info + 8) // image and mask stacked, as ICO requires
  ico.writeUInt16LE(1, info + 12)
  ico.writeUInt16LE(32, info + 14)
  ico.writeUInt32LE(0, info + 16) // BI_RGB
  ico.writeUInt32LE(pixelBytes + maskBytes, info + 20)

  let offset = info + infoBytes
  for (let row = SIZE - 1; row >= 0; row--) {
    for (let column = 0; column < SIZE; column++) {
      for (const channel of pixel(column, row)) ico.writeUInt8(channel, offset++)
    }
  }
  // The AND mask stays all zero: the alpha channel says what is transparent.
  return ico
}

export const FAVICON_ICO: Buffer = renderIco()
