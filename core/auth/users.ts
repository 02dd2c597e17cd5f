/**
 * Local users: name, role and an scrypt password hash (random 16-byte salt, N=16384, r=8, p=1,
 * 64-byte key), kept in DATA_DIR/users.json with mode 0600. Passwords are compared in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Role, UserView } from '../common/automation-schemas.ts';

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 64;

interface StoredUser {
  name: string;
  role: Role;
  salt: string;
  hash: string;
  createdAt: number;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEYLEN, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password as `scrypt$<salt b64>$<hash b64>`-style fields. */
export async function hashPassword(password: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hash: (await derive(password, salt)).toString('base64') };
}

/** True when `password` matches the stored salt and hash. */
export async function verifyPassword(password: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The users file. */
export class UserStore {
  private constructor(
    private readonly file: string,
    private readonly users: Map<string, StoredUser>,
  ) {}

  static async open(file: string): Promise<UserStore> {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '{"users":[]}';
      throw err;
    });
    const data = JSON.parse(text) as { users?: StoredUser[] };
    return new UserStore(file, new Map((data.users ?? []).map((u) => [u.name, u])));
  }

  list(): UserView[] {
    return [...this.users.values()].map(({ name, role, createdAt }) => ({ name, role, createdAt })).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): UserView | null {
    const u = this.users.get(name);
    return u ? { name: u.name, role: u.role, createdAt: u.createdAt } : null;
  }

  /** Adds or replaces a user (new password and role). */
  async put(name: string, role: Role, password: string): Promise<UserView> {
    const { salt, hash } = await hashPassword(password);
    const prior = this.users.get(name);
    this.users.set(name, { name, role, salt, hash, createdAt: prior?.createdAt ?? Date.now() });
    await this.save();
    return this.get(name)!;
  }

  async remove(name: string): Promise<boolean> {
    const had = this.users.delete(name);
    if (had) await this.save();
    return had;
  }

  /** The user when the password matches, otherwise null (same work either way, so timing says nothing). */
  async check(name: string, password: string): Promise<UserView | null> {
    const u = this.users.get(name);
    const ok = await verifyPassword(password, u?.salt ?? 'AAAAAAAAAAAAAAAAAAAAAA==', u?.hash ?? Buffer.alloc(KEYLEN).toString('base64'));
    return u && ok ? this.get(name) : null;
  }

  private async save(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ users: [...this.users.values()] }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
