-- A download names the file after its media's title, looked up by the original's key.
CREATE INDEX media_original_key ON media (original_key);
