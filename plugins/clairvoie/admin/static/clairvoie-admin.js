// Clairvoie's additions to Decap CMS, loaded before it: the news articles' Pelican header
// ("Title: …" lines, a blank line, then the Markdown), then the start of the editor.
window.CMS_MANUAL_INIT = true;

(function () {
  "use strict";
  // Header values that are lists, written "a, b" (Pelican's "Sectors: secteur-1, secteur-2").
  var LIST_KEYS = ["sectors"];

  function fromFile(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    var data = {};
    var index = 0;
    for (; index < lines.length; index += 1) {
      var match = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(lines[index]);
      if (!match) {
        break;
      }
      var key = match[1].toLowerCase();
      var value = match[2].trim();
      data[key] = LIST_KEYS.indexOf(key) >= 0
        ? value.split(",").map(function (part) { return part.trim(); }).filter(Boolean)
        : value;
    }
    while (index < lines.length && lines[index].trim() === "") {
      index += 1;
    }
    data.body = lines.slice(index).join("\n");
    return data;
  }

  function headerValue(value) {
    if (Array.isArray(value)) {
      return value.join(", ");
    }
    return String(value).replace(/\s*\n\s*/g, " ").trim();
  }

  function toFile(data, sortedKeys) {
    var keys = (sortedKeys || []).concat(Object.keys(data));
    var written = {};
    var header = [];
    keys.forEach(function (key) {
      var value = data[key];
      if (key === "body" || written[key] || value === undefined || value === null) {
        return;
      }
      written[key] = true;
      if (headerValue(value) === "") {
        return;
      }
      header.push(key.charAt(0).toUpperCase() + key.slice(1) + ": " + headerValue(value));
    });
    var body = (data.body || "").replace(/^\s+/, "");
    return header.join("\n") + "\n\n" + body + (body.endsWith("\n") ? "" : "\n");
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.CMS.registerCustomFormat("pelican", "md", { fromFile: fromFile, toFile: toFile });
    window.CMS.init();
  });
}());
