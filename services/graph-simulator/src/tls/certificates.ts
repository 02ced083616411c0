/**
 * The simulator's own certificate authority and the loopback server certificate it signs.
 *
 * The CA is written to `<dataDir>/ca.pem` (and its key to `ca-key.pem`) so a client process can
 * trust it with NODE_EXTRA_CA_CERTS. An existing pair in dataDir is reused, so a CA path exported
 * before the simulator starts stays valid across restarts.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

type CryptoKey = webcrypto.CryptoKey;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface TlsMaterial {
  caCertPem: string;
  caCertPath: string;
  certPem: string;
  keyPem: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

interface Ca {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: string;
}

async function loadCa(dir: string): Promise<Ca | null> {
  try {
    const pem = await readFile(join(dir, 'ca.pem'), 'utf8');
    const keyPem = await readFile(join(dir, 'ca-key.pem'), 'utf8');
    const cert = new x509.X509Certificate(pem);
    if (cert.notAfter.getTime() < Date.now() + 86_400_000) return null;
    const key = await crypto.subtle.importKey('pkcs8', fromPem(keyPem), ALG, true, ['sign']);
    return { cert, key, pem };
  } catch {
    return null;
  }
}

async function createCa(dir: string): Promise<Ca> {
  const keys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=ones-m365 Graph simulator CA',
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pem = cert.toString('pem') + '\n';
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ca.pem'), pem);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  await writeFile(join(dir, 'ca-key.pem'), toPem(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
  return { cert, key: keys.privateKey, pem };
}

/** Loads the CA from dataDir or creates it there, then issues a fresh loopback leaf certificate. */
export async function prepareTls(dataDir: string, extraHosts: string[] = []): Promise<TlsMaterial> {
  const ca = (await loadCa(dataDir)) ?? (await createCa(dataDir));
  const leafKeys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  for (const h of extraHosts) {
    if (names.some((n) => n.value === h)) continue;
    names.push({ type: /^[\d.]+$|:/.test(h) ? 'ip' : 'dns', value: h });
  }
  const now = Date.now();
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: ca.cert.subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 365 * 86_400_000),
    publicKey: leafKeys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const keyPem = toPem(await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY');
  return {
    caCertPem: ca.pem,
    caCertPath: resolve(dataDir, 'ca.pem'),
    certPem: leaf.toString('pem') + '\n' + ca.pem,
    keyPem,
  };
}
