// The node's REST API (docs/api.md), same origin, bearer token from POST /api/v1/login.
export interface Session { token: string; expires?: string; user: string; role: string; audience: string }

const KEY = 'biac.session';

export function loadSession(): Session | null {
  try {
    const s = sessionStorage.getItem(KEY);
    return s ? (JSON.parse(s) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

export async function login(username: string, password: string): Promise<Session> {
  const r = await fetch('/api/v1/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(r.status === 401 ? 'wrong user or password' : `login failed: HTTP ${r.status}`);
  const j = (await r.json()) as Session;
  return { token: j.token, expires: j.expires, user: j.user ?? username, role: j.role, audience: j.audience };
}

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

export class Api {
  onUnauthorized: (() => void) | null = null;
  constructor(public token: string) {}

  private async req(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    const r = await fetch(path, { ...init, headers });
    if (r.status === 401) this.onUnauthorized?.();
    if (!r.ok) throw new ApiError(r.status, `${init.method ?? 'GET'} ${path}: HTTP ${r.status}`);
    return r;
  }

  async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await this.req(path, init)).json() as Promise<T>;
  }

  async text(path: string): Promise<string> {
    return (await this.req(path)).text();
  }

  async blob(path: string): Promise<Blob> {
    return (await this.req(path)).blob();
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
  }

  async del(path: string): Promise<void> {
    await this.req(path, { method: 'DELETE' });
  }
}
