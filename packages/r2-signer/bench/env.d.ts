// The one binding the workerd bench uses. This package is a library with no
// wrangler.jsonc, so instead of generated runtime types it declares just that.
declare module 'cloudflare:workers' {
  export const env: {
    /** The reference-design baseline's cache of signed URLs (bench only). */
    SIGNED_URLS: {
      get(key: string): Promise<string | null>;
      put(key: string, value: string): Promise<void>;
    };
  };
}
