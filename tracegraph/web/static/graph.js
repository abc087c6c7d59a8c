// The workbench graph view. Everything from the data is written with textContent, never as
// HTML; the server answers JSON only. window.__workbench is for people and tests alike.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graph-config").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var container = document.getElementById("wb-graph");
  var panel = document.getElementById("panel");
  var statusBox = document.getElementById("status");
  var network = null;
  var details = {};
  var ids = config.ids.slice();
  var expanded = {};   // node id -> {total, next}
  var busy = 0;
  var DAY = 86400000;
  var first = config.first ? Date.parse(config.first) : null;
  var last = config.last ? Date.parse(config.last) : null;
  var fromRange = document.getElementById("from-range");
  var toRange = document.getElementById("to-range");
  var hsBox = document.getElementById("hs");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function filters() {
    var f = {hs: hsBox.value.trim()};
    if (first !== null) {
      var a = Number(fromRange.value), b = Number(toRange.value);
      f.from = a > 0 ? iso(first + a * DAY) : "";
      f.to = b < Number(toRange.max) ? iso(first + b * DAY) : "";
    }
    return f;
  }
  function labels() {
    if (first === null) { return; }
    document.getElementById("from-label").textContent = iso(first + Number(fromRange.value) * DAY);
    document.getElementById("to-label").textContent = iso(first + Number(toRange.value) * DAY);
  }
  function say(text) { statusBox.textContent = text; }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body)}).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
          return data;
        });
      });
  }

  function draw(data) {
    var payload = data.payload;
    details = payload.details || {};
    ids = data.ids.slice();
    var keep = {};
    payload.nodes.forEach(function (n) { keep[n.id] = true; });
    nodes.remove(nodes.getIds().filter(function (id) { return !keep[id]; }));
    var anchor = data.paging && network ? network.getPositions([data.paging.id])[data.paging.id] : null;
    payload.nodes.forEach(function (n) {
      var old = nodes.get(n.id);
      if (old) { delete n.x; delete n.y; }
      else if (anchor) { n.x = anchor.x + (Math.random() - 0.5) * 200; n.y = anchor.y + (Math.random() - 0.5) * 200; }
      nodes.update(n);
    });
    edges.clear();
    edges.add(payload.edges);
    if (!network) {
      var options = payload.options || {};
      options.interaction = Object.assign({}, options.interaction || {}, {hover: true});
      network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
      network.on("click", onClick);
      network.on("stabilized", function () { api.stabilized = true; });
    } else {
      network.stabilize(100);
    }
    if (data.paging) {
      expanded[data.paging.id] = {total: data.paging.total, next: data.paging.next};
    }
    api.nodeCount = nodes.length;
    api.edgeCount = edges.length;
  }

  function load(extra) {
    busy += 1;
    api.ready = false;
    say("loading…");
    var body = Object.assign({ids: ids, focus: config.focus}, filters(), extra || {});
    return post("/api/view", body).then(function (data) {
      draw(data);
      say(nodes.length + " entities, " + edges.length + " links");
      return data;
    }).catch(function (err) { say(err.message); throw err; })
      .finally(function () { busy -= 1; api.ready = busy === 0; });
  }

  function expand(id, more) {
    var state = expanded[id];
    var offset = more && state ? state.next : 0;
    return load({expand: id, offset: offset}).then(function () { showNode(id); });
  }

  function fieldList(fields) {
    var dl = el("dl");
    (fields || []).forEach(function (pair) {
      dl.appendChild(el("dt", pair[0]));
      var v = pair[1];
      dl.appendChild(el("dd", Array.isArray(v) ? v.join("; ") : v));
    });
    return dl;
  }

  function showNode(id) {
    var d = details[id] || {};
    panel.replaceChildren();
    panel.appendChild(el("h2", d.heading || id));
    panel.appendChild(el("p", d.subheading || "", "kind"));
    panel.appendChild(fieldList(d.fields));
    var open = el("a", "Open the entity page");
    open.href = "/entity/" + encodeURIComponent(id);
    panel.appendChild(open);
    var state = expanded[id];
    if (state) {
      var shown = Math.min(state.next, state.total);
      panel.appendChild(el("p", "Neighbours shown: " + shown.toLocaleString("en") + " of " + state.total.toLocaleString("en"), "paging"));
      if (state.next < state.total) {
        var more = el("button", "Show " + Math.min(config.page, state.total - state.next) + " more of " + state.total.toLocaleString("en"), "more");
        more.type = "button";
        more.addEventListener("click", function () { expand(id, true); });
        panel.appendChild(more);
      }
    }
  }

  function evidence(a, b) {
    var f = filters();
    var q = new URLSearchParams({a: a, b: b, from: f.from || "", to: f.to || "", hs: f.hs || ""});
    return fetch("/api/evidence?" + q.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); });
  }

  function showEdge(edgeId) {
    var e = edges.get(edgeId);
    var d = details[edgeId] || {};
    panel.replaceChildren();
    panel.appendChild(el("h2", d.heading || "link"));
    panel.appendChild(el("p", d.subheading || "", "kind"));
    panel.appendChild(fieldList(d.fields));
    return evidence(e.from, e.to).then(function (data) {
      if (!data.shipments || !data.shipments.length) { return data; }
      panel.appendChild(el("h3", "Evidence: " + data.shown + " of " + data.total + " shipments"));
      var table = el("table", null, "evidence");
      var head = el("tr");
      ["record id", "date", "HS", "quantity", "value", "file", "row", "sha256"].forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      data.shipments.forEach(function (s) {
        var src = s.sources[0] || {};
        var tr = el("tr");
        [s.record_id, s.date, s.hs_code, s.quantity === null ? "" : s.quantity + " " + (s.unit || ""),
         s.value_usd === null ? "" : "$" + Number(s.value_usd).toLocaleString("en"),
         src.file, src.row, src.sha256].forEach(function (v) { tr.appendChild(el("td", v === undefined || v === null ? "" : v)); });
        table.appendChild(tr);
      });
      panel.appendChild(table);
      return data;
    });
  }

  function onClick(params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      showNode(id);
      if (!expanded[id] && details[id] && details[id].kind === "node") { expand(id, false); }
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    }
  }

  function exportView() {
    say("exporting…");
    return post("/api/export", Object.assign({ids: ids, focus: config.focus}, filters())).then(function (data) {
      var box = document.getElementById("exports");
      box.replaceChildren(el("h3", "Exported"));
      var list = el("ul");
      data.files.forEach(function (f) {
        var li = el("li");
        var a = el("a", f.name);
        a.href = f.url;
        a.setAttribute("download", f.name);
        li.appendChild(a);
        li.appendChild(el("small", " " + f.path));
        list.appendChild(li);
      });
      box.appendChild(list);
      say("exported " + data.files.length + " files");
      return data;
    });
  }

  if (first !== null && last !== null) {
    var span = Math.round((last - first) / DAY);
    fromRange.max = toRange.max = String(span);
    toRange.value = String(span);
    labels();
  }
  [fromRange, toRange].forEach(function (r) {
    r.addEventListener("input", labels);
    r.addEventListener("change", function () { load(); });
  });
  document.getElementById("apply").addEventListener("click", function () { load(); });
  document.getElementById("export").addEventListener("click", exportView);

  var api = {
    ready: false, stabilized: false, nodeCount: 0, edgeCount: 0,
    nodeIds: function () { return nodes.getIds(); },
    edgesBetween: function (a, b) {
      return edges.get().filter(function (e) { return (e.from === a && e.to === b) || (e.from === b && e.to === a); }).map(function (e) { return e.id; });
    },
    expand: expand,
    click: function (id) { onClick({nodes: [id], edges: []}); },
    showEdge: showEdge,
    panelText: function () { return panel.textContent; },
    setRange: function (from, to) {
      if (from) { fromRange.value = String(Math.round((Date.parse(from) - first) / DAY)); }
      if (to) { toRange.value = String(Math.round((Date.parse(to) - first) / DAY)); }
      labels();
      fromRange.dispatchEvent(new Event("change"));
    },
    load: load,
    exportView: exportView
  };
  window.__workbench = api;
  load(config.expand ? {expand: config.focus, offset: 0} : {});
})();
