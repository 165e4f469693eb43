/**
 * A problem+json body without its requestId: what must be identical, byte for byte, between the answer
 * for another tenant's id and for an id that exists nowhere (each request has its own id).
 */
export function sameForEveryRequest(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { requestId: _requestId, ...rest } = body as Record<string, unknown>;
  return rest;
}
