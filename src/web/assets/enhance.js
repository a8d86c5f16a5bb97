// Progressive enhancement shared by every page: everything works without it.
// A region marked data-live-stream="<SSE url>" and data-live-src="<fragment url>" is refreshed
// whenever its stream says "changed", unless the person is typing in it (then on blur).
(() => {
  'use strict';
  const busy = (region) => region.contains(document.activeElement) && document.activeElement.matches('input, textarea, select');
  for (const region of document.querySelectorAll('[data-live-stream][data-live-src]')) {
    let pending = false;
    const refresh = async () => {
      if (busy(region)) {
        pending = true;
        return;
      }
      pending = false;
      const res = await fetch(region.dataset.liveSrc, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const next = document.createElement('template');
      next.innerHTML = await res.text();
      region.replaceChildren(next.content);
      region.dispatchEvent(new CustomEvent('feelers:refreshed', { bubbles: true }));
    };
    region.addEventListener('focusout', () => {
      if (pending) setTimeout(() => void refresh(), 0);
    });
    const stream = new EventSource(region.dataset.liveStream);
    stream.addEventListener('changed', () => void refresh());
  }
})();
