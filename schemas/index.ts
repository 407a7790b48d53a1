import {city} from './documents/city.ts'
import {interview} from './documents/interview.ts'
import {organization} from './documents/organization.ts'
import {person} from './documents/person.ts'
import {qmCertification} from './documents/qmCertification.ts'
import {qmFactSheet} from './documents/qmFactSheet.ts'
import {blockContent} from './objects/blockContent.ts'
import {keyFact} from './objects/keyFact.ts'
import {pullQuote} from './objects/pullQuote.ts'
import {qaPair} from './objects/qaPair.ts'
import {qmCriterion} from './objects/qmCriterion.ts'
import {seo} from './objects/seo.ts'

export const documentTypes = [interview, person, organization, city, qmCertification, qmFactSheet]

export const objectTypes = [blockContent, qaPair, keyFact, pullQuote, qmCriterion, seo]

export const schemaTypes = [...documentTypes, ...objectTypes]
