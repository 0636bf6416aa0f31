export { isNotModified, type Validators } from './conditional.ts';
export { contentTypeFor } from './content-type.ts';
export { type Cors, type CorsOptions, cors } from './cors.ts';
export { EnvError, parseEnv } from './env.ts';
export { jsonError } from './json-error.ts';
export { checkObjectKey, MAX_OBJECT_KEY_BYTES, type ObjectKeyProblem } from './object-key.ts';
export { type ByteRange, parseRange } from './range.ts';
export { type ServeObjectOptions, serveObject } from './serve-object.ts';
