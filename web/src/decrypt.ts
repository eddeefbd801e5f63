/**
 * Decryption on the owner's machine: the age identity is pasted (or loaded from a file) into this
 * page; the server sends ciphertext and never sees the identity or a decrypted byte. It is kept in
 * memory, and in this browser's IndexedDB only when the owner ticks "remember on this device".
 */
import { Decrypter } from 'age-encryption';

let identity: string | null = null;
const DB = 'uservm-console';
const STORE = 'owner-key';

function store<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => (open.result.close(), resolve(req.result));
      tx.onerror = () => (open.result.close(), reject(tx.error));
    };
  });
}

function parse(value: string): string {
  const line = value
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (!line) throw new Error('not an age identity: paste the AGE-SECRET-KEY-... line of owner.key');
  return line;
}

export const ownerKey = {
  has: () => identity !== null,
  /** Takes the key for this page; `remember` also keeps it in this browser. */
  async set(value: string, remember = false) {
    identity = parse(value);
    if (remember) await store('readwrite', (s) => s.put(identity, 'identity'));
  },
  /** Loads a key remembered on this device, if any. */
  async restore(): Promise<boolean> {
    if (identity) return true;
    const saved = await store<unknown>('readonly', (s) => s.get('identity')).catch(() => undefined);
    if (typeof saved === 'string') identity = saved;
    return identity !== null;
  },
  /** Forgets the key here and on this device. */
  async forget() {
    identity = null;
    await store('readwrite', (s) => s.delete('identity')).catch(() => undefined);
  },
};

export async function decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
  if (!identity) throw new Error('no owner key');
  const d = new Decrypter();
  d.addIdentity(identity);
  return d.decrypt(ciphertext);
}
