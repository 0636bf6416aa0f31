import type { PresignerConfig } from './presigner.ts';

/** Bad presigner config; `field` names the culprit. The message never holds a secret. */
export class PresignerConfigError extends Error {
  override readonly name = 'PresignerConfigError';
  readonly field: keyof PresignerConfig;
  // Plain fields, not parameter properties: Node's type stripping runs this file as is.
  constructor(field: keyof PresignerConfig, problem: string) {
    super(`presigner config: ${field} ${problem}`);
    this.field = field;
  }
}

export type PresignErrorReason =
  | 'empty-key'
  | 'dot-segment'
  | 'invalid-key'
  | 'key-too-long'
  | 'invalid-expires-in'
  | 'invalid-now'
  | 'invalid-query';

/** A key or option the presigner refuses to sign. */
export class PresignError extends Error {
  override readonly name = 'PresignError';
  readonly reason: PresignErrorReason;
  constructor(reason: PresignErrorReason, detail: string) {
    super(`presign: ${reason}: ${detail}`);
    this.reason = reason;
  }
}
