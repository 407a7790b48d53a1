import {svSELocale} from '@sanity/locale-sv-se'
import {visionTool} from '@sanity/vision'
import {defineConfig} from 'sanity'
import {structureTool} from 'sanity/structure'

import {schemaTypes} from './schemas/index.ts'
import {CreateRevisionAction} from './studio/actions/createRevisionAction.ts'
import {resolveStudioApiTarget} from './studio/apiTarget.ts'
import {sitePresentation} from './studio/presentation/plugin.ts'
import {structure} from './studio/structure.ts'

// Each variable is named in full: the Studio build (Vite) replaces `process.env.SANITY_STUDIO_X`
// member expressions only, so passing `process.env` itself would bake in an empty object.
const target = resolveStudioApiTarget({
  SANITY_STUDIO_API_HOST: process.env.SANITY_STUDIO_API_HOST,
  SANITY_STUDIO_PROJECT_ID: process.env.SANITY_STUDIO_PROJECT_ID,
  SANITY_STUDIO_DATASET: process.env.SANITY_STUDIO_DATASET,
})

/** Options that only apply against the local lake: its login provider, and hosted-only features off. */
const localLakeOptions = target.isLocal
  ? {
      apiHost: target.apiHost,
      auth: {
        loginMethod: 'token' as const,
        redirectOnSingle: true,
        providers: [
          {
            name: 'local',
            title: 'Lokal Content Lake',
            url: `${target.apiHost}/v1/auth/login/local`,
          },
        ],
      },
      // Search keeps Sanity's default strategy (groq2024): the lake evaluates its text::query(),
      // score() and boost() (lake/groq/textQuery.ts).
      tasks: {enabled: false},
      // Content releases and scheduled drafts run on the lake (lake/write/releases.ts); the legacy
      // scheduled-publishing plugin needs Sanity's hosted /schedules API.
      releases: {enabled: true},
      scheduledDrafts: {enabled: true},
      scheduledPublishing: {enabled: false},
      announcements: {enabled: false},
      mediaLibrary: {enabled: false},
      apps: {canvas: {enabled: false}},
      beta: {eventsAPI: {documents: false, releases: true}},
    }
  : {}

export default defineConfig({
  name: 'default',
  title: 'Stadskärna CMS',
  projectId: target.projectId,
  dataset: target.dataset,
  ...localLakeOptions,
  document: {
    ...(target.isLocal ? {comments: {enabled: false}, askToEdit: {enabled: false}} : {}),
    actions: (actions, context) =>
      context.schemaType === 'qmCertification' ? [...actions, CreateRevisionAction] : actions,
  },
  plugins: [
    structureTool({structure, title: 'Innehåll'}),
    sitePresentation(process.env.SANITY_STUDIO_PREVIEW_URL),
    visionTool({title: 'GROQ', defaultApiVersion: '2025-02-19'}),
    svSELocale(),
  ],
  schema: {types: schemaTypes},
})
