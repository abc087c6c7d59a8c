/* tracegraph map: draws the JSON payload with vis-network and shows evidence in the side panel.
 * Every piece of data text is put into the page with textContent or as a text node, never as HTML. */
(function () {
  "use strict";

  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("tg-data").textContent);
  var details = data.details || {};
  var container = document.getElementById("tg-map");
  var panel = document.getElementById("tg-panel-body");
  var status = document.getElementById("tg-status");
  var noscript = document.getElementById("tg-noscript");
  if (noscript) { noscript.className += " hidden"; }

  var api = {
    stabilized: false,
    nodeCount: data.nodes.length,
    edgeCount: data.edges.length,
    selected: null,
    // milliseconds since this script started, for bench/maps.py
    timings: {}
  };
  api.timings.start = t0;
  api.timings.parsed = performance.now() - t0;
  window.__tracegraph = api;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function valueNode(value) {
    if (Array.isArray(value)) {
      var list = el("ul");
      value.forEach(function (item) { list.appendChild(el("li", null, item)); });
      return list;
    }
    return document.createTextNode(String(value));
  }

  function fieldList(fields) {
    var dl = el("dl");
    (fields || []).forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      var dd = el("dd");
      dd.appendChild(valueNode(pair[1]));
      dl.appendChild(dd);
    });
    return dl;
  }

  function evidenceTable(rows) {
    var keys = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } });
    });
    var table = el("table");
    var head = el("tr");
    keys.forEach(function (k) { head.appendChild(el("th", null, k)); });
    table.appendChild(head);
    rows.forEach(function (row) {
      var tr = el("tr");
      keys.forEach(function (k) { tr.appendChild(el("td", null, row[k] === undefined ? "" : row[k])); });
      table.appendChild(tr);
    });
    return table;
  }

  // Tooltips are DOM elements built with textContent: vis-network appends them as
  // they are. One shared element serves every node and edge (one popup shows at a
  // time); it is filled on hover, before vis-network's tooltip delay runs out.
  var tip = el("div", "tg-tip");
  function tooltip(id) {
    var d = details[id];
    var box = tip;
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!d) { box.appendChild(el("div", "tg-tip-title", id)); return box; }
    box.appendChild(el("div", "tg-tip-title", d.heading));
    if (d.short) { box.appendChild(el("div", "tg-tip-line", d.short)); }
    var shown = 0;
    (d.fields || []).forEach(function (pair) {
      if (shown >= 4 || pair[0] === "Name" || pair[0] === "From" || pair[0] === "To") { return; }
      var value = Array.isArray(pair[1]) ? pair[1].slice(0, 3).join("; ") + (pair[1].length > 3 ? "; \u2026" : "") : pair[1];
      box.appendChild(el("div", "tg-tip-line", pair[0] + ": " + value));
      shown += 1;
    });
    box.appendChild(el("div", "tg-tip-line", "click for the evidence"));
    return box;
  }

  data.nodes.forEach(function (n) { n.title = tip; });
  data.edges.forEach(function (e) { e.title = tip; });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {nodes: [], edges: []}, data.options);

  // Key nodes keep a label of readable screen size however far the map is zoomed
  // out, placed greedily in rank order and skipped where they would overlap.
  var keyLabels = (data.meta && data.meta.keyLabels) || [];
  var baseFont = {}, radius = {}, labelText = {}, inside = {}, enlarged = {};
  data.nodes.forEach(function (n) {
    baseFont[n.id] = (n.font && n.font.size) || 13;
    radius[n.id] = n.size || 10;
    labelText[n.id] = String(n.label || "");
    inside[n.id] = n.shape === "box";
  });
  var relabelPending = false;
  var SCREEN_PX = 12, MAX_KEY_LABELS = 25;
  function relabel() {
    relabelPending = false;
    if (!keyLabels.length) { return; }
    var scale = Math.max(network.getScale(), 0.01);
    var placed = [], updates = [];
    keyLabels.forEach(function (id) {
      var size = baseFont[id];
      if (placed.length < MAX_KEY_LABELS) {
        var p = network.canvasToDOM(network.getPosition(id));
        var px = Math.max(SCREEN_PX, size * scale);
        var w = labelText[id].length * px * 0.6 + 6, h = px * 1.5;
        // labels sit below dots, triangles...; a box carries its label inside
        var top = inside[id] ? p.y - h / 2 : p.y + radius[id] * scale + 2;
        var box = {x: p.x - w / 2, y: top, w: w, h: h};
        var clash = placed.some(function (b) {
          return box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h;
        });
        if (!clash) {
          placed.push(box);
          size = Math.max(size, Math.min(400, SCREEN_PX / scale));
        }
      }
      if ((enlarged[id] || baseFont[id]) !== size) {
        enlarged[id] = size;
        updates.push({id: id, font: {size: size}});
      }
    });
    if (updates.length) { nodes.update(updates); }
  }
  network.on("zoom", function () {
    if (!relabelPending) { relabelPending = true; window.requestAnimationFrame(relabel); }
  });

  function finishLayout() {
    if (api.stabilized) { return; }
    relabel();
    // Physics off once laid out: the map holds still and nodes move only when dragged.
    network.setOptions({physics: false});
    api.timings.stabilized = performance.now() - t0;
    api.stabilized = true;
    status.textContent = "";
    status.className = "done";
  }
  // Handlers go on before the data so a tiny graph that settles at once is not missed.
  network.on("stabilizationProgress", function (p) {
    api.timings.progress = (api.timings.progress || []).concat([[p.iterations, Math.round(performance.now() - t0)]]);
    status.textContent = "Laying out the map\u2026 " + Math.round(100 * p.iterations / Math.max(1, p.total)) + "%";
  });
  network.once("stabilizationIterationsDone", finishLayout);
  network.once("stabilized", finishLayout);
  api.timings.created = performance.now() - t0;
  network.setData({nodes: nodes, edges: edges});
  api.timings.dataSet = performance.now() - t0;
  if (data.nodes.length === 0) {
    finishLayout();
    status.textContent = "This map has no nodes.";
    status.className = "";
  }

  function heading(d) {
    panel.appendChild(el("h2", null, d.heading));
    if (d.subheading) { panel.appendChild(el("p", "tg-sub", d.subheading)); }
    if (d.short) { panel.appendChild(el("p", "tg-short", d.short)); }
  }

  function section(title) {
    panel.appendChild(el("h3", null, title));
  }

  function linkButton(text, edgeId) {
    var button = el("button", "tg-link", text);
    button.type = "button";
    button.addEventListener("click", function () { select(edgeId); });
    return button;
  }

  function nodeLinks(id) {
    var ids = network.getConnectedEdges(id);
    if (!ids.length) { return; }
    section("Links (" + ids.length + ")");
    var box = el("div");
    ids.slice(0, 200).forEach(function (edgeId) {
      var e = edges.get(edgeId);
      var d = details[edgeId] || {};
      var otherId = e.from === id ? e.to : e.from;
      var other = details[otherId] ? details[otherId].heading : otherId;
      var arrow = e.from === id ? "\u2192 " : "\u2190 ";
      var text = arrow + other + (d.short ? " \u2014 " + d.short.replace(/\n/g, " \u00b7 ") : " \u2014 " + (d.subheading || "link"));
      box.appendChild(linkButton(text, edgeId));
    });
    if (ids.length > 200) { box.appendChild(el("p", "tg-sub", "\u2026 and " + (ids.length - 200) + " more")); }
    panel.appendChild(box);
  }

  function render(id) {
    var d = details[id];
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    if (!d) {
      panel.appendChild(el("p", "tg-hint", "Click a node or a link to see the evidence behind it."));
      return;
    }
    heading(d);
    panel.appendChild(fieldList(d.fields));
    if (d.evidence && d.evidence.length) {
      section("Evidence");
      panel.appendChild(evidenceTable(d.evidence));
    }
    if (d.items && d.items.length) {
      section("Each link");
      d.items.forEach(function (item) {
        var box = el("div", "tg-item");
        if (item.short) { box.appendChild(el("p", "tg-short", item.short)); }
        box.appendChild(fieldList(item.fields.concat(item.other || [])));
        panel.appendChild(box);
      });
    }
    if (d.members && d.members.length) {
      section(d.kind === "summary" ? "Folded nodes" : "Folded links");
      var list = el("ol");
      d.members.forEach(function (m) { list.appendChild(el("li", null, m)); });
      panel.appendChild(list);
    }
    if (d.other && d.other.length) {
      section("Other properties");
      panel.appendChild(fieldList(d.other));
    }
    if (nodes.get(id)) { nodeLinks(id); }
  }

  function select(id) {
    id = String(id);
    if (nodes.get(id)) {
      network.selectNodes([id]);
    } else if (edges.get(id)) {
      network.selectEdges([id]);
    } else {
      return null;
    }
    api.selected = id;
    render(id);
    return panel.textContent;
  }

  network.on("hoverNode", function (params) { tooltip(String(params.node)); });
  network.on("hoverEdge", function (params) { tooltip(String(params.edge)); });

  network.on("click", function (params) {
    if (params.nodes.length) {
      api.selected = String(params.nodes[0]);
      render(api.selected);
    } else if (params.edges.length) {
      api.selected = String(params.edges[0]);
      render(api.selected);
    }
  });

  // Find: the first node whose name, label or id contains the text.
  document.getElementById("tg-find").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("tg-find-input").value.trim().toLowerCase();
    if (!query) { return; }
    var hit = nodes.get({filter: function (n) {
      var d = details[n.id] || {};
      return String(n.id).toLowerCase().indexOf(query) >= 0 ||
        String(n.label || "").toLowerCase().indexOf(query) >= 0 ||
        String(d.heading || "").toLowerCase().indexOf(query) >= 0;
    }})[0];
    if (hit) {
      select(hit.id);
      network.focus(hit.id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    }
  });

  api.select = select;
  api.panelText = function () { return panel.textContent; };
  api.nodeIds = function () { return nodes.getIds(); };
  api.edgeIds = function () { return edges.getIds(); };
  api.edgesBetween = function (a, b) {
    a = String(a); b = String(b);
    return edges.getIds({filter: function (e) {
      return (e.from === a && e.to === b) || (e.from === b && e.to === a);
    }});
  };
  api.node = function (id) { var n = nodes.get(String(id)); return n ? {id: n.id, label: n.label, shape: n.shape, color: n.color} : null; };
  // What the tooltip of a node or edge shows: the element vis-network pops up, filled as on hover.
  api.tooltipText = function (id) {
    var item = nodes.get(String(id)) || edges.get(String(id));
    if (!item || !(item.title instanceof Element)) { return null; }
    tooltip(String(id));
    return item.title.textContent;
  };
  api.physicsEnabled = function () { return network.physics.physicsEnabled; };
  api.positions = function () { return network.getPositions(); };
  api.network = network;
})();
