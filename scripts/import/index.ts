/**
 * The interview importer as a library: the CLI (`npm run import`) and the demo content use the
 * same functions. Pass your own `@sanity/client` instance.
 */
export {InterviewParseError, type ParseWarning} from './errors.ts'
export {readFrontMatter, type FrontMatter} from './frontMatter.ts'
export {
  importFiles,
  importInterview,
  parseFile,
  planMutations,
  type ChangeAction,
  type DocumentChange,
  type FileResult,
  type ImportOptions,
  type ImportSummary,
} from './importInterviews.ts'
export {markdownBlocks} from './markdownSource.ts'
export {
  parseInterview,
  recogniseInterview,
  type ParsedInterview,
  type ParsedPerson,
  type ParsedQuestion,
} from './parseInterview.ts'
export {toPortableText, type PortableTextBlock} from './portableText.ts'
export {slugify} from './slug.ts'
export type {SourceBlock, SourceImage} from './sourceBlocks.ts'
export {
  ASSOCIATION,
  cityFromOrganizationName,
  interviewTitle,
  toDocuments,
  type PlannedDocument,
} from './toDocuments.ts'
export {wordBlocks, WordReadError} from './wordSource.ts'
