/**
 * Typed reads for sites: one function per page-level query, with the parameters each query needs
 * (the QM status parameters computed for `asOf`, pagination bounds). Result types are the ones
 * `npm run typegen` generates from delivery/queries.ts.
 */
import type {SanityClient} from '@sanity/client'

import {qmStatusQueryParams, type QmStatusQueryParams} from '../domain/qmStatus.ts'
import type {
  AwardListQueryResult,
  AwardQueryResult,
  CertifiedCountiesQueryResult,
  CertifiedOrganizationsQueryResult,
  CityBySlugQueryResult,
  FactSheetQueryResult,
  HomePageQueryResult,
  InterviewBySlugQueryResult,
  InterviewListQueryResult,
  OrganizationBySlugQueryResult,
  PersonBySlugQueryResult,
} from '../sanity.types.ts'
import {
  awardListQuery,
  awardQuery,
  certifiedCountiesQuery,
  certifiedOrganizationsQuery,
  cityBySlugQuery,
  factSheetQuery,
  homePageQuery,
  interviewBySlugQuery,
  interviewListQuery,
  organizationBySlugQuery,
  personBySlugQuery,
} from './queries.ts'

export type {
  AwardListQueryResult,
  AwardQueryResult,
  CertifiedCountiesQueryResult,
  CertifiedOrganizationsQueryResult,
  CityBySlugQueryResult,
  FactSheetQueryResult,
  HomePageQueryResult,
  InterviewBySlugQueryResult,
  InterviewListQueryResult,
  OrganizationBySlugQueryResult,
  PersonBySlugQueryResult,
}

type Client = Pick<SanityClient, 'fetch'>

export interface AsOfOption {
  /** The day QM statuses are computed for; default today (in Sweden). */
  asOf?: string | Date
}

/** Parameters for the QM status in queries, as of `asOf` (default: now). */
export function statusParams(asOf: string | Date = new Date()): QmStatusQueryParams {
  return qmStatusQueryParams(asOf)
}

export function getInterview(
  client: Client,
  slug: string,
  options: AsOfOption = {},
): Promise<InterviewBySlugQueryResult> {
  return client.fetch(interviewBySlugQuery, {slug, ...statusParams(options.asOf)})
}

export interface PageOptions {
  /** 1-based page number. */
  page?: number
  pageSize?: number
}

export interface InterviewPage {
  items: InterviewListQueryResult['items']
  total: number
  page: number
  pageCount: number
}

export const DEFAULT_PAGE_SIZE = 10

/** `$start`/`$end` for a 1-based page. Invalid numbers fall back to page 1. */
export function pageRange(page = 1, pageSize = DEFAULT_PAGE_SIZE): {start: number; end: number} {
  const size =
    Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 100) : DEFAULT_PAGE_SIZE
  const number = Number.isInteger(page) && page > 0 ? page : 1
  return {start: (number - 1) * size, end: number * size}
}

export async function listInterviews(
  client: Client,
  options: PageOptions = {},
): Promise<InterviewPage> {
  const {start, end} = pageRange(options.page, options.pageSize)
  const size = end - start
  const result = await client.fetch(interviewListQuery, {start, end})
  return {
    items: result.items,
    total: result.total,
    page: start / size + 1,
    pageCount: Math.max(1, Math.ceil(result.total / size)),
  }
}

export function getCity(
  client: Client,
  slug: string,
  options: AsOfOption = {},
): Promise<CityBySlugQueryResult> {
  return client.fetch(cityBySlugQuery, {slug, ...statusParams(options.asOf)})
}

/**
 * The certified organisations with their latest certification's status; `county` (the county's
 * name as cities record it) narrows the list.
 */
export function getCertifiedOrganizations(
  client: Client,
  options: AsOfOption & {county?: string | null} = {},
): Promise<CertifiedOrganizationsQueryResult> {
  return client.fetch(certifiedOrganizationsQuery, {
    county: options.county ?? null,
    ...statusParams(options.asOf),
  })
}

/** The counties that certified organisations are in, sorted, for a county filter. */
export async function getCertifiedCounties(client: Client): Promise<string[]> {
  const counties: CertifiedCountiesQueryResult = await client.fetch(certifiedCountiesQuery)
  return counties.filter((county): county is string => typeof county === 'string')
}

export function getOrganization(
  client: Client,
  slug: string,
  options: AsOfOption = {},
): Promise<OrganizationBySlugQueryResult> {
  return client.fetch(organizationBySlugQuery, {slug, ...statusParams(options.asOf)})
}

/** Every award year, newest first: the award history. */
export function listAwards(client: Client): Promise<AwardListQueryResult> {
  return client.fetch(awardListQuery)
}

/** One award year, by kind (e.g. `aretsStadskarna`) and year. */
export function getAward(client: Client, kind: string, year: number): Promise<AwardQueryResult> {
  return client.fetch(awardQuery, {kind, year})
}

export function getHomePage(
  client: Client,
  options: AsOfOption & {limit?: number} = {},
): Promise<HomePageQueryResult> {
  return client.fetch(homePageQuery, {limit: options.limit ?? 6, ...statusParams(options.asOf)})
}

export function getFactSheet(client: Client): Promise<FactSheetQueryResult> {
  return client.fetch(factSheetQuery)
}

export function getPerson(client: Client, slug: string): Promise<PersonBySlugQueryResult> {
  return client.fetch(personBySlugQuery, {slug})
}
