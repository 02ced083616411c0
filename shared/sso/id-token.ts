/**
 * Verifies the ID token of a sign-in: RS256 signature against the tenant's published keys, the
 * audience (our client ID), expiry, the nonce of this sign-in, the tenant (`tid`) and the cloud's
 * issuer. Returns the user's object ID (`oid`), the only claim a user is matched on.
 */
import { errors as joseErrors, jwtVerify } from 'jose';
import { sameLengthConstantTimeEqual } from '../crypto/index.js';
import type { TenantKeys } from './tenant-keys.js';

export type IdTokenProblem =
  | 'invalid_signature'
  | 'invalid_token'
  | 'expired'
  | 'wrong_audience'
  | 'nonce_mismatch'
  | 'foreign_tenant'
  | 'wrong_issuer'
  | 'no_object_id';

export class IdTokenError extends Error {
  constructor(
    readonly problem: IdTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'IdTokenError';
  }
}

export interface ExpectedIdToken {
  clientId: string;
  nonce: string;
  /** The integration's tenant GUID. */
  tenantGuid: string;
  tenant: TenantKeys;
}

export interface VerifiedIdToken {
  oid: string;
  tid: string;
}

export async function verifyIdToken(idToken: string, expected: ExpectedIdToken): Promise<VerifiedIdToken> {
  const claims = await verifySignature(idToken, expected);
  const nonce = typeof claims.nonce === 'string' ? claims.nonce : '';
  if (!sameLengthConstantTimeEqual(nonce, expected.nonce))
    throw new IdTokenError('nonce_mismatch', 'The ID token was not issued for this sign-in (nonce)');
  const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
  if (tid !== expected.tenantGuid.toLowerCase())
    throw new IdTokenError('foreign_tenant', 'The account belongs to another Microsoft 365 tenant');
  if (claims.iss !== expected.tenant.issuer)
    throw new IdTokenError('wrong_issuer', 'The ID token was issued by another authority');
  if (typeof claims.oid !== 'string' || claims.oid === '')
    throw new IdTokenError('no_object_id', 'The ID token carries no object ID');
  return { oid: claims.oid, tid };
}

async function verifySignature(idToken: string, expected: ExpectedIdToken): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(idToken, expected.tenant.keys, {
      algorithms: ['RS256'],
      audience: expected.clientId,
      clockTolerance: 120,
      requiredClaims: ['exp', 'iat'],
    });
    return payload;
  } catch (err) {
    throw toIdTokenError(err);
  }
}

function toIdTokenError(err: unknown): IdTokenError {
  if (err instanceof joseErrors.JWTExpired) return new IdTokenError('expired', 'The ID token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud')
    return new IdTokenError('wrong_audience', 'The ID token was issued to another application');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
    return new IdTokenError('invalid_signature', "The ID token is not signed by the tenant's published keys");
  }
  return new IdTokenError('invalid_token', 'The ID token cannot be read or verified');
}
