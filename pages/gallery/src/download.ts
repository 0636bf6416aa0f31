// "Download" for a file on another origin: the `download` attribute only names
// same-origin files, so the original is fetched with the session cookie and
// saved from a blob. If that fails, the file opens in a new tab instead.

export async function saveFile(url: string, name: string, trigger: HTMLElement): Promise<void> {
  if (trigger.getAttribute('aria-busy') === 'true') return;
  trigger.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(url, { credentials: 'include' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blobUrl = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = blobUrl;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the save in some browsers.
    setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  } catch {
    window.open(url, '_blank', 'noopener');
  } finally {
    trigger.removeAttribute('aria-busy');
  }
}
