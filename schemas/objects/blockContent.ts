import {defineArrayMember, defineField, defineType} from 'sanity'

/** Schemes editors may link to: web pages and e-mail addresses. */
export const LINK_SCHEMES = ['http', 'https', 'mailto'] as const

export const LINK_HREF_MESSAGE =
  'Ange en fullständig länk som börjar med https://, http:// eller mailto:.'

/**
 * Rich text used for biographies, interview answers and fact sheets. Deliberately small: what the
 * reference site can render well, and nothing that invites layout work inside the text.
 */
export const blockContent = defineType({
  name: 'blockContent',
  title: 'Formaterad text',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [
        {title: 'Normal', value: 'normal'},
        {title: 'Rubrik 2', value: 'h2'},
        {title: 'Rubrik 3', value: 'h3'},
        {title: 'Rubrik 4', value: 'h4'},
        {title: 'Citat', value: 'blockquote'},
      ],
      lists: [
        {title: 'Punktlista', value: 'bullet'},
        {title: 'Numrerad lista', value: 'number'},
      ],
      marks: {
        decorators: [
          {title: 'Fetstil', value: 'strong'},
          {title: 'Kursiv', value: 'em'},
        ],
        annotations: [
          defineArrayMember({
            name: 'link',
            title: 'Länk',
            type: 'object',
            fields: [
              defineField({
                name: 'href',
                title: 'Adress',
                description: 'T.ex. https://www.svenskastadskarnor.se eller mailto:namn@exempel.se',
                type: 'url',
                validation: (rule) => [
                  rule.required().error('Ange en adress för länken.'),
                  rule.uri({scheme: [...LINK_SCHEMES]}).error(LINK_HREF_MESSAGE),
                ],
              }),
            ],
          }),
        ],
      },
    }),
  ],
})
