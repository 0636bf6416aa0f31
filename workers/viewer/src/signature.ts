// HMAC-SHA256 under AUTH_SECRET for the viewer's own small signed values (keyset cursors,
// device ids, rollout buckets, password checks). Each use names its purpose, which is signed
// with the message, so a signature made for one purpose is never valid for another. Callers
// compare MACs as base64url text with the signer's equalInConstantTime.

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(secret, key);
  }
  return key;
}

export async function hmac(secret: string, purpose: string, message: string): Promise<Uint8Array> {
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${purpose}\n${message}`));
  return new Uint8Array(mac);
}
