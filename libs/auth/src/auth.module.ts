import { Module } from '@nestjs/common';
import { JwtAuthGuard, OpsGuard } from './guards';
import { TokenIssuer } from './token-issuer';
import { TokenVerifier } from './token-verifier';

@Module({
  providers: [TokenVerifier, JwtAuthGuard, OpsGuard, TokenIssuer],
  exports: [TokenVerifier, JwtAuthGuard, OpsGuard, TokenIssuer],
})
export class AuthModule {}
