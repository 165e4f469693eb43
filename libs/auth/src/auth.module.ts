import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard, OpsGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { TokenIssuer } from './token-issuer';

@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [JwtStrategy, JwtAuthGuard, OpsGuard, TokenIssuer],
  exports: [JwtAuthGuard, OpsGuard, TokenIssuer],
})
export class AuthModule {}
