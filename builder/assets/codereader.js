/* How a typed query is read as codes, offline: builder/codes.py and search/query.py in
 * JavaScript. Both run over tests/data/code_queries.json (pytest and a browser test), so
 * the home box, the codes page and the server read `HL7 204` or `0xA801h` the same way.
 *
 * A reading is {key, family, hex}: the family a typed prefix named ("" for any) and whether
 * `0x` or an `h` suffix made it hex. `prefixes` is [[compact prefix, family id], ...],
 * longest first, as the build writes it into codes.js.
 */
(function () {
  "use strict";

  var MAX_CODE_LENGTH = 40;
  var CHUNK = /[0-9A-Za-z]+(?:[-_.:/#]+[0-9A-Za-z]+)*/g;
  var HEX = /^[0-9A-F]+$/;
  var HEX_WITH_DIGIT = /^[0-9A-F]*[0-9][0-9A-F]*$/;

  function compact(text) {
    return String(text).trim().toUpperCase().replace(/[\s\-_.:/#]+/g, "");
  }

  function stripZeros(digits) {
    return digits.replace(/^0+/, "") || "0";
  }

  function reading(key, family, hex) {
    return { key: key, family: family, hex: hex };
  }

  function valueReadings(value, family) {
    if (value.slice(0, 2) === "0X") {
      var digits = value.slice(2);
      if (digits.slice(-1) === "H" && HEX.test(digits.slice(0, -1) || "-")) digits = digits.slice(0, -1);
      if (HEX.test(digits || "-")) return [reading(stripZeros(digits), family, true)];
    }
    var readings = [];
    if (value.slice(-1) === "H" && HEX.test(value.slice(0, -1) || "-")) {
      readings.push(reading(stripZeros(value.slice(0, -1)), family, true));
    }
    readings.push(reading(HEX_WITH_DIGIT.test(value) ? stripZeros(value) : value, family, false));
    return readings;
  }

  function label(r) {
    return (r.family ? r.family + "/" : "") + (r.hex ? "0x" : "") + r.key;
  }

  function unique(readings) {
    var seen = {};
    return readings.filter(function (r) {
      var id = label(r);
      if (seen[id]) return false;
      seen[id] = true;
      return true;
    });
  }

  /* What one typed code may mean, most specific first; [] when it cannot be a code. */
  function readCode(text, prefixes) {
    var value = compact(text);
    if (!value || value.length > MAX_CODE_LENGTH || !/^[0-9A-Z]+$/.test(value)) return [];
    var readings = [];
    for (var i = 0; i < (prefixes || []).length; i++) {
      var prefix = prefixes[i][0];
      if (value.slice(0, prefix.length) === prefix && value.length > prefix.length) {
        readings = readings.concat(valueReadings(value.slice(prefix.length), prefixes[i][1]));
        break;
      }
    }
    return unique(readings.concat(valueReadings(value, "")));
  }

  function isCodeCandidate(piece) {
    return /[0-9]/.test(piece) || piece.indexOf("_") >= 0;
  }

  /* The parts of a query that may be a code, longest first (see search/query.py code_spans). */
  function codeSpans(text) {
    var chunks = [];
    var m;
    CHUNK.lastIndex = 0;
    while ((m = CHUNK.exec(text))) chunks.push([m.index, m.index + m[0].length]);
    var spans = [[0, text.length]];
    for (var i = 1; i < chunks.length; i++) spans.push([chunks[i - 1][0], chunks[i][1]]);
    chunks.forEach(function (c) { spans.push(c); });
    chunks.forEach(function (c) {
      var parts = [];
      var part = /[0-9A-Za-z]+/g;
      var p;
      var piece = text.slice(c[0], c[1]);
      while ((p = part.exec(piece))) parts.push([c[0] + p.index, c[0] + p.index + p[0].length]);
      if (parts.length > 1) spans = spans.concat(parts);
    });
    spans = spans.map(function (s, order) { return [s[0], s[1], order]; });
    spans.sort(function (a, b) { return (a[0] - a[1]) - (b[0] - b[1]) || a[2] - b[2]; });
    var seen = {};
    return spans.filter(function (s) {
      var id = s[0] + "," + s[1];
      if (seen[id]) return false;
      seen[id] = true;
      return (s[0] === 0 && s[1] === text.length) || isCodeCandidate(text.slice(s[0], s[1]));
    }).map(function (s) { return [s[0], s[1]]; });
  }

  /* Keys of the status ranges a hex code belongs to (A7F3 -> A7FX, A7XX, AXXX). */
  function rangeKeys(key) {
    if (!HEX_WITH_DIGIT.test(key) || key.length > 8) return [];
    var digits = key.length < 4 ? ("0000" + key).slice(-4) : key;
    var keys = [];
    for (var n = 1; n < digits.length; n++) keys.push(digits.slice(0, -n) + "XXXXXXXX".slice(0, n));
    return keys;
  }

  /* Every code the query may mean: {reading, start, end, ranged}, as search/query.py. */
  function codeCandidates(text, prefixes) {
    var found = [];
    var seen = {};
    codeSpans(text).forEach(function (span) {
      readCode(text.slice(span[0], span[1]), prefixes).forEach(function (r) {
        if (seen[label(r)]) return;
        seen[label(r)] = true;
        found.push({ reading: r, start: span[0], end: span[1], ranged: false });
      });
    });
    found.slice().forEach(function (c) {
      rangeKeys(c.reading.key).forEach(function (key) {
        var r = reading(key, c.reading.family, c.reading.hex);
        if (seen[label(r)]) return;
        seen[label(r)] = true;
        found.push({ reading: r, start: c.start, end: c.end, ranged: true });
      });
    });
    return found;
  }

  /* True when a claim ({family, hex}) under the reading's key is what the reading means. */
  function matches(r, claim) {
    return (!r.family || r.family === claim.family) && (!r.hex || !!claim.hex);
  }

  /* The shard of the code table holding a key: 32-bit FNV-1a, as builder/codetable.py. */
  function keyShard(key, shards) {
    var value = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      value = Math.imul(value ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    return value % shards;
  }

  window.fastpathCodeReader = {
    compact: compact,
    keyShard: keyShard,
    readCode: readCode,
    codeCandidates: codeCandidates,
    rangeKeys: rangeKeys,
    matches: matches,
    label: label,
  };
})();
