// The case network, drawn with cytoscape (installed from npm at set-up).
// Labels are drawn on a canvas and details are shown with textContent, so
// hostile handles and hashtags are never parsed as HTML.
"use strict";
(function () {
  const box = document.getElementById("graph");
  if (!box || typeof cytoscape !== "function") { return; }
  const info = document.getElementById("graph-info");
  const colours = { account: "#2f6fd0", hashtag: "#2e9d57", finding: "#c0392b" };
  fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (g) {
      box.textContent = "";
      const elements = g.nodes.map(function (n) { return { data: n }; }).concat(
        g.edges.map(function (e, i) { return { data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind } }; }));
      const cy = cytoscape({
        container: box,
        elements: elements,
        layout: { name: "cose", animate: false, randomize: false },
        style: [
          { selector: "node", style: { "label": "data(label)", "font-size": 9, "width": 14, "height": 14,
                                       "background-color": function (n) { return colours[n.data("kind")] || "#777"; } } },
          { selector: "node[kind = 'finding']", style: { "shape": "diamond", "width": 22, "height": 22 } },
          { selector: "edge", style: { "width": 1, "line-color": "#b8c0cc", "curve-style": "haystack" } },
        ],
      });
      window.civicshieldGraph = cy;
      box.dataset.ready = String(g.nodes.length);
      info.textContent = g.nodes.length + " nodes, " + g.edges.length + " edges" +
        (g.truncated ? " (cut to the first " + g.nodes.length + " nodes)" : "");
      cy.on("tap", "node", function (ev) {
        const d = ev.target.data();
        info.textContent = d.kind + ": " + d.label + " (" + ev.target.degree() + " links)";
      });
    })
    .catch(function (err) { info.textContent = "The graph could not be loaded: " + err.message; });
})();
