import type { LoginResult } from './api.ts';
import { el } from './element.ts';
import type { Session, SessionState } from './session.ts';

type Failure = Exclude<LoginResult, { ok: true }>;

/** What the guest reads after a failed login. */
export function loginErrorMessage(failure: Failure | { reason: 'empty' }, secondsLeft?: number) {
  switch (failure.reason) {
    case 'empty':
      return 'Enter the password to continue.';
    case 'wrong-password':
      return 'That password isn’t right. Check it and try again.';
    case 'rate-limited':
      if (secondsLeft === undefined) return 'Too many tries. Wait a minute, then try again.';
      if (secondsLeft <= 0) return 'You can try again now.';
      return `Too many tries. You can try again in ${secondsLeft} ${secondsLeft === 1 ? 'second' : 'seconds'}.`;
    case 'unavailable':
      return 'The gallery can’t be reached right now. Check your connection and try again.';
  }
}

/**
 * What the guest reads when a join link did not sign them in. The password it carried
 * is never shown: the link may be old (the owner changed the password) or mistyped.
 */
export function joinLinkMessage(failure: Failure): string {
  if (failure.reason === 'wrong-password')
    return 'That join link didn’t work: it may be out of date. Enter the password you were given, or ask for a new link.';
  return loginErrorMessage(failure);
}

/** Why the guest sees the login screen, if there is something to say. */
export function loginNotice(state: SessionState): string {
  if (state.status !== 'signed-out') return '';
  if (state.reason === 'expired')
    return 'Your visit timed out. Enter the password again to continue.';
  if (state.reason === 'signed-out') return 'You’re signed out. See you soon!';
  return '';
}

export function mountLogin(
  root: HTMLElement,
  options: {
    galleryName: string;
    session: Session;
    /** A join link that failed: shown as the login error until the guest tries again. */
    joinFailure?: Failure | undefined;
  },
): { destroy(): void } {
  const { session, joinFailure } = options;
  let countdown: ReturnType<typeof setInterval> | undefined;

  const notice = joinFailure ? '' : loginNotice(session.state);
  const password = el('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'login-error',
  });
  const error = el('p', { id: 'login-error', class: 'login-error', role: 'alert' });
  const submit = el(
    'button',
    { type: 'submit', class: 'button button-primary' },
    'Open the gallery',
  );
  const form = el(
    'form',
    { class: 'login-card', novalidate: true, 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, options.galleryName),
    el(
      'p',
      { class: 'login-lead' },
      'Enter the password you were given to see the photos and videos.',
    ),
    notice && el('p', { class: 'login-notice', role: 'status' }, notice),
    el('label', { for: 'password' }, 'Password'),
    password,
    error,
    submit,
  );
  const main = el('main', { class: 'login' }, form);

  function showError(message: string) {
    error.textContent = message;
    password.setAttribute('aria-invalid', 'true');
  }

  function clearError() {
    error.textContent = '';
    password.removeAttribute('aria-invalid');
  }

  function rateLimited(seconds: number | undefined) {
    showError(
      loginErrorMessage({ ok: false, reason: 'rate-limited', retryAfterSeconds: seconds }, seconds),
    );
    if (seconds === undefined || seconds <= 0) return;
    const until = Date.now() + seconds * 1000;
    submit.disabled = true;
    countdown = setInterval(() => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      error.textContent = loginErrorMessage(
        { ok: false, reason: 'rate-limited', retryAfterSeconds: left },
        left,
      );
      if (left === 0) {
        clearInterval(countdown);
        countdown = undefined;
        submit.disabled = false;
        password.removeAttribute('aria-invalid');
      }
    }, 1000);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    if (password.value === '') {
      showError(loginErrorMessage({ reason: 'empty' }));
      password.focus();
      return;
    }
    clearError();
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    submit.textContent = 'Opening…';
    const result = await session.login(password.value);
    submit.removeAttribute('aria-busy');
    submit.textContent = 'Open the gallery';
    submit.disabled = false;
    // On success the session changes and the gallery replaces this view.
    if (result.ok) return;
    password.select();
    password.focus();
    if (result.reason === 'rate-limited') rateLimited(result.retryAfterSeconds);
    else showError(loginErrorMessage(result));
  });

  root.replaceChildren(main);
  password.focus();
  if (joinFailure?.reason === 'rate-limited') rateLimited(joinFailure.retryAfterSeconds);
  else if (joinFailure) error.textContent = joinLinkMessage(joinFailure);

  return {
    destroy() {
      if (countdown !== undefined) clearInterval(countdown);
      main.remove();
    },
  };
}
