import { describe, expect, it } from 'vitest';
import { html } from '../../src/web/html.js';
import { dataTable } from '../../src/web/table.js';

describe('dataTable', () => {
  it('writes a caption, one column heading per column and the rows, escaping text', () => {
    const out = dataTable({
      caption: 'Asks <all>',
      columns: ['Question', html`<span>Action</span>`],
      rows: [html`<tr><td>x</td></tr>`],
    }).value;
    expect(out).toContain('<caption>Asks &lt;all&gt;</caption>');
    expect(out.match(/<th scope="col">/g)).toHaveLength(2);
    expect(out).toContain('<th scope="col"><span>Action</span></th>');
    expect(out).toContain('<tr><td>x</td></tr>');
    expect(out).not.toContain('colspan');
  });

  it('says why it is empty in one full-width row, and hides the caption when asked', () => {
    const out = dataTable({ caption: 'c', captionHidden: true, columns: ['a', 'b', 'c'], rows: [], empty: 'Nothing <yet>.' }).value;
    expect(out).toContain('<caption class="visually-hidden">c</caption>');
    expect(out).toContain('<td colspan="3" class="muted">Nothing &lt;yet&gt;.</td>');
    expect(dataTable({ caption: 'c', columns: ['a'], rows: [] }).value).not.toContain('<td');
  });
});
