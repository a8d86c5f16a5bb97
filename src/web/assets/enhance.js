// Progressive enhancement shared by every page: everything works without it.
// A region marked data-live-stream="<SSE url>" and data-live-src="<fragment url>" is refreshed
// whenever its stream says "changed", unless the person is typing in it (then on blur). A
// keyboard user's focus survives the refresh: it moves to the same control in the new content.
(() => {
  'use strict';
  const typing = (region) => region.contains(document.activeElement) && document.activeElement.matches('input, textarea, select');

  /** What makes a control the same control after a refresh: its kind, text, target and form. */
  const signature = (el) => {
    const form = el.closest('form');
    const fields = form
      ? [...form.querySelectorAll('input[type=hidden]')]
          .filter((i) => i.name !== 'csrf')
          .map((i) => `${i.name}=${i.value}`)
          .join('&')
      : '';
    return [
      el.tagName,
      el.id,
      el.getAttribute('name') ?? '',
      el.getAttribute('value') ?? '',
      el.getAttribute('href') ?? '',
      el.textContent.trim(),
      form ? (form.getAttribute('action') ?? '') : '',
      fields,
    ].join('|');
  };

  for (const region of document.querySelectorAll('[data-live-stream][data-live-src]')) {
    let pending = false;
    const refresh = async () => {
      if (typing(region)) {
        pending = true;
        return;
      }
      pending = false;
      const res = await fetch(region.dataset.liveSrc, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const focused = region.contains(document.activeElement) ? document.activeElement : null;
      const wanted = focused ? signature(focused) : null;
      const next = document.createElement('template');
      next.innerHTML = await res.text();
      region.replaceChildren(next.content);
      if (focused && wanted) {
        const same = [...region.querySelectorAll(focused.tagName)].find((el) => signature(el) === wanted);
        // The control is gone (the ask closed, the ground was disconnected): keep focus in the region.
        if (same) same.focus();
        else if (region.tabIndex >= 0 || region.hasAttribute('tabindex')) region.focus();
      }
      region.dispatchEvent(new CustomEvent('feelers:refreshed', { bubbles: true }));
    };
    region.addEventListener('focusout', () => {
      if (pending) setTimeout(() => void refresh(), 0);
    });
    const stream = new EventSource(region.dataset.liveStream);
    stream.addEventListener('changed', () => void refresh());
  }
})();
