import type { TestProject } from 'vitest/node';
import { admin, liveConfig, logIn } from './context.ts';

// Once per run: one login shared by the suites (the viewer rate-limits logins), and the
// video worker's live config version, restored at the end whatever the suites switched.

declare module 'vitest' {
  export interface ProvidedContext {
    cookie: string;
    setCookie: string;
  }
}

export default async function setup(project: TestProject) {
  const { cookie, setCookie } = await logIn();
  project.provide('cookie', cookie);
  project.provide('setCookie', setCookie);
  const initial = await liveConfig();
  return async () => {
    const now = await liveConfig();
    if (initial.version !== null && now.version !== initial.version) {
      await admin('/admin/config/rollback', {
        method: 'POST',
        body: JSON.stringify({ version: initial.version }),
      });
    }
  };
}
