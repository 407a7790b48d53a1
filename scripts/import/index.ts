/**
 * The interview importer as a library: the CLI (`npm run import`) and the demo content use the
 * same functions. Pass your own `@sanity/client` instance.
 */
export {InterviewParseError, type ParseWarning} from './errors.ts'
export {
  importFiles,
  importInterview,
  planMutations,
  type ChangeAction,
  type DocumentChange,
  type FileResult,
  type ImportOptions,
  type ImportSummary,
} from './importInterviews.ts'
export {
  parseInterview,
  type ParsedInterview,
  type ParsedPerson,
  type ParsedQuestion,
} from './parseInterview.ts'
export {markdownToBlocks, type PortableTextBlock} from './portableText.ts'
export {slugify} from './slug.ts'
export {
  ASSOCIATION,
  cityFromOrganizationName,
  interviewTitle,
  toDocuments,
  type PlannedDocument,
} from './toDocuments.ts'
