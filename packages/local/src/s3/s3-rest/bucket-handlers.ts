/** ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation. */
import { BucketNotEmptyError, isValidBucketName } from '../object-store.js'
import {
  bucketOf,
  ownerOf,
  readSmallBody,
  requireBucket,
  type S3Call,
  type S3Deps,
  type S3Reply,
  xmlReply,
} from './s3-context.js'
import { S3Error, s3Errors } from './s3-error.js'
import { parseXmlRequest, text, XmlList } from './s3-xml.js'

export async function listBuckets(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const prefix = call.target.query.get('prefix') ?? ''
  const names = (await deps.store.buckets()).filter((n) => n.startsWith(prefix)).sort()
  const buckets = []
  for (const name of names) {
    const created = await deps.store.bucketCreated(name)
    if (created !== undefined) buckets.push({ Name: name, CreationDate: created, BucketRegion: deps.region })
  }
  return xmlReply('ListAllMyBucketsResult', {
    Owner: ownerOf(deps),
    Buckets: new XmlList('Bucket', buckets),
    ...(prefix === '' ? {} : { Prefix: prefix }),
  })
}

export async function createBucket(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  if (!isValidBucketName(bucket)) throw s3Errors.invalidBucketName(bucket)
  const body = await readSmallBody(call)
  if (body.length > 0) {
    const config = parseXmlRequest(body, 'CreateBucketConfiguration')
    const location = text(config, 'LocationConstraint')
    if (location !== undefined && location !== '' && location !== deps.region) {
      throw new S3Error(
        'IllegalLocationConstraintException',
        `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to (${deps.region}).`,
        400,
      )
    }
  }
  const created = await deps.store.createBucket(bucket)
  // us-east-1 answers 200 to its owner re-creating a bucket; every other region 409.
  if (!created && deps.region !== 'us-east-1') {
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    )
  }
  deps.log(`[s3] CreateBucket ${bucket}`)
  return { status: 200, headers: { location: `/${bucket}` } }
}

export async function deleteBucket(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  const bucket = bucketOf(call)
  await requireBucket(deps, bucket)
  try {
    await deps.store.deleteBucket(bucket)
  } catch (error) {
    if (error instanceof BucketNotEmptyError) throw s3Errors.bucketNotEmpty(bucket)
    throw error
  }
  for (const upload of await deps.uploads.list(bucket)) await deps.uploads.abort(upload)
  deps.log(`[s3] DeleteBucket ${bucket}`)
  return { status: 204, headers: {} }
}

export async function headBucket(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  await requireBucket(deps, bucketOf(call))
  return { status: 200, headers: { 'x-amz-bucket-region': deps.region } }
}

export async function getBucketLocation(deps: S3Deps, call: S3Call): Promise<S3Reply> {
  await requireBucket(deps, bucketOf(call))
  // us-east-1 is reported as an empty constraint, as S3 does.
  return xmlReply('LocationConstraint', deps.region === 'us-east-1' ? '' : deps.region)
}
