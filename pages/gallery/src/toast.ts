import { el } from './element.ts';

// Short messages at the bottom of the screen, read out by screen readers.

export type Toaster = { readonly element: HTMLElement; show(message: string): void };

export function createToaster(): Toaster {
  const element = el('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    element,
    show(message) {
      element.textContent = message;
      element.classList.add('is-visible');
      clearTimeout(timer);
      timer = setTimeout(() => element.classList.remove('is-visible'), 5000);
    },
  };
}
