-- The gallery's media, one row per photo or video (DESIGN.md "Data": keep the column names).
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
  title TEXT,
  -- ISO 8601 UTC as Date#toISOString writes it ('2024-06-01T14:03:00.000Z'): with one
  -- fixed format, text order is time order, which the keyset pagination relies on.
  taken_at TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  original_key TEXT NOT NULL,
  thumbnail_key TEXT NOT NULL,
  video_id TEXT,
  duration_sec REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Keyset pagination: WHERE (taken_at, id) > (?, ?) ORDER BY taken_at, id.
CREATE INDEX media_taken_at_id ON media (taken_at, id);
-- The same walk filtered by kind (?kind=image|video) without scanning the other kind.
CREATE INDEX media_kind_taken_at_id ON media (kind, taken_at, id);
-- Playback tokens are issued only for a video that exists.
CREATE INDEX media_video_id ON media (video_id) WHERE video_id IS NOT NULL;
