declare const __VIDEO_API_BASE__: string;
declare const __GALLERY_NAME__: string;

/**
 * Fixed at build time from VIDEO_API_BASE and GALLERY_NAME (see vite.config.ts). The viewer
 * needs no setting: its routes are on the page's own origin.
 */
export const config = {
  videoApiBase: __VIDEO_API_BASE__,
  galleryName: __GALLERY_NAME__,
} as const;
