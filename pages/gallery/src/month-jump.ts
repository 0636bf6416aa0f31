import { el } from './element.ts';
import { formatMonth } from './format.ts';

// Jumping by month in a long gallery: a native <select> in a small floating chip. On a
// phone it opens the system's own picker (a wheel on iOS, a list on Android), works with
// a thumb and a screen reader, and costs a few DOM nodes. The chip names the month in
// view while the guest scrolls. Months not loaded yet sit behind "Older…", which loads
// pages until a new month turns up.

export type MonthJump = {
  readonly element: HTMLElement;
  /** The months known so far, newest first; `more` when older pages exist. */
  setMonths(keys: readonly string[], more: boolean): void;
  /** The month at the top of the viewport. */
  setCurrent(key: string | undefined): void;
};

const OLDER = 'older';

export function createMonthJump(options: {
  onJump(key: string): void;
  onOlder(): Promise<void>;
}): MonthJump {
  const select = el('select', { class: 'month-jump-select', 'aria-label': 'Jump to month' });
  const element = el('div', { class: 'month-jump', hidden: true }, select);
  let shown = '';
  let months: readonly string[] = [];

  select.addEventListener('change', () => {
    const value = select.value;
    if (value !== OLDER) {
      options.onJump(value);
      return;
    }
    select.disabled = true;
    void options.onOlder().finally(() => {
      select.disabled = false;
    });
  });

  return {
    element,
    setMonths(keys, more) {
      const signature = `${keys.join()}|${more}`;
      if (signature === shown) return;
      shown = signature;
      months = keys;
      const current = select.value;
      const choices = keys.map((key) => el('option', { value: key }, formatMonth(key)));
      if (more) choices.push(el('option', { value: OLDER }, 'Older…'));
      select.replaceChildren(...choices);
      if (keys.includes(current)) select.value = current;
      // One month and nothing more to load: nothing to jump to.
      element.hidden = keys.length < 2 && !more;
    },
    setCurrent(key) {
      if (key !== undefined && months.includes(key) && select.value !== key) select.value = key;
    },
  };
}
