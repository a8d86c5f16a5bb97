// The console's communities page: draws who helps whom with cytoscape (served from /assets/).
// Without script the page still has the same figures as a table.
(() => {
  'use strict';
  const box = document.querySelector('[data-graph-src]');
  if (!box || typeof window.cytoscape !== 'function') return;

  // cytoscape adds its one CSS rule (position: relative on its container) as an inline <style>
  // element, which the Content-Security-Policy (style-src 'self') refuses, with an error on the
  // console. It skips that when an element with this id exists: feelers.css carries the rule
  // (.graph), so a marker is all it needs.
  const MARKER = '__________cytoscape_stylesheet';
  if (!document.getElementById(MARKER)) {
    const marker = document.createElement('meta');
    marker.id = MARKER;
    document.head.append(marker);
  }

  const say = (text) => {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = text;
    box.replaceChildren(p);
  };

  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  const draw = (g) => {
    const ids = new Set(g.nodes.map((n) => n.id));
    const edges = g.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
    if (g.nodes.length === 0) return say('No community yet.');
    const most = Math.max(1, ...edges.map((e) => e.replies + e.intros));
    // Names go in as data and are drawn on a canvas as text: nothing here is parsed as markup.
    const elements = [
      ...g.nodes.map((n) => ({ data: { id: n.id, label: `${n.name} (${n.network})` } })),
      ...edges.map((e, i) => ({
        data: {
          id: `edge-${i}`,
          source: e.from,
          target: e.to,
          width: 2 + (8 * (e.replies + e.intros)) / most,
          label: `${count(e.replies, 'reply', 'replies')}, ${count(e.intros, 'intro', 'intros')}`,
        },
      })),
    ];
    window.cytoscape({
      container: box,
      elements,
      boxSelectionEnabled: false,
      userZoomingEnabled: false,
      layout: { name: g.nodes.length > 2 ? 'circle' : 'grid', padding: 40 },
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'background-color': '#0b5cad',
            color: '#1b1f24',
            'font-size': 13,
            'text-valign': 'bottom',
            'text-margin-y': 6,
            'text-wrap': 'wrap',
            'text-max-width': 160,
          },
        },
        {
          selector: 'edge',
          style: {
            width: 'data(width)',
            'line-color': '#4b5563',
            'target-arrow-color': '#4b5563',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 11,
            color: '#1b1f24',
            'text-background-color': '#ffffff',
            'text-background-opacity': 1,
            'text-rotation': 'autorotate',
          },
        },
      ],
    });
    box.dataset.drawn = String(g.nodes.length);
  };

  fetch(box.dataset.graphSrc, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
    .then(draw)
    .catch(() => say('The graph could not be drawn; the table below has the same figures.'));
})();
