/** Why one file was not imported. The import goes on; the summary lists these. */
export type ImportErrorReason =
  | 'unreadable'
  | 'corrupt'
  | 'heic-unsupported'
  | 'ffmpeg-missing'
  | 'transcode-failed'
  | 'upload-failed'
  /** Its objects are stored, but the D1 batch holding its row failed: not listed. */
  | 'row-not-written';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly reason: ImportErrorReason;
  constructor(reason: ImportErrorReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}
