import { createHash } from 'node:crypto';

/**
 * A strong entity tag for a representation: a digest of the JSON a client receives, so two reads of an
 * unchanged resource give the same tag and any change to what the client sees gives another.
 */
export function entityTag(representation: unknown): string {
  return tagOfJson(JSON.stringify(representation));
}

function tagOfJson(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

/** A representation already serialised to the JSON text sent (typed by what it represents). */
export type SerializedJson<T> = string & { readonly representation?: T };

/**
 * Whether an `If-Match` / `If-None-Match` value names `tag` (RFC 9110 §13.1): `*` names any current
 * representation; a list matches if one member does. `weak` is the If-None-Match comparison, which
 * ignores a `W/` prefix; If-Match compares strongly.
 */
export function tagListMatches(header: string, tag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((member) => {
    const candidate = member.trim();
    if (candidate.startsWith('W/')) return weak && candidate.slice(2) === tag;
    return candidate === tag;
  });
}

/** An `If-Match` header as a check of the current representation (undefined: unconditional). */
export function ifMatchPrecondition(header: string | undefined): ((current: unknown) => boolean) | undefined {
  if (header === undefined) return undefined;
  return (current) => tagListMatches(header, entityTag(current), false);
}

/**
 * Tags a single-resource response with its ETag and answers 304 (no body) when the client's
 * `If-None-Match` already names it. Returns the body to send — serialised here, once, so the tag is the
 * digest of exactly the bytes sent — or undefined for a 304.
 */
export function taggedResponse<T>(
  response: { setHeader(name: string, value: string): unknown; status(code: number): unknown },
  representation: T,
  ifNoneMatch: string | undefined,
): SerializedJson<T> | undefined {
  const json = JSON.stringify(representation);
  const tag = tagOfJson(json);
  response.setHeader('ETag', tag);
  if (ifNoneMatch !== undefined && tagListMatches(ifNoneMatch, tag, true)) {
    response.status(304);
    return undefined;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  return json;
}
