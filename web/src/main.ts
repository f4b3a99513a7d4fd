// Entry point: log in (POST /api/v1/login, the token kept for this tab only), read who we are
// (GET /api/v1/me), then start the page (src/app.ts).
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { Api, ApiError, loadSession, login, saveSession, type Session } from './api';
import { App, type Me } from './app';
import { $ } from './ui/dom';

async function ensureSession(): Promise<Session> {
  const s = loadSession();
  if (s) return s;
  const dlg = $('login');
  dlg.hidden = false;
  $<HTMLInputElement>('login-user').focus();
  return new Promise((resolve) => {
    $<HTMLFormElement>('login-form').onsubmit = async (ev) => {
      ev.preventDefault();
      $('login-error').textContent = '';
      try {
        const sess = await login($<HTMLInputElement>('login-user').value.trim(), $<HTMLInputElement>('login-password').value);
        saveSession(sess);
        dlg.hidden = true;
        $<HTMLInputElement>('login-password').value = '';
        resolve(sess);
      } catch (e) {
        $('login-error').textContent = (e as Error).message;
      }
    };
  });
}

async function start(): Promise<void> {
  for (;;) {
    const session = await ensureSession();
    let me: Me;
    try {
      me = await new Api(session.token).json<Me>('/api/v1/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        saveSession(null); // an expired or revoked token: log in again
        continue;
      }
      me = { user: session.user, role: session.role, audience: session.audience };
    }
    await new App(session, me).start();
    return;
  }
}

void start();
