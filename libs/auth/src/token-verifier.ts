import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import { verify, type JwtPayload, type VerifyOptions } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { VerifiedClaims } from './claims';

/**
 * `Authorization: Bearer <jwt>` and nothing else (RFC 6750; the scheme is case-insensitive): a header
 * with anything after the token is refused.
 */
const BEARER = /^bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** How many verified tokens are remembered; a client keeps one token for many requests. */
const CACHED_TOKENS = 10_000;
/** Longer tokens are verified every time rather than kept (no legitimate token is this long). */
const LONGEST_CACHED_TOKEN = 4_096;

/**
 * Verifies bearer tokens. Only the one configured algorithm is accepted (so `alg: none` and algorithm
 * confusion fail), `exp` is required, and `iss`/`aud` are checked when set.
 *
 * A token's signature is checked once: its verified claims are then kept, keyed by the whole token, until
 * its `exp`. The key is fixed for the process's life, so the same token string always verifies the same
 * way; expiry is the only thing that changes, and it is checked on every use.
 */
@Injectable()
export class TokenVerifier {
  private readonly key: KeyObject;
  private readonly options: VerifyOptions & { complete: false };
  private readonly verified = new LRUCache<string, VerifiedClaims>({ max: CACHED_TOKENS });

  constructor(config: SwitchyardConfig) {
    const { jwt } = config;
    // A KeyObject built once: given a string, jsonwebtoken re-derives the key (and first tries to parse
    // a secret as a public key) on every call.
    this.key =
      jwt.algorithm === 'HS256' ? createSecretKey(Buffer.from(jwt.secret!, 'utf8')) : createPublicKey(jwt.publicKey!);
    this.options = {
      algorithms: [jwt.algorithm],
      ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
      ...(jwt.audience ? { audience: jwt.audience } : {}),
      complete: false,
    };
  }

  /** The verified claims of a request's `Authorization` header; UNAUTHENTICATED otherwise. */
  verifyHeader(authorization: string | undefined): VerifiedClaims {
    if (authorization === undefined || authorization === '')
      throw new DomainError('UNAUTHENTICATED', 'Missing bearer token');
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new DomainError('UNAUTHENTICATED', 'Missing bearer token');
    return this.verifyToken(token);
  }

  verifyToken(token: string): VerifiedClaims {
    const known = this.verified.get(token);
    if (known !== undefined && known.exp * 1000 > Date.now()) return known;
    if (known !== undefined) this.verified.delete(token);
    const claims = claimsOf(this.decode(token));
    if (token.length <= LONGEST_CACHED_TOKEN) this.verified.set(token, claims);
    return claims;
  }

  private decode(token: string): JwtPayload {
    try {
      const payload = verify(token, this.key, this.options);
      if (typeof payload === 'string') throw new DomainError('UNAUTHENTICATED', 'Token payload is not an object');
      return payload;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('UNAUTHENTICATED', error instanceof Error ? error.message : 'Invalid bearer token');
    }
  }
}

function claimsOf(payload: JwtPayload): VerifiedClaims {
  const { sub, exp } = payload;
  const { tid, roles } = payload as { tid?: unknown; roles?: unknown };
  if (typeof exp !== 'number') throw new DomainError('UNAUTHENTICATED', 'Token has no exp claim');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
    throw new DomainError('UNAUTHENTICATED', 'Token has no valid sub claim');
  if (tid !== undefined && typeof tid !== 'string')
    throw new DomainError('UNAUTHENTICATED', 'Token has an invalid tid claim');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw new DomainError('UNAUTHENTICATED', 'Token has an invalid roles claim');
  }
  // Frozen: the same object is handed to every request that presents this token.
  return Object.freeze({ sub, tid, roles: roles ? Object.freeze([...roles]) : undefined, exp }) as VerifiedClaims;
}
