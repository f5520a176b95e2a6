/* hutan_geo: compact point layers, popups built from text nodes, search.
 *
 * Points arrive as columns (integer coordinates, group codes, dictionary-encoded
 * text fields) and are drawn on one canvas per layer; popups and tooltips are
 * built with textContent, so user text is never parsed as HTML or script.
 */
(function () {
  "use strict";
  if (!window.L || L.HutanStore) { return; }

  var LOG4PI = 4 * Math.PI;
  window.__hutan = window.__hutan || { layers: [], stores: [] };

  /* Values arrive HTML-escaped (hutan_geo.maps.safe_text); decode them to plain text (a textarea
     parses only text and character references) and only ever show them through textContent. */
  var decoder = document.createElement("textarea");
  function hutanText(v) {
    if (v === null || v === undefined) { return ""; }
    v = String(v);
    if (v.indexOf("&") < 0) { return v; }
    decoder.innerHTML = v;
    return decoder.value;
  }
  L.hutanText = hutanText;

  function textNode(v) {
    var span = document.createElement("span");
    span.textContent = hutanText(v);
    return span;
  }

  function rowsNode(title, rows) {
    var box = document.createElement("div");
    box.className = "hutan-popup";
    if (title) {
      var head = document.createElement("div");
      head.className = "hutan-popup-title";
      head.textContent = hutanText(title);
      box.appendChild(head);
    }
    var table = document.createElement("table");
    for (var r = 0; r < rows.length; r++) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = hutanText(rows[r][0]);
      var td = document.createElement("td");
      td.textContent = hutanText(rows[r][1]);
      tr.appendChild(th); tr.appendChild(td); table.appendChild(tr);
    }
    box.appendChild(table);
    return box;
  }

  function mercX(lon) { return (lon / 360 + 0.5) * 256; }
  function mercY(lat) {
    var s = Math.sin(lat * Math.PI / 180);
    s = Math.min(Math.max(s, -0.9999), 0.9999);
    return (0.5 - Math.log((1 + s) / (1 - s)) / LOG4PI) * 256;
  }

  /* ---------------------------------------------------------------- store */
  L.HutanStore = L.Class.extend({
    initialize: function (data) {
      var n = this.n = data.n, k = data.k, i;
      this.groups = data.groups;
      this.fields = data.fields;
      this.title = data.title;
      this.tip = data.tip;
      this.search = data.search || [];
      this.lat = new Float64Array(n);
      this.lon = new Float64Array(n);
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
      this.g = data.g || null;
      this.faded = data.faded || null;
      var x = 0, y = 0;
      for (i = 0; i < n; i++) {
        x += data.x[i]; y += data.y[i];  /* delta-encoded */
        this.lon[i] = data.x0 + x / k;
        this.lat[i] = data.y0 + y / k;
        this.px[i] = mercX(this.lon[i]);
        this.py[i] = mercY(this.lat[i]);
      }
      window.__hutan.stores.push(this);
    },
    value: function (f, i) {
      var field = this.fields[f];
      return hutanText(field.dict ? field.dict[field.index[i]] : field.values[i]);
    },
    latLng: function (i) { return L.latLng(this.lat[i], this.lon[i]); },
    group: function (i) { return this.g ? this.g[i] : 0; },
    isFaded: function (i) { return this.faded ? this.faded[i] === 1 : false; },
    popupNode: function (i) {
      var box = document.createElement("div");
      box.className = "hutan-popup";
      var head = document.createElement("div");
      head.className = "hutan-popup-title";
      head.textContent = this.value(this.title, i);
      box.appendChild(head);
      var table = document.createElement("table");
      for (var f = 0; f < this.fields.length; f++) {
        if (f === this.title) { continue; }
        var v = this.value(f, i);
        if (v === "") { continue; }
        var tr = document.createElement("tr");
        var th = document.createElement("th");
        th.textContent = hutanText(this.fields[f].label);
        var td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(th); tr.appendChild(td); table.appendChild(tr);
      }
      box.appendChild(table);
      return box;
    },
    tipNode: function (i) {
      var span = document.createElement("span");
      span.textContent = this.value(this.tip, i) || this.value(this.title, i);
      return span;
    },
    haystack: function (i) {
      if (!this._hay) {
        this._hay = new Array(this.n);
      }
      if (this._hay[i] === undefined) {
        var parts = [];
        for (var s = 0; s < this.search.length; s++) { parts.push(this.value(this.search[s], i)); }
        this._hay[i] = parts.join(" \u0001 ").toLowerCase();
      }
      return this._hay[i];
    }
  });
  L.hutanStore = function (data) { return new L.HutanStore(data); };

  /* ---------------------------------------------------------------- canvas layer */
  L.HutanPoints = L.Renderer.extend({
    options: { padding: 0.1, group: 0, iconZoom: 15, minRadius: 3.5 },

    initialize: function (store, options) {
      L.Renderer.prototype.initialize.call(this, options);
      this.store = store;
      var idx = [], g = this.options.group;
      for (var i = 0; i < store.n; i++) { if (store.group(i) === g) { idx.push(i); } }
      this.idx = Int32Array.from(idx);
      this.drawn = 0;
      this.draws = 0;
      window.__hutan.layers.push(this);
    },

    onAdd: function (map) {
      L.Renderer.prototype.onAdd.call(this, map);
      this._draw();
      hutanInteraction(map).add(this);
      var self = this;
      if (document.fonts && document.fonts.load) {
        document.fonts.load('900 12px "Font Awesome 6 Free"').then(function () { if (self._map) { self._draw(); } },
          function () { /* no icon font: circles only */ });
      }
    },

    onRemove: function (map) {
      hutanInteraction(map).remove(this);
      L.Renderer.prototype.onRemove.call(this, map);
    },

    _initContainer: function () {
      var c = this._container = document.createElement("canvas");
      c.className = "hutan-points";
      this._ctx = c.getContext("2d");
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },

    _updatePaths: function () { },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, c = this._container, size = b.getSize(), m = L.Browser.retina ? 2 : 1;
      L.DomUtil.setPosition(c, b.min);
      c.width = m * size.x; c.height = m * size.y;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      this._ctx.setTransform(m, 0, 0, m, -m * b.min.x, -m * b.min.y);
      this._draw();
    },

    radius: function (zoom) {
      var r = zoom >= 16 ? 9 : zoom >= 15 ? 8 : zoom >= 13 ? 6 : zoom >= 11 ? 5 : this.options.minRadius;
      return r;
    },

    _draw: function () {
      if (!this._map || !this._ctx || !this._bounds) { return; }
      var map = this._map, ctx = this._ctx, st = this.store, idx = this.idx;
      var z = map.getZoom(), f = Math.pow(2, z), o = map.getPixelOrigin();
      var b = this._bounds, r = this.radius(z);
      var x0 = b.min.x - r, x1 = b.max.x + r, y0 = b.min.y - r, y1 = b.max.y + r;
      var grp = st.groups[this.options.group] || {};
      var colour = grp.color || "#3388ff";
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this._container.width, this._container.height);
      ctx.restore();
      var pass, n = 0, visible = [];
      for (pass = 0; pass < 2; pass++) {  /* faded first, then open items on top */
        ctx.beginPath();
        var any = false;
        for (var j = 0; j < idx.length; j++) {
          var i = idx[j];
          if ((pass === 0) !== st.isFaded(i)) { continue; }
          var x = st.px[i] * f - o.x, y = st.py[i] * f - o.y;
          if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          any = true; n++;
          visible.push(i);
        }
        if (!any) { continue; }
        ctx.globalAlpha = pass === 0 ? 0.35 : 0.95;
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.globalAlpha = pass === 0 ? 0.5 : 1;
        ctx.lineWidth = 1;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      if (grp.glyph && z >= this.options.iconZoom && visible.length <= 5000) {
        ctx.font = '900 ' + Math.round(r * 1.1) + 'px "Font Awesome 6 Free"';
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillStyle = "#ffffff";
        for (var v = 0; v < visible.length; v++) {
          var k = visible[v];
          ctx.globalAlpha = st.isFaded(k) ? 0.6 : 1;
          ctx.fillText(grp.glyph, st.px[k] * f - o.x, st.py[k] * f - o.y + 0.5);
        }
        ctx.globalAlpha = 1;
      }
      this.drawn = n;
      this.draws += 1;
      this.fire("hutandraw", { drawn: n });
    },

    /* nearest point of this layer within the touch radius of a layer point, or -1 */
    hit: function (lp) {
      var map = this._map, st = this.store, idx = this.idx;
      var z = map.getZoom(), f = Math.pow(2, z), o = map.getPixelOrigin();
      var r = this.radius(z) + 3, best = -1, bestD = r * r;
      for (var j = 0; j < idx.length; j++) {
        var i = idx[j];
        var dx = st.px[i] * f - o.x - lp.x;
        if (dx > r || dx < -r) { continue; }
        var dy = st.py[i] * f - o.y - lp.y;
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      return best === -1 ? null : { index: best, d: bestD };
    },

    openPopupFor: function (i) {
      if (!this._map) { return null; }
      return L.popup({ maxWidth: 360, className: "hutan-leaflet-popup" })
        .setLatLng(this.store.latLng(i)).setContent(this.store.popupNode(i)).openOn(this._map);
    },

    containerPointOf: function (i) {
      return this._map.latLngToContainerPoint(this.store.latLng(i));
    }
  });
  L.hutanPoints = function (store, options) { return new L.HutanPoints(store, options); };

  /* ---------------------------------------------------------------- vector layers */
  /* GeoJSON with styles looked up by index (properties.s), tooltip text (t), popup rows (p, title h),
     and optional direction arrows [[lat, lon, bearing], ...]. */
  L.hutanGeoJson = function (data, styles, options) {
    options = options || {};
    function styleOf(f) { return styles[(f.properties && f.properties.s) || 0] || styles[0]; }
    var layer = L.geoJson(data, {
      interactive: options.interactive !== false,
      style: styleOf,
      pointToLayer: function (f, ll) {
        var p = f.properties || {};
        if (p.n === undefined || p.n === null) { return L.circleMarker(ll, styleOf(f)); }
        /* a numbered stop: the number as a text node in a ring of the layer's colour */
        var st = styleOf(f), el = document.createElement("div");
        el.className = "hutan-stop";
        el.style.borderColor = st.color || "#333";
        el.style.color = st.color || "#333";
        el.textContent = String(p.n);
        return L.marker(ll, {
          icon: L.divIcon({ html: el, className: "hutan-stop-icon", iconSize: [20, 20], iconAnchor: [10, 10] })
        });
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties || {};
        if (p.t) { lyr.bindTooltip(textNode(p.t), { sticky: !!options.sticky, direction: "top", opacity: 0.95 }); }
        if (p.p && p.p.length) {
          lyr.bindPopup(function () { return rowsNode(p.h, p.p); }, { maxWidth: 360, className: "hutan-leaflet-popup" });
        }
      }
    });
    var arrows = options.arrows || [];
    for (var a = 0; a < arrows.length; a++) {
      var el = document.createElement("div");
      el.className = "hutan-arrow";
      el.style.color = options.arrowColor || "#333";
      el.style.transform = "rotate(" + (arrows[a][2] - 90) + "deg)";
      el.textContent = "\u27a4";
      layer.addLayer(L.marker([arrows[a][0], arrows[a][1]], {
        icon: L.divIcon({ html: el, className: "hutan-arrow-icon", iconSize: [14, 14], iconAnchor: [7, 7] }),
        interactive: false, keyboard: false
      }));
    }
    layer.arrowCount = arrows.length;
    return layer;
  };

  /* ---------------------------------------------------------------- clustered markers */
  L.hutanCluster = function (store, options) {
    var opts = L.extend({ group: 0, chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 }, options);
    var grp = store.groups[opts.group] || {};
    var cluster = L.markerClusterGroup({
      chunkedLoading: opts.chunkedLoading,
      showCoverageOnHover: opts.showCoverageOnHover,
      maxClusterRadius: opts.maxClusterRadius
    });
    var markers = [];
    for (var i = 0; i < store.n; i++) {
      if (store.group(i) !== opts.group) { continue; }
      var html = document.createElement("div");
      html.className = "hutan-pin" + (store.isFaded(i) ? " hutan-faded" : "");
      html.style.backgroundColor = grp.color || "#3388ff";
      if (grp.icon) {
        var ic = document.createElement("i");
        ic.className = "fa-solid " + grp.icon;
        html.appendChild(ic);
      }
      var marker = L.marker(store.latLng(i), {
        icon: L.divIcon({ html: html, className: "hutan-pin-icon", iconSize: [20, 20], iconAnchor: [10, 10] })
      });
      marker._hutanIndex = i;
      markers.push(marker);
    }
    cluster.addLayers(markers);
    cluster.on("click", function (e) {
      var i = e.layer._hutanIndex;
      L.popup({ maxWidth: 360, className: "hutan-leaflet-popup" })
        .setLatLng(store.latLng(i)).setContent(store.popupNode(i)).openOn(e.target._map);
    });
    cluster.on("mouseover", function (e) {
      var i = e.layer._hutanIndex;
      e.layer.bindTooltip(store.tipNode(i), { direction: "top", offset: [0, -8] }).openTooltip();
    });
    cluster.store = store;
    cluster.hutanGroup = opts.group;
    cluster.markerCount = markers.length;
    window.__hutan.layers.push(cluster);
    return cluster;
  };

  /* ---------------------------------------------------------------- click and hover */
  function hutanInteraction(map) {
    if (map._hutanInteraction) { return map._hutanInteraction; }
    var layers = [];
    var tip = L.tooltip({ direction: "top", offset: [0, -6], opacity: 0.95, className: "hutan-tip" });
    var pending = null, current = null;
    function find(lp) {
      var best = null, layer = null;
      for (var k = 0; k < layers.length; k++) {
        if (!map.hasLayer(layers[k])) { continue; }
        var h = layers[k].hit(lp);
        if (h && (!best || h.d <= best.d)) { best = h; layer = layers[k]; }
      }
      return best ? { layer: layer, index: best.index } : null;
    }
    map.on("click", function (e) {
      var h = find(e.layerPoint);
      if (h) { h.layer.openPopupFor(h.index); }
    });
    map.on("mousemove", function (e) {
      pending = e;
      L.Util.requestAnimFrame(function () {
        if (!pending) { return; }
        var ev = pending; pending = null;
        var h = find(ev.layerPoint);
        var key = h ? h.layer._leaflet_id + ":" + h.index : null;
        if (key === current) { return; }
        current = key;
        map.getContainer().style.cursor = h ? "pointer" : "";
        if (h) {
          tip.setLatLng(h.layer.store.latLng(h.index)).setContent(h.layer.store.tipNode(h.index));
          map.openTooltip(tip);
        } else {
          map.closeTooltip(tip);
        }
      });
    });
    map.on("mouseout", function () { current = null; map.closeTooltip(tip); });
    map._hutanInteraction = {
      add: function (layer) { if (layers.indexOf(layer) < 0) { layers.push(layer); } },
      remove: function (layer) { var k = layers.indexOf(layer); if (k >= 0) { layers.splice(k, 1); } },
      layers: layers
    };
    return map._hutanInteraction;
  }

  /* ---------------------------------------------------------------- search */
  L.Control.HutanSearch = L.Control.extend({
    options: { position: "topleft", placeholder: "Search", empty: "No match", maxResults: 12 },

    onAdd: function (map) {
      var box = L.DomUtil.create("div", "hutan-search leaflet-bar");
      var input = this._input = L.DomUtil.create("input", "hutan-search-input", box);
      input.type = "search";
      input.placeholder = this.options.placeholder;
      input.setAttribute("aria-label", this.options.placeholder);
      var list = this._list = L.DomUtil.create("ul", "hutan-search-results", box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var self = this, timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { self.search(input.value); }, 120);
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { clearTimeout(timer); self.search(input.value, true); }
      });
      return box;
    },

    _sources: function () {
      var map = this._map, out = [];
      var all = window.__hutan.layers;
      for (var k = 0; k < all.length; k++) {
        var layer = all[k];
        if (layer._hutanMap === map || layer._map === map) { out.push(layer); }
      }
      return out;
    },

    search: function (text, openFirst) {
      var q = String(text || "").trim().toLowerCase(), list = this._list, max = this.options.maxResults;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!q) { return []; }
      var hits = [], sources = this._sources(), seen = {};
      for (var s = 0; s < sources.length && hits.length < max; s++) {
        var layer = sources[s], st = layer.store, g = layer.hutanGroup !== undefined ? layer.hutanGroup : layer.options.group;
        for (var i = 0; i < st.n && hits.length < max; i++) {
          if (st.group(i) !== g) { continue; }
          if (st.haystack(i).indexOf(q) >= 0) { hits.push({ layer: layer, index: i }); }
        }
      }
      var self = this;
      hits.forEach(function (h) {
        var li = document.createElement("li");
        var st = h.layer.store;
        var title = document.createElement("b");
        title.textContent = st.value(st.title, h.index);
        var rest = document.createElement("span");
        var extra = [];
        for (var q2 = 0; q2 < st.search.length; q2++) {
          if (st.search[q2] !== st.title) { extra.push(st.value(st.search[q2], h.index)); }
        }
        rest.textContent = " " + extra.filter(function (v) { return v; }).join(" · ");
        li.appendChild(title); li.appendChild(rest);
        li.addEventListener("click", function () { self.go(h); });
        list.appendChild(li);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "hutan-search-empty";
        none.textContent = this.options.empty;
        list.appendChild(none);
      }
      if (openFirst && hits.length) { this.go(hits[0]); }
      return hits;
    },

    go: function (h) {
      var map = this._map, st = h.layer.store, ll = st.latLng(h.index);
      var owner = h.layer._hutanOwner || h.layer;
      if (!map.hasLayer(owner)) { map.addLayer(owner); }
      map.setView(ll, Math.max(map.getZoom(), 16), { animate: false });
      L.popup({ maxWidth: 360, className: "hutan-leaflet-popup" }).setLatLng(ll).setContent(st.popupNode(h.index)).openOn(map);
    }
  });
  L.control.hutanSearch = function (options) { return new L.Control.HutanSearch(options); };

  /* ---------------------------------------------------------------- readiness (tests, PNG export) */
  window.hutanMapsReady = function () {
    var maps = [];
    for (var key in window) {
      if (key.indexOf("map_") === 0 && window[key] instanceof L.Map) { maps.push(window[key]); }
    }
    if (!maps.length) { return false; }
    for (var m = 0; m < maps.length; m++) {
      var map = maps[m], busy = false;
      map.eachLayer(function (layer) {
        if (layer instanceof L.GridLayer && layer.isLoading && layer.isLoading()) { busy = true; }
        if (layer instanceof L.HutanPoints && layer.draws === 0) { busy = true; }
      });
      if (busy || !map._loaded) { return false; }
    }
    return true;
  };
})();
