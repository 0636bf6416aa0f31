-- Guest uploads in flight. The API's uploadId is `id`; the R2 multipart upload it stands
-- for is (original_key, r2_upload_id), which the binding needs to resume it. A row also
-- counts towards its uploader's hourly rate and daily bytes, and an open one older than a
-- day is aborted at the next upload (R2's lifecycle rule does the same for the bytes).
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  -- The uploader (the media row's uploaded_by once completed).
  uploaded_by TEXT NOT NULL,
  r2_upload_id TEXT NOT NULL,
  original_key TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
  size INTEGER NOT NULL,
  part_size INTEGER NOT NULL,
  part_count INTEGER NOT NULL,
  -- Unix seconds.
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'completed', 'aborted', 'refused'))
);

-- The hourly rate and the daily bytes of one uploader.
CREATE INDEX uploads_uploaded_by_created_at ON uploads (uploaded_by, created_at);
-- Open uploads past their day, oldest first.
CREATE INDEX uploads_open_created_at ON uploads (created_at) WHERE state = 'open';
