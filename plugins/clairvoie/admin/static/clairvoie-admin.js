// Clairvoie's additions to Decap CMS, loaded before it: the news articles' Pelican header
// ("Title: …" lines, a blank line, then the Markdown), the preview pane, then the start of
// the editor.
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

  // The preview pane: the record's page as the site builds it (the same derived facts —
  // late, over budget — since it is the build's own page), under the problems of the last
  // check and the plain-French remarks of this file. « clairvoie serve » (make edit) answers
  // _apercu/etat.json and rebuilds at each save; on the published site there is no such
  // file, and the pane shows the published page.
  var script = document.currentScript;
  var SITE = new URL("../", document.baseURI).href;
  var STATE_URL = SITE + "_apercu/etat.json";
  var POLL_MILLISECONDS = 2000;

  function where(problem) {
    return problem.file + (problem.line ? ", ligne " + problem.line : "") +
      (problem.field ? ", champ « " + problem.field + " »" : "") + " : ";
  }

  function problemList(h, problems, className) {
    return h("ul", { className: className }, problems.map(function (problem, index) {
      return h("li", { key: index }, h("strong", null, where(problem)), problem.message);
    }));
  }

  function recordPreview(h, createClass) {
    return createClass({
      getInitialState: function () {
        return { state: null, absent: false };
      },
      componentDidMount: function () {
        this.poll();
        this.timer = window.setInterval(this.poll, POLL_MILLISECONDS);
      },
      componentWillUnmount: function () {
        window.clearInterval(this.timer);
      },
      poll: function () {
        var self = this;
        window.fetch(STATE_URL, { cache: "no-store" })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (state) { self.setState({ state: state, absent: state === null }); })
          .catch(function () { self.setState({ state: null, absent: true }); });
      },
      render: function () {
        var entry = this.props.entry;
        var data = entry.get("data");
        var path = entry.get("path");
        var slug = entry.get("slug");
        var pagePath = this.props.collection.get("preview_path");
        var title = (data && (data.get("title") || data.get("name"))) || "Nouvelle fiche";
        var state = this.state.state;
        var parts = [h("h1", { key: "title" }, title)];
        if (state) {
          var own = function (problem) { return problem.file === path; };
          var problems = state.problems.filter(own).concat(
            state.problems.filter(function (problem) { return !own(problem); }));
          if (state.building) {
            parts.push(h("p", { key: "building", role: "status" },
              "Vérification et reconstruction du site après le dernier enregistrement…"));
          } else if (state.paper_left) {
            parts.push(h("p", { key: "paper", role: "status" },
              "La page est à jour ; les affiches et feuilles à imprimer (PDF) se mettent à jour (" +
              state.paper_left + " en cours)."));
          }
          if (problems.length || state.failure) {
            parts.push(h("section", { key: "problems", role: "alert", className: "clairvoie-erreurs" },
              h("h2", null, "Le site n'a pas été reconstruit : des fiches sont à corriger"),
              h("p", null, "Aucune fiche invalide n'entre dans le site. Corrigez puis enregistrez à nouveau."),
              problemList(h, problems, "clairvoie-erreurs-liste"),
              state.failure ? h("pre", null, state.failure) : null));
          }
          var remarks = state.remarks.filter(function (remark) { return remark.file === path; });
          if (remarks.length) {
            parts.push(h("section", { key: "remarks", className: "clairvoie-remarques" },
              h("h2", null, "Français simple : " + remarks.length + " remarque" + (remarks.length > 1 ? "s" : "") +
                " sur cette fiche"),
              problemList(h, remarks, "clairvoie-remarques-liste"),
              h("p", null, h("a", { href: SITE + "_remarques/", target: "_blank" },
                "Toutes les remarques du site"))));
          }
        } else if (this.state.absent) {
          parts.push(h("p", { key: "absent" },
            "Aperçu du site publié : la page ci-dessous change après la publication."));
        }
        var failed = state && (state.problems.length || state.failure);
        if (pagePath && slug && !failed) {
          var address = SITE + pagePath.replace("{{slug}}", slug);
          var version = state ? "?construction=" + state.number : "";
          parts.push(h("p", { key: "page-link" }, "La page du site, construite depuis la dernière version " +
            "enregistrée (elle change après « Publier ») : ", h("a", { href: address, target: "_blank" }, address)));
          parts.push(h("iframe", { key: "page", src: address + version, title: "Page du site : " + title,
            style: { width: "100%", height: "80vh", border: "1px solid #767676" } }));
        } else if (pagePath && !slug) {
          parts.push(h("p", { key: "new" }, "Enregistrez la fiche (« Publier ») pour voir sa page sur le site."));
        }
        return h("div", { className: "clairvoie-apercu", style: { padding: "0 1rem" } }, parts);
      }
    });
  }

  function registerPreviews(cms) {
    var stylesheet = script && script.getAttribute("data-stylesheet");
    if (stylesheet) {
      cms.registerPreviewStyle(SITE + stylesheet);
    }
    var template = recordPreview(window.h, window.createClass);
    var names = ((script && script.getAttribute("data-collections")) || "").split(" ").filter(Boolean);
    names.forEach(function (name) { cms.registerPreviewTemplate(name, template); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.CMS.registerCustomFormat("pelican", "md", { fromFile: fromFile, toFile: toFile });
    registerPreviews(window.CMS);
    window.CMS.init();
  });
}());
