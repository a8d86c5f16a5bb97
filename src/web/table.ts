import { html, type HtmlValue, type SafeHtml } from './html.js';

export interface DataTableOptions {
  /** Names the table for assistive technology (and for tests' getByRole('table', { name })). */
  readonly caption: HtmlValue;
  /** Shown to screen readers only, where a heading above already says it to everyone else. */
  readonly captionHidden?: boolean | undefined;
  /** Column headings, each a `<th scope="col">`. */
  readonly columns: readonly HtmlValue[];
  /** The body's rows (`<tr>`…). */
  readonly rows: readonly SafeHtml[];
  /** Shown as one full-width row when there are no rows; without it, an empty body. */
  readonly empty?: string | undefined;
}

/** A data table as every page writes it: a caption, a head of column headings, a body of rows. */
export function dataTable(o: DataTableOptions): SafeHtml {
  const body =
    o.rows.length === 0 && o.empty !== undefined ? html`<tr><td colspan="${o.columns.length}" class="muted">${o.empty}</td></tr>` : o.rows;
  return html`<table>
  <caption${o.captionHidden ? html` class="visually-hidden"` : ''}>${o.caption}</caption>
  <thead>
    <tr>${o.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr>
  </thead>
  <tbody>
    ${body}
  </tbody>
</table>`;
}
