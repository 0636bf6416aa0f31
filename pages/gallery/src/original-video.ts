import type { MediaItem } from './api.ts';
import { el } from './element.ts';
import { describeItem } from './format.ts';

/**
 * A video without an HLS ladder yet (a guest's, approved, before `gallery process`): the
 * browser plays its original with Range requests, the poster the guest's browser made.
 */
export function originalVideo(item: MediaItem): HTMLElement {
  const video = el('video', {
    class: 'stage-video',
    controls: true,
    playsinline: true,
    preload: 'metadata',
    poster: item.thumbnailUrl,
    src: item.fileUrl,
    'aria-label': describeItem(item),
    'data-testid': 'original-video',
  });
  return el('div', { class: 'stage-frame', 'data-state': 'ready' }, video);
}
