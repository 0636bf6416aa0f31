export { type Answer, answerFor } from './answer.ts';
export * from './bounded-bindings.ts';
export type { Validators } from './conditional.ts';
export { contentTypeFor } from './content-type.ts';
export { type Cors, type CorsOptions, cors } from './cors.ts';
export { EnvError, parseEnv } from './env.ts';
export {
  AllowedOrigins,
  CommaList,
  Flag,
  HttpUrl,
  optional,
  PlaybackKeys,
  secret,
  wholeNumber,
  withDefault,
} from './env-variables.ts';
export { jsonError } from './json-error.ts';
export {
  checkObjectKey,
  encodeKey,
  type ObjectKeyProblem,
} from './object-key.ts';
export { type ByteRange, parseRange } from './range.ts';
export {
  hasS3Credentials,
  MAX_PRESIGN_TTL_SECONDS,
  S3_VARIABLES,
  type S3Location,
  type S3Settings,
  s3SettingsOf,
} from './s3-settings.ts';
export { serveBytes } from './serve-bytes.ts';
export { type ServeObjectOptions, serveObject } from './serve-object.ts';
