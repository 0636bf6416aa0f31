-- Renditions of real camera media (display preview, a high-DPR thumbnail, a Live Photo's
-- motion clip) and the review states of guest uploads. Old rows keep working: a row
-- without a preview is shown from its original, one without an HD thumbnail from the
-- one it has, and every row that existed before is listed.
ALTER TABLE media ADD COLUMN preview_key TEXT;
ALTER TABLE media ADD COLUMN thumbnail_hd_key TEXT;
ALTER TABLE media ADD COLUMN motion_key TEXT;
-- listed: every signed-in visitor sees it; pending: a guest upload waiting for the owner
-- (seen by the owner and by the guest who sent it); hidden: the owner took it down.
ALTER TABLE media ADD COLUMN state TEXT NOT NULL DEFAULT 'listed'
  CHECK (state IN ('listed', 'pending', 'hidden'));
-- Who sent a guest upload (the device id of its session); NULL for imported media.
ALTER TABLE media ADD COLUMN uploaded_by TEXT;

-- Guests only ever walk listed rows: the keyset walks lead with the state.
DROP INDEX media_taken_at_id;
DROP INDEX media_kind_taken_at_id;
CREATE INDEX media_state_taken_at_id ON media (state, taken_at, id);
CREATE INDEX media_state_kind_taken_at_id ON media (state, kind, taken_at, id);
-- A guest's own pending uploads.
CREATE INDEX media_uploaded_by ON media (uploaded_by, state) WHERE uploaded_by IS NOT NULL;
