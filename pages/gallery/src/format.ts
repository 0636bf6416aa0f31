// How times and dates read on tiles and in the lightbox.

/** 83 → "1:23", 3723 → "1:02:03" (the clock style video players use). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** 83 → "1 minute 23 seconds", for screen readers (they read "1:23" as a time of day). */
export function spokenDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const parts: [number, string][] = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const spoken = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return spoken.length > 0 ? spoken.join(' ') : '0 seconds';
}

/** The day a photo was taken, in the guest's language; '' when unknown. */
export function formatTakenAt(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}

/** Alt text and accessible name: the title, or what and when when there is none. */
export function describeItem(
  item: { kind: 'image' | 'video'; title: string; takenAt: string },
  locale?: string,
): string {
  const title = item.title.trim();
  if (title !== '') return title;
  const what = item.kind === 'video' ? 'Video' : 'Photo';
  const when = formatTakenAt(item.takenAt, locale);
  return when ? `${what} from ${when}` : what;
}

/** The month a photo was taken, in the guest's time zone: "2026-06"; '' when unknown. */
export function monthKey(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

/** The day a photo was taken, in the guest's time zone: "2026-06-13"; '' when unknown. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  const month = String(date.getMonth() + 1).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${String(date.getDate()).padStart(2, '0')}`;
}

/** "2026-06-13" → "Saturday 13 June 2026" in the guest's language; '' → "Undated". */
export function formatDay(key: string, locale?: string): string {
  const [year, month, day] = key.split('-').map(Number);
  if (!year || !month || !day) return 'Undated';
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(year, month - 1, day));
}

/** "2026-06" → "June 2026" in the guest's language; '' → "Undated". */
export function formatMonth(key: string, locale?: string): string {
  const [year, month] = key.split('-').map(Number);
  if (!year || !month) return 'Undated';
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(
    new Date(year, month - 1, 1),
  );
}

/** A byte count as people read it: `840 KB`, `12.3 MB`, `1.07 GB` (decimal, as OSes show files). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} KB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
