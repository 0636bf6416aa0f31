declare const __VIEWER_API_BASE__: string;
declare const __VIDEO_API_BASE__: string;

/** The two API bases, fixed at build time (see vite.config.ts). */
export const config = {
  viewerApiBase: __VIEWER_API_BASE__,
  videoApiBase: __VIDEO_API_BASE__,
} as const;
