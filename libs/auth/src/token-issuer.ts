import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import { sign } from 'jsonwebtoken';

export interface TokenRequest {
  sub: string;
  tid?: string;
  roles?: string[];
  /** Lifetime in seconds. */
  expiresInSeconds: number;
}

/** Mints tokens with the configured key, for development (`switchyard token`) and tests. */
@Injectable()
export class TokenIssuer {
  constructor(private readonly config: SwitchyardConfig) {}

  issue(request: TokenRequest): string {
    const { jwt } = this.config;
    const key = jwt.algorithm === 'HS256' ? jwt.secret : jwt.privateKey;
    if (!key) throw new DomainError('CONFIG_INVALID', 'JWT_PRIVATE_KEY is needed to mint RS256 tokens');
    const payload: Record<string, unknown> = { sub: request.sub };
    if (request.tid) payload.tid = request.tid;
    if (request.roles) payload.roles = request.roles;
    return sign(payload, key, {
      algorithm: jwt.algorithm,
      expiresIn: request.expiresInSeconds,
      ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
      ...(jwt.audience ? { audience: jwt.audience } : {}),
    });
  }
}
