/** S3's error replies: `<Error><Code/><Message/>...<RequestId/></Error>` with the code's HTTP status. */

/** An error S3 answers with; `details` become extra elements (`Key`, `BucketName`, `ActualObjectSize`...). */
export class S3Error extends Error {
  override readonly name = 'S3Error'
  readonly code: string
  readonly status: number
  readonly details: Readonly<Record<string, string | number>>

  constructor(code: string, message: string, status: number, details: Record<string, string | number> = {}) {
    super(message)
    this.code = code
    this.status = status
    this.details = details
  }
}

/** Builders for the errors this server answers, with S3's codes, statuses and messages. */
export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string) =>
    new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      404,
      { UploadId: uploadId },
    ),
  invalidPart: () =>
    new S3Error(
      'InvalidPart',
      "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      400,
    ),
  invalidPartOrder: () =>
    new S3Error(
      'InvalidPartOrder',
      'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      400,
    ),
  entityTooSmall: () =>
    new S3Error(
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed object size.',
      400,
    ),
  bucketNotEmpty: (bucket: string) =>
    new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket }),
  invalidBucketName: (bucket: string) =>
    new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error('InvalidArgument', message, 400, {
      ...(name === undefined ? {} : { ArgumentName: name }),
      ...(value === undefined ? {} : { ArgumentValue: value }),
    }),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', message, 400),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    ),
  invalidRange: (size: number, range: string) =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: range,
      ActualObjectSize: size,
    }),
  badDigest: () =>
    new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400),
  invalidDigest: () => new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400),
  checksumMismatch: (algorithm: string) =>
    new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, 400),
  sha256Mismatch: (client: string, computed: string) =>
    new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      { ClientComputedContentSHA256: client, S3ComputedContentSHA256: computed },
    ),
  incompleteBody: () =>
    new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
    ),
  entityTooLarge: (max: number) =>
    new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      MaxSizeAllowed: max,
    }),
  preconditionFailed: (condition: string) =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: condition,
    }),
  notImplemented: (operation: string) =>
    new S3Error(
      'NotImplemented',
      `redshift-local does not implement the S3 operation ${operation}. It implements ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, ListObjects(V2), GetObject, HeadObject, PutObject, CopyObject, DeleteObject, DeleteObjects and multipart uploads.`,
      501,
      { Operation: operation },
    ),
  accessDenied: (message = 'Access Denied') => new S3Error('AccessDenied', message, 403),
  signatureDoesNotMatch: (message: string) => new S3Error('SignatureDoesNotMatch', message, 403),
  internal: () => new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
}
