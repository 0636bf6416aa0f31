// Building DOM without a framework. Text always goes in as text nodes, never
// as HTML: titles come from uploaded files.

type Props = Record<string, string | number | boolean | undefined>;
type Child = Node | string | false | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === false || child === undefined) continue;
    element.append(child);
  }
  return element;
}

/** A fixed, trusted SVG icon (decorative: hidden from assistive technology). */
export function icon(svgPath: string, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', svgPath);
  svg.append(path);
  return svg;
}

export const ICONS = {
  play: 'M8 5.5v13l10.5-6.5z',
  close:
    'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z',
  previous: 'M15.4 6.4 14 5l-7 7 7 7 1.4-1.4L9.8 12z',
  next: 'M8.6 6.4 10 5l7 7-7 7-1.4-1.4 5.6-5.6z',
  download: 'M11 4h2v8.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z',
  share: 'M12 3l4.7 4.7-1.4 1.4L13 6.8V15h-2V6.8L8.7 9.1 7.3 7.7zM5 11h2v8h10v-8h2v10H5z',
} as const;
