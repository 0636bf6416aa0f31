// `exports` from cloudflare:workers (ctx.exports) is typed from the deployed entry, named
// here once. wrangler types would write this itself for whichever entry it is given, and
// `wrangler dev` runs src/local.ts (the fault switch), so every dev start warned "Your types
// might be out of date"; the types are generated with --include-main-module=false instead.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
  }
}
