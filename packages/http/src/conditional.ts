/**
 * What a body offers to validate against: a strong, quoted ETag and, for stored
 * objects, the time it was written (an R2Object fits as it is).
 */
export type Validators = { httpEtag: string; uploaded?: Date };

const ENTITY_TAG = /[\s,]*(W\/)?("[^"]*")\s*(?:,|$)/y;

/** The entity-tags of an If-None-Match / If-Match list; `undefined` when malformed. */
function parseEntityTags(value: string): { weak: boolean; tag: string }[] | undefined {
  const tags: { weak: boolean; tag: string }[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < value.length) {
    const start = ENTITY_TAG.lastIndex;
    const match = ENTITY_TAG.exec(value);
    if (match === null) {
      // Empty list elements are allowed (RFC 9110 §5.6.1).
      if (/^[\s,]*$/.test(value.slice(start))) break;
      return undefined;
    }
    tags.push({ weak: match[1] !== undefined, tag: match[2]! });
  }
  return tags;
}

/** RFC 9110 §13.1.2: weak comparison ignores the W/ prefix of either tag. */
function noneMatchHits(ifNoneMatch: string, httpEtag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const ours = httpEtag.replace(/^W\//, '');
  return parseEntityTags(ifNoneMatch)?.some(({ tag }) => tag === ours) ?? false;
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** An HTTP-date (RFC 9110 §5.6.7, all three formats) in milliseconds; `undefined` if invalid. */
export function parseHttpDate(value: string): number | undefined {
  const trimmed = value.trim();
  if (IMF_FIXDATE.test(trimmed) || RFC850_DATE.test(trimmed)) {
    const time = Date.parse(trimmed);
    return Number.isNaN(time) ? undefined : time;
  }
  if (ASCTIME_DATE.test(trimmed)) {
    const time = Date.parse(`${trimmed} GMT`);
    return Number.isNaN(time) ? undefined : time;
  }
  return undefined;
}

/** Last-Modified carries whole seconds, so comparisons drop the milliseconds R2 keeps. */
function lastModifiedMs(object: Validators): number | undefined {
  if (object.uploaded === undefined) return undefined;
  return Math.floor(object.uploaded.getTime() / 1000) * 1000;
}

/**
 * RFC 9110 §13.2.2 steps 3–4 for GET and HEAD: true when the answer is 304.
 * If-None-Match, when present, decides alone (weak comparison, `*` matches any
 * existing body) and If-Modified-Since is ignored. Exported for bodies built in
 * memory (rewritten playlists), so they revalidate exactly like stored objects.
 */
export function isNotModified(headers: Headers, object: Validators): boolean {
  const ifNoneMatch = headers.get('If-None-Match');
  if (ifNoneMatch !== null) return noneMatchHits(ifNoneMatch, object.httpEtag);
  const ifModifiedSince = headers.get('If-Modified-Since');
  if (ifModifiedSince === null) return false;
  const since = parseHttpDate(ifModifiedSince);
  const modified = lastModifiedMs(object);
  return since !== undefined && modified !== undefined && modified <= since;
}

/**
 * RFC 9110 §13.1.5: a Range sent with If-Range applies only while the validator
 * still matches — an entity-tag by strong comparison, a date exactly.
 */
export function rangeStillApplies(headers: Headers, object: Validators): boolean {
  const ifRange = headers.get('If-Range');
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) return value === object.httpEtag;
  if (value.startsWith('W/')) return false;
  const modified = lastModifiedMs(object);
  return modified !== undefined && parseHttpDate(value) === modified;
}
