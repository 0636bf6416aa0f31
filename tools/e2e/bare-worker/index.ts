// The memory baseline of `pnpm bench` (src/bare-r2.ts): the least a worker can do to stream
// an R2 object, run by `wrangler dev` over the stack's local state. What workerd grows
// while this streams 1 GiB is the local R2 simulator's and wrangler's, not the gallery's.
type Bucket = {
  get(key: string, options?: { range?: Headers }): Promise<{ body: ReadableStream } | null>;
};

export default {
  async fetch(request: Request, env: { MEDIA: Bucket }): Promise<Response> {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
    // `bytes=0-` as the bench asks it: R2 reads the range itself, as the video worker's does.
    const ranged = request.headers.has('Range');
    const object = await env.MEDIA.get(key, ranged ? { range: request.headers } : {});
    if (object === null) return new Response('not found', { status: 404 });
    return new Response(object.body, { status: ranged ? 206 : 200 });
  },
};
