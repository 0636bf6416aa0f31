import { createViewerApi } from './api.ts';
import { config } from './config.ts';
import { el } from './element.ts';
import { mountGallery } from './gallery-view.ts';
import { mountLogin } from './login-view.ts';
import { createRouter } from './router.ts';
import { createSession, type Session, type SessionState } from './session.ts';

// Wiring: which screen the guest sees follows the session.

export function startApp(root: HTMLElement): void {
  document.title = config.galleryName;
  let session: Session | undefined;
  const api = createViewerApi({
    base: config.viewerApiBase,
    onUnauthenticated: () => session?.expire(),
  });
  session = createSession(api);
  const router = createRouter(window);
  let view: { destroy(): void } | undefined;
  let shown: SessionState['status'] | undefined;

  function render(state: SessionState) {
    if (state.status === shown || state.status === 'unknown' || !session) return;
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
        : mountLogin(root, { galleryName: config.galleryName, session });
  }

  async function check() {
    root.replaceChildren(
      el('div', { class: 'splash', 'aria-busy': 'true', 'aria-label': 'Loading' }),
    );
    try {
      render(await session!.check());
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

  session.subscribe(render);
  void check();
}
