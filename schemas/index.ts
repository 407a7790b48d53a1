import {award} from './documents/award.ts'
import {city} from './documents/city.ts'
import {interview} from './documents/interview.ts'
import {organization} from './documents/organization.ts'
import {person} from './documents/person.ts'
import {qmCertification} from './documents/qmCertification.ts'
import {qmFactSheet} from './documents/qmFactSheet.ts'
import {awardFinalist} from './objects/awardFinalist.ts'
import {blockContent} from './objects/blockContent.ts'
import {keyFact} from './objects/keyFact.ts'
import {pullQuote} from './objects/pullQuote.ts'
import {qaPair} from './objects/qaPair.ts'
import {qmAttachment} from './objects/qmAttachment.ts'
import {qmCriterion} from './objects/qmCriterion.ts'
import {seo} from './objects/seo.ts'

export const documentTypes = [
  interview,
  person,
  organization,
  city,
  qmCertification,
  qmFactSheet,
  award,
]

export const objectTypes = [
  blockContent,
  qaPair,
  keyFact,
  pullQuote,
  qmCriterion,
  qmAttachment,
  awardFinalist,
  seo,
]

export const schemaTypes = [...documentTypes, ...objectTypes]
