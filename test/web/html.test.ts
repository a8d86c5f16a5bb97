import { describe, expect, it } from 'vitest';
import { escapeHtml, html, safeHref, trusted } from '../../src/web/html.js';

describe('html templates', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const evil = `<script>alert(1)</script><img src=x onerror="alert('x')">\``;
    const out = html`<p title="${evil}">${evil}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).not.toMatch(/title="[^"]*"[^>]*onerror/);
    expect(out).toBe(`<p title="${escapeHtml(evil)}">${escapeHtml(evil)}</p>`);
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('nests templates without escaping them twice, and renders lists, numbers and nothing', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${0}${undefined}${null}${false}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`${trusted('<hr>')}`.value).toBe('<hr>');
  });

  it('keeps only http(s), mailto and same-site links', () => {
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref('https://discord.com/channels/1/2/3')).toBe('https://discord.com/channels/1/2/3');
    expect(safeHref('/console/ask?id=a1')).toBe('/console/ask?id=a1');
    expect(safeHref('#m12')).toBe('#m12');
  });
});
