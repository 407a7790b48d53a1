import {defineCliConfig} from 'sanity/cli'

import {resolveStudioApiTarget} from './studio/apiTarget.ts'

const target = resolveStudioApiTarget(process.env)

export default defineCliConfig({
  api: {projectId: target.projectId, dataset: target.dataset},
  deployment: {autoUpdates: false},
  typegen: {
    path: ['./delivery/**/*.{ts,tsx}', './schemas/**/*.ts', './studio/**/*.{ts,tsx}'],
    schema: './schema.json',
    generates: './sanity.types.ts',
  },
})
