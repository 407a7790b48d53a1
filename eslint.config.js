import studio from '@sanity/eslint-config-studio'

export default [
  {ignores: ['node_modules/', 'dist/', '.sanity/', '.lake/', 'coverage/', 'sanity.types.ts']},
  ...studio,
]
