import { buildConfig, parseEnvironment } from '@switchyard/config';
import { sign } from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { TokenIssuer } from './token-issuer';
import { TokenVerifier } from './token-verifier';

const SECRET = 'token-verifier-spec-secret-0123456789abcdef';

function setup() {
  const config = buildConfig(parseEnvironment({ DATABASE_URL: 'postgres://u@db/postgres', JWT_SECRET: SECRET }));
  return { sut: new TokenVerifier(config), issuer: new TokenIssuer(config) };
}

describe('TokenVerifier', () => {
  it('verifies a bearer token once and hands out the same frozen claims after', () => {
    const { sut, issuer } = setup();
    const token = issuer.issue({ sub: 'kim', tid: '7b0a4cf3-4bb5-4d8e-9d1c-8f4a4c3f2b10', expiresInSeconds: 60 });

    const first = sut.verifyHeader(`Bearer ${token}`);
    expect(first).toMatchObject({ sub: 'kim', tid: '7b0a4cf3-4bb5-4d8e-9d1c-8f4a4c3f2b10' });
    expect(sut.verifyHeader(`bearer ${token}`)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { sut } = setup();
    const exp = Math.floor(Date.now() / 1000) + 1;
    const token = sign({ sub: 'kim', exp }, SECRET, { algorithm: 'HS256' });
    expect(sut.verifyToken(token).exp).toBe(exp);

    // The remembered claims carry exp; the clock passes it without the token being verified again.
    await expect.poll(() => Date.now() >= exp * 1000, { timeout: 3_000, interval: 50 }).toBe(true);
    expect(() => sut.verifyToken(token)).toThrow(/jwt expired/);
  });

  it('refuses a token whose signature does not match, even with the claims of a remembered one', () => {
    const { sut, issuer } = setup();
    const token = issuer.issue({ sub: 'kim', expiresInSeconds: 60 });
    sut.verifyToken(token);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${sign({ sub: 'kim' }, 'another-secret').split('.')[2]}`;
    expect(() => sut.verifyToken(forged)).toThrow(/invalid signature/);
  });

  it('refuses other algorithms, missing claims and anything after the token', () => {
    const { sut, issuer } = setup();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","exp":9999999999}').toString('base64url')}.`;
    expect(() => sut.verifyToken(unsigned)).toThrow(/invalid algorithm|jwt signature is required/);
    expect(() => sut.verifyToken(sign({ sub: 'kim' }, SECRET))).toThrow(/no exp claim/);
    expect(() => sut.verifyToken(sign({ exp: 9999999999 }, SECRET))).toThrow(/no valid sub claim/);
    const token = issuer.issue({ sub: 'kim', expiresInSeconds: 60 });
    expect(() => sut.verifyHeader(`Bearer ${token} junk`)).toThrow(/Missing bearer token/);
    expect(() => sut.verifyHeader(undefined)).toThrow(/Missing bearer token/);
  });
});
