declare const __VIEWER_API_BASE__: string;
declare const __VIDEO_API_BASE__: string;
declare const __GALLERY_NAME__: string;

/** Fixed at build time from VIEWER_API_BASE, VIDEO_API_BASE and GALLERY_NAME (see vite.config.ts). */
export const config = {
  viewerApiBase: __VIEWER_API_BASE__,
  videoApiBase: __VIDEO_API_BASE__,
  galleryName: __GALLERY_NAME__,
} as const;
