import { createViewerApi, type LoginResult } from './api.ts';
import { config } from './config.ts';
import { el } from './element.ts';
import { mountGallery } from './gallery-view.ts';
import { takeJoinLink } from './join-link.ts';
import { mountLogin } from './login-view.ts';
import { createRouter } from './router.ts';
import { createSession, type Session, type SessionState } from './session.ts';

// Wiring: which screen the guest sees follows the session.

export function startApp(root: HTMLElement): void {
  // First of all, before any request or the router: the password leaves the address bar.
  let join = takeJoinLink(window);
  document.title = config.galleryName;
  let session: Session | undefined;
  const api = createViewerApi({
    base: location.origin,
    onUnauthenticated: () => session?.expire(),
  });
  session = createSession(api);
  const router = createRouter(window);
  let view: { destroy(): void } | undefined;
  let shown: SessionState['status'] | undefined;
  /** While a join link's login is in flight, "signed out" is not the answer yet. */
  let joining = false;

  function render(state: SessionState, joinFailure?: Exclude<LoginResult, { ok: true }>) {
    if (state.status === 'unknown' || !session) return;
    if (joining && state.status === 'signed-out') return;
    if (state.status === shown && !joinFailure) return;
    shown = state.status;
    view?.destroy();
    view =
      state.status === 'signed-in'
        ? mountGallery(root, {
            api,
            session,
            router,
            galleryName: config.galleryName,
            videoApiBase: config.videoApiBase,
          })
        : mountLogin(root, { galleryName: config.galleryName, session, joinFailure });
  }

  /** Signs in with a join link's password; a wrong or outdated one lands on the login page. */
  async function signInWith(link: { password: string | undefined }) {
    if (!session) return;
    joining = true;
    let result: LoginResult;
    try {
      result =
        link.password === undefined
          ? { ok: false, reason: 'wrong-password' }
          : await session.login(link.password);
    } finally {
      joining = false;
    }
    // On success the session changed and the gallery is shown already.
    if (!result.ok) render(session.state, result);
  }

  async function check() {
    root.replaceChildren(
      el('div', { class: 'splash', 'aria-busy': 'true', 'aria-label': 'Loading' }),
    );
    try {
      const state = await session!.check();
      const link = join;
      join = undefined;
      if (link && state.status === 'signed-out') await signInWith(link);
      else render(state);
    } catch {
      const retry = el('button', { type: 'button', class: 'button' }, 'Try again');
      retry.addEventListener('click', () => void check(), { once: true });
      root.replaceChildren(
        el(
          'main',
          { class: 'login' },
          el(
            'div',
            { class: 'login-card', role: 'alert' },
            el('h1', {}, config.galleryName),
            el(
              'p',
              {},
              'The gallery can’t be reached right now. Check your connection and try again.',
            ),
            retry,
          ),
        ),
      );
      retry.focus();
    }
  }

  session.subscribe((state) => render(state));
  // A join link opened while the page is already open (pasted into the address bar).
  window.addEventListener('hashchange', () => {
    const link = takeJoinLink(window);
    if (link && session?.state.status === 'signed-out') void signInWith(link);
  });
  void check();
}
