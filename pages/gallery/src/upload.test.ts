import { describe, expect, it } from 'vitest';
import {
  type CreatedUpload,
  NetworkError,
  type PutBody,
  runUpload,
  type SavedUpload,
  type UploadApi,
  type UploadOptions,
  UploadRefused,
  type UploadStore,
} from './upload.ts';

const PART = 4;

function file(size: number): File {
  return new File([new Uint8Array(size).map((_, i) => i % 251)], 'clip.mp4', {
    type: 'video/mp4',
    lastModified: Date.UTC(2025, 5, 1),
  });
}

function memoryStore(): UploadStore & { saved: Map<string, SavedUpload> } {
  const saved = new Map<string, SavedUpload>();
  return {
    saved,
    put: async (upload) => {
      saved.set(upload.created.uploadId, structuredClone(upload));
    },
    delete: async (id) => {
      saved.delete(id);
    },
    all: async () => [...saved.values()],
  };
}

function fakeApi(size: number) {
  const completions: { partNumber: number; etag: string }[][] = [];
  const count = Math.ceil(size / PART);
  const api: UploadApi = {
    create: async () =>
      ({
        uploadId: 'u1',
        partSize: PART,
        parts: Array.from({ length: count }, (_, i) => ({
          partNumber: i + 1,
          url: `https://store.test/part/${i + 1}`,
        })),
        renditions: { thumbnail: 'https://store.test/t', preview: 'https://store.test/p' },
        expiresAt: 0,
      }) satisfies CreatedUpload,
    complete: async (_id, parts) => {
      completions.push(parts);
      return { id: 'u1', state: 'pending' };
    },
    abort: async () => {},
  };
  return { api, completions };
}

/** The store: records each PUT; `failFrom` makes every PUT after that many fail as offline. */
function fakeStore(failFrom = Number.POSITIVE_INFINITY) {
  const puts: string[] = [];
  let online = true;
  let cut = false;
  const put: PutBody = async (url, body, onProgress) => {
    if (!cut && puts.length >= failFrom) {
      cut = true;
      online = false;
    }
    if (!online) throw new NetworkError('offline');
    puts.push(url);
    onProgress(body.size);
    return `"etag-${url.split('/').pop()}"`;
  };
  return { put, puts, reconnect: () => (online = true), isOnline: () => online };
}

const renditions = async () => ({
  thumbnail: new Blob(['t']),
  preview: new Blob(['p']),
  facts: { width: 2, height: 1 },
});

/** A waitForNetwork that answers at once and records each attempt it was asked to wait for. */
function recordedWaits(then?: (attempt: number) => void) {
  const waits: number[] = [];
  const waitForNetwork = async (attempt: number) => {
    waits.push(attempt);
    then?.(attempt);
  };
  return { waits, waitForNetwork };
}

/** runUpload over the fakes: a fresh saved-upload store, a bucket that takes every PUT, the
 * renditions, a network that is always there. Each test names only what it changes. */
function upload(
  source: File | SavedUpload,
  options: Pick<UploadOptions, 'api'> & Partial<UploadOptions>,
) {
  return runUpload(source, {
    store: memoryStore(),
    put: fakeStore().put,
    makeRenditions: renditions,
    waitForNetwork: async () => {},
    ...options,
  });
}

describe('runUpload', () => {
  it('sends the renditions and every part once, then completes with the ETags in order', async () => {
    const { api, completions } = fakeApi(10);
    const store = fakeStore();
    const saved = memoryStore();
    const progress: number[] = [];
    const done = await upload(file(10), {
      api,
      store: saved,
      put: store.put,
      onProgress: (sent) => progress.push(sent),
    });
    expect(done).toEqual({ id: 'u1', state: 'pending' });
    expect(store.puts.sort()).toEqual([
      'https://store.test/p',
      'https://store.test/part/1',
      'https://store.test/part/2',
      'https://store.test/part/3',
      'https://store.test/t',
    ]);
    expect(completions).toEqual([
      [1, 2, 3].map((partNumber) => ({ partNumber, etag: `"etag-${partNumber}"` })),
    ]);
    expect(progress.at(-1)).toBe(10);
    expect(saved.saved.size).toBe(0);
  });

  it('waits for the network after a lost connection and resumes without resending stored parts', async () => {
    const { api, completions } = fakeApi(20);
    const store = fakeStore(4); // two renditions and two parts get through
    const { waits, waitForNetwork } = recordedWaits((attempt) => {
      if (attempt === 2) store.reconnect();
    });
    await upload(file(20), {
      api,
      put: store.put,
      concurrency: 1,
      waitForNetwork,
    });
    expect(waits).toEqual([0, 1, 2]);
    const parts = store.puts.filter((url) => url.includes('/part/'));
    expect(parts).toEqual([1, 2, 3, 4, 5].map((n) => `https://store.test/part/${n}`));
    expect(completions[0]!.map((part) => part.partNumber)).toEqual([1, 2, 3, 4, 5]);
  });

  it('resumes a saved upload (a closed tab): only the parts without an ETag are sent', async () => {
    const { api, completions } = fakeApi(12);
    const saved = memoryStore();
    const first = fakeStore(3); // renditions and part 1, then the tab closes
    await expect(
      upload(file(12), {
        api,
        store: saved,
        put: first.put,
        concurrency: 1,
        waitForNetwork: async () => {
          throw new Error('tab closed');
        },
      }),
    ).rejects.toThrow('tab closed');
    const [unfinished] = await saved.all();
    expect(Object.keys(unfinished!.etags)).toEqual(['1']);

    const second = fakeStore();
    await upload(unfinished!, {
      api,
      store: saved,
      put: second.put,
    });
    expect(second.puts.sort()).toEqual(['https://store.test/part/2', 'https://store.test/part/3']);
    expect(completions[0]!.map((part) => part.etag)).toEqual(['"etag-1"', '"etag-2"', '"etag-3"']);
  });

  /** A store whose first `times` PUTs of each URL answer `status` (R2 when it is busy). */
  function busyStore(status: number, times: number) {
    const store = fakeStore();
    const refused = new Map<string, number>();
    const put: PutBody = async (url, body, onProgress, signal) => {
      const count = refused.get(url) ?? 0;
      if (count < times) {
        refused.set(url, count + 1);
        throw new UploadRefused(status, 'store-error');
      }
      return store.put(url, body, onProgress, signal);
    };
    return { ...store, put };
  }

  it.each([
    [503, 'SlowDown'],
    [500, 'InternalError'],
  ])('asks a busy store again (%i %s), waiting longer each time, and completes', async (status) => {
    const { api, completions } = fakeApi(8);
    const store = busyStore(status, 2);
    const { waits, waitForNetwork } = recordedWaits();
    await upload(file(8), {
      api,
      put: store.put,
      concurrency: 1,
      waitForNetwork,
    });
    // Each of the four PUTs (two renditions at once, then two parts) was refused twice, then
    // stored: waits of 2⁰ and 2¹ s each.
    expect(waits.sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(completions[0]!.map((part) => part.partNumber)).toEqual([1, 2]);
  });

  it("waits at least the viewer's Retry-After before asking again", async () => {
    const { api, completions } = fakeApi(4);
    let refusals = 0;
    const { waits, waitForNetwork } = recordedWaits();
    await upload(file(4), {
      api: {
        ...api,
        complete: async (...args) => {
          if (refusals++ === 0) throw new UploadRefused(503, 'database-unavailable', 8);
          return api.complete(...args);
        },
      },
      waitForNetwork,
    });
    expect(waits).toEqual([3]); // 2³ s ≥ 8 s
    expect(completions).toHaveLength(1);
  });

  it('tells the guest when the store stays busy after five more tries; the parts stored are kept', async () => {
    const { api } = fakeApi(8);
    const saved = memoryStore();
    const { waits, waitForNetwork } = recordedWaits();
    const refusal = upload(file(8), {
      api,
      store: saved,
      put: busyStore(503, Number.POSITIVE_INFINITY).put,
      makeRenditions: async () => ({ facts: {} }),
      concurrency: 1,
      waitForNetwork,
    });
    await expect(refusal).rejects.toMatchObject({ status: 503, reason: 'store-error' });
    expect(waits).toEqual([0, 1, 2, 3, 4]);
    expect(saved.saved.size).toBe(1); // the resume offer has it
  });

  it('tells the guest at once when a 503 means hours (uploads switched off)', async () => {
    const { api } = fakeApi(4);
    const { waits, waitForNetwork } = recordedWaits();
    await expect(
      upload(file(4), {
        api: {
          ...api,
          create: async () => {
            throw new UploadRefused(503, 'uploads-unavailable', 3600);
          },
        },
        waitForNetwork,
      }),
    ).rejects.toMatchObject({ reason: 'uploads-unavailable' });
    expect(waits).toEqual([]);
  });

  it('stops on a refusal instead of retrying it', async () => {
    const { api } = fakeApi(4);
    const refusing: UploadApi = {
      ...api,
      create: async () => {
        throw new UploadRefused(415, 'unsupported-type');
      },
    };
    await expect(upload(file(4), { api: refusing })).rejects.toBeInstanceOf(UploadRefused);
  });
});
