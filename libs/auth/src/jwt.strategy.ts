import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import type { VerifiedClaims } from './claims';

/**
 * Bearer-token verification with passport-jwt. Only the one configured algorithm is accepted (so
 * `alg: none` and algorithm confusion fail), `exp` is required, and `iss`/`aud` are checked when set.
 */
/**
 * `Authorization: Bearer <jwt>` and nothing else (RFC 6750; the scheme is case-insensitive): a header
 * with anything after the token is refused, where passport-jwt's own extractor would read past it.
 */
const BEARER = /^bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

function bearerToken(request: Pick<Request, 'headers'>): string | null {
  return BEARER.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

function verificationKey(algorithm: 'HS256' | 'RS256', secret?: string, publicKey?: string): KeyObject {
  return algorithm === 'HS256' ? createSecretKey(Buffer.from(secret!, 'utf8')) : createPublicKey(publicKey!);
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: SwitchyardConfig) {
    const { jwt } = config;
    super({
      jwtFromRequest: bearerToken,
      // A KeyObject built once: given a string, jsonwebtoken re-derives (and for a secret, first tries
      // and fails to parse as a public key) on every request, which dominated the request's CPU.
      secretOrKey: verificationKey(jwt.algorithm, jwt.secret, jwt.publicKey) as unknown as string,
      algorithms: [jwt.algorithm],
      issuer: jwt.issuer,
      audience: jwt.audience,
      ignoreExpiration: false,
    });
  }

  validate(payload: Record<string, unknown>): VerifiedClaims {
    const { sub, tid, roles, exp } = payload;
    if (typeof exp !== 'number') throw new DomainError('UNAUTHENTICATED', 'Token has no exp claim');
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
      throw new DomainError('UNAUTHENTICATED', 'Token has no valid sub claim');
    if (tid !== undefined && typeof tid !== 'string')
      throw new DomainError('UNAUTHENTICATED', 'Token has an invalid tid claim');
    if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
      throw new DomainError('UNAUTHENTICATED', 'Token has an invalid roles claim');
    }
    return { sub, tid, roles, exp };
  }
}
