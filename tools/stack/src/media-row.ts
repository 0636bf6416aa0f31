// The viewer owns the `media` table's row type; the tools write rows through it.
export {
  MEDIA_COLUMNS,
  type MediaRow,
  type MediaState,
  mediaInsert,
  mediaRow,
} from '@edge-gallery/viewer/media-row';
