import {defineField} from 'sanity'

interface ImageWithAltOptions {
  name: string
  title: string
  description?: string
  group?: string
  /** Logos are shown whole, so cropping them around a hotspot makes little sense. */
  hotspot?: boolean
}

/** Message shown when an image has been uploaded but lacks alternative text. */
export const ALT_TEXT_REQUIRED_MESSAGE =
  'Alternativtext krävs när en bild är vald: beskriv kort vad bilden visar.'

/**
 * An image field with an `alt` text that must be filled in as soon as an image is set, so images
 * stay accessible on the site. The value stays a plain `image` (no custom object type) so
 * importers and queries can treat all images the same way.
 */
export function imageWithAltField({
  name,
  title,
  description,
  group,
  hotspot = true,
}: ImageWithAltOptions) {
  return defineField({
    name,
    title,
    description,
    group,
    type: 'image',
    options: {hotspot},
    fields: [
      defineField({
        name: 'alt',
        title: 'Alternativtext',
        description: 'Beskriver bilden för den som inte kan se den, t.ex. med skärmläsare.',
        type: 'string',
        validation: (rule) =>
          rule.custom((alt, context) => {
            const image = context.parent as {asset?: unknown} | undefined
            if (!image?.asset) return true
            return typeof alt === 'string' && alt.trim().length > 0
              ? true
              : ALT_TEXT_REQUIRED_MESSAGE
          }),
      }),
    ],
  })
}
