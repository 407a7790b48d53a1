import type {TestLake} from '../../testkit/lake.ts'
/** Published and draft posts and an author, with a weak reference to a draft (query fixtures). */
export async function seedPosts(lake: TestLake, dataset: string) {
  const client = lake.client({dataset})
  await client
    .transaction()
    .create({_id: 'author-1', _type: 'author', name: 'Published author'})
    .create({_id: 'drafts.author-1', _type: 'author', name: 'Draft author'})
    .create({
      _id: 'post-1',
      _type: 'post',
      title: 'Published post',
      slug: {current: 'post-1'},
      author: {_type: 'reference', _ref: 'author-1'},
    })
    .create({
      _id: 'drafts.post-1',
      _type: 'post',
      title: 'Draft post',
      slug: {current: 'post-1'},
      author: {_type: 'reference', _ref: 'author-1'},
    })
    .create({_id: 'drafts.post-2', _type: 'post', title: 'Only a draft'})
    .create({
      _id: 'post-3',
      _type: 'post',
      title: 'Points at a draft',
      hidden: {_type: 'reference', _ref: 'drafts.post-2', _weak: true},
    })
    .commit()
  return client
}
