export { fromBase64Url, toBase64Url } from './base64url.ts';
export { equalInConstantTime } from './constant-time.ts';
export {
  isVideoId,
  PLAYBACK_TOKEN_PARAMS,
  type PlaybackClaims,
  type PlaybackKey,
  PlaybackTokenError,
  type PlaybackTokenRejection,
  type PlaybackTokenVerdict,
  parsePlaybackKeys,
  playbackScope,
  signPlaybackToken,
  verifyPlaybackToken,
} from './playback-token.ts';
export {
  createPresigner,
  PresignError,
  type PresignErrorReason,
  type Presigner,
  type PresignerConfig,
  PresignerConfigError,
  type PresignOptions,
  type PresignTarget,
} from './presigner.ts';
export {
  createUploadPartPresigner,
  MAX_PART_NUMBER,
  type UploadPartPresigner,
} from './upload-part.ts';
export {
  type PresignedUrlRejection,
  type PresignedUrlVerdict,
  type VerifyPresignedUrlOptions,
  verifyPresignedUrl,
} from './verify.ts';
