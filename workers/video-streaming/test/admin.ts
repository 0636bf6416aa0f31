// The admin API and the rollouts the tests publish through it.
import type { TestWorker } from './worker.ts';

export const ADMIN_TOKEN = 'test-admin-token';

export const adminHeaders = (token = ADMIN_TOKEN): HeadersInit => ({
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
});

/** Publishes a config through the admin API; fails the test unless it is accepted. */
export async function publishConfig(worker: TestWorker, document: unknown): Promise<string> {
  const response = await worker.fetch('/admin/config', {
    method: 'PUT',
    headers: adminHeaders(),
    body: JSON.stringify(document),
  });
  if (response.status !== 201) {
    throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { version: string }).version;
}

/** A rollout where bucket 0 presigns, 40 gets token URLs and 80 the public base. */
export const ALL_STRATEGIES = {
  rollout: { presign: 34, token: 33, public: 33 },
  publicBase: 'https://media.example.com',
};
export const BUCKET = { presign: 0, token: 40, public: 80 } as const;
