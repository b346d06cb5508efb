// The app's one SHA-256: Web Crypto (browsers, workers, Node 20), hex-encoded. Every hash is
// one-shot over bytes already in memory (files, zip members, encoder parameters), so nothing
// needs an incremental hasher.

export type Bytes = Uint8Array | ArrayBuffer;

/** Hex SHA-256 of `data`, or of several buffers one after another (as if concatenated). */
export async function sha256Hex(data: Bytes | readonly Bytes[]): Promise<string> {
  const parts: readonly Bytes[] = Array.isArray(data) ? data : [data as Bytes];
  const digest = await crypto.subtle.digest('SHA-256', parts.length === 1 ? view(parts[0]!) : concat(parts));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// digest() reads a view's own window (byteOffset..byteLength), so subarrays need no copy.
function view(b: Bytes): Uint8Array<ArrayBuffer> {
  return (b instanceof Uint8Array ? b : new Uint8Array(b)) as Uint8Array<ArrayBuffer>;
}

function concat(parts: readonly Bytes[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(view(p), at);
    at += p.byteLength;
  }
  return out;
}
