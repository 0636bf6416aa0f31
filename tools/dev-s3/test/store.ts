// What the tests sign with: the key pair vitest.config.mts gives the worker, for its one
// bucket at the stack's address, and the page that may call it across origins.

export const ENDPOINT = 'http://localhost:8789';
export const SPA = 'http://localhost:5173';

export const CONFIG = {
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
  endpoint: ENDPOINT,
  bucket: 'edge-gallery-media',
  region: 'auto',
};
