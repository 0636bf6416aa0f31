import {
  bindingFailure,
  bindingUnavailableResponse,
  EnvError,
  jsonError,
  type ObjectKeyProblem,
} from '@edge-gallery/http';

// Every reason code this worker answers with, and its status: the one place where the
// modules' failures become HTTP. Modules throw `new Failure(reason)`; the router's
// `catch` stage turns it into `{"error": reason}`.
const STATUS = {
  // The request names no safe object (checkObjectKey's reasons, plus the video id's).
  'bad-video-id': 400,
  'bad-path': 400,
  // The playback token (verified before anything else is read).
  'token-missing': 401,
  'token-malformed': 401,
  'token-unknown-key': 401,
  'token-bad-signature': 401,
  'token-expired': 401,
  'token-lifetime-exceeded': 401,
  'token-out-of-scope': 403,
  // Admin API.
  unauthorized: 401,
  'invalid-json': 400,
  'invalid-config': 400,
  'invalid-version': 400,
  'unknown-version': 404,
  'payload-too-large': 413,
  // What is (not) there.
  'unknown-video': 404,
  'not-found': 404,
  'method-not-allowed': 405,
  // Storage and KV, for this request only; nothing from a failure is cached.
  'bad-playlist': 502,
  'playlist-too-large': 502,
  'upstream-error': 502,
  'upstream-timeout': 504,
  'storage-unavailable': 503,
  'config-unavailable': 503,
  // Ours.
  misconfigured: 500,
  'internal-error': 500,
} as const satisfies Record<string, number>;

export type Reason = keyof typeof STATUS | ObjectKeyProblem;

/** A request that ends with `{"error": reason}`; the status comes from the table above. */
export class Failure extends Error {
  override readonly name = 'Failure';
  constructor(
    readonly reason: Reason,
    readonly headers?: HeadersInit,
  ) {
    super(reason);
  }
}

function statusOf(reason: Reason): number {
  return (STATUS as Record<string, number>)[reason] ?? 400;
}

/** The answer for anything a handler threw: a Failure as itself, the rest as a logged 500. */
export function failureResponse(error: unknown): Response {
  if (error instanceof Failure) {
    return jsonError(statusOf(error.reason), error.reason, error.headers);
  }
  const unavailable = bindingFailure(error);
  if (unavailable !== undefined) {
    // A binding call no module turned into its own reason: still the visitor's 503.
    console.error(`video-streaming: ${unavailable.message}`);
    return bindingUnavailableResponse(unavailable);
  }
  if (error instanceof EnvError) {
    // The message names each bad variable and never holds a value; it is for the owner's logs.
    console.error(`video-streaming: ${error.message}`);
    return jsonError(500, 'misconfigured');
  }
  // A name and message only: a stack or a cause could carry a header or a URL with a secret.
  console.error('video-streaming: unexpected error', describe(error));
  return jsonError(500, 'internal-error');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
