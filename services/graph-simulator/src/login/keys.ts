/** The simulator's token-signing key (RS256, like Entra) and a small verification cache for the hot path. */
import { compactVerify, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { randomBytes, type webcrypto } from 'node:crypto';

type KeyLike = webcrypto.CryptoKey;

export class SigningKeys {
  private readonly cache = new Map<string, JWTPayload>();
  private foreign: Promise<KeyLike> | null = null;

  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    readonly kid: string,
    readonly jwk: JWK,
  ) {}

  static async create(): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(16).toString('base64url');
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256', kty: 'RSA' };
    return new SigningKeys(privateKey, publicKey, kid, jwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid }).sign(this.privateKey);
  }

  /** Signs with a key of its own that the JWKS never publishes, under the published `kid` (a forged token). */
  async signWithForeignKey(claims: JWTPayload): Promise<string> {
    this.foreign ??= generateKeyPair('RS256').then((pair) => pair.privateKey);
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid }).sign(await this.foreign);
  }

  /**
   * Verifies the signature (cached per token string, bounded) and returns the claims; expiry and
   * audience are checked by the caller on every request so a cached token still expires.
   */
  async verify(token: string): Promise<JWTPayload | null> {
    const hit = this.cache.get(token);
    if (hit) return hit;
    try {
      const { payload: bytes } = await compactVerify(token, this.publicKey, { algorithms: ['RS256'] });
      const payload = JSON.parse(new TextDecoder().decode(bytes)) as JWTPayload;
      if (this.cache.size >= 2000) this.cache.clear();
      this.cache.set(token, payload);
      return payload;
    } catch {
      return null;
    }
  }

  get cacheSize(): number {
    return this.cache.size;
  }
}
