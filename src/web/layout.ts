import { html, type HtmlValue, type SafeHtml } from './html.js';

export interface PageOptions {
  /** The document's title; also the page's one `<h1>` unless `heading` says otherwise. */
  readonly title: string;
  readonly heading?: HtmlValue;
  /** Links in the header's navigation: [label, href, current?]. */
  readonly nav?: readonly (readonly [string, string, boolean?])[] | undefined;
  readonly body: HtmlValue;
  /** Script files under /assets/ to load (deferred); never inline script. */
  readonly scripts?: readonly string[] | undefined;
  /** Extra stylesheets under /assets/. */
  readonly styles?: readonly string[] | undefined;
  /** Controls at the end of the header, after the navigation (the console's Sign out). */
  readonly headerEnd?: HtmlValue;
}

/**
 * The shell every page shares: language, viewport, a skip link to the main content, one
 * header with a labelled navigation, one `<main>`. Scripts only enhance: every form and link
 * works without them.
 */
export function page(o: PageOptions): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · feelers</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/feelers.css" />
        ${(o.styles ?? []).map((s) => html`<link rel="stylesheet" href="/assets/${s}" />`)}
        <script src="/assets/enhance.js" defer></script>
        ${(o.scripts ?? []).map((s) => html`<script src="/assets/${s}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <span class="brand">feelers</span>
          ${
            o.nav && o.nav.length > 0
              ? html`<nav aria-label="Main">
                  <ul>
                    ${o.nav.map(
                      ([label, href, current]) =>
                        html`<li><a href="${href}" ${current ? html` aria-current="page"` : ''}>${label}</a></li>`,
                    )}
                  </ul>
                </nav>`
              : ''
          }
          ${o.headerEnd}
        </header>
        <main id="main" tabindex="-1">
          <h1>${o.heading ?? o.title}</h1>
          ${o.body}
        </main>
      </body>
    </html> `;
}

/** "3 minutes ago"-free absolute time, UTC, readable and stable in tests: 2026-12-04 15:55 UTC. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
