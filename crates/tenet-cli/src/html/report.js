// The report's filters: a finding is shown when its outcome, area and severity are ticked
// and it belongs to the chosen document; a document with nothing left to show is hidden.
(function () {
  'use strict';
  var nav = document.getElementById('filters');
  var choice = document.getElementById('doc-filter');
  var count = document.getElementById('shown-count');
  var findings = Array.prototype.slice.call(document.querySelectorAll('article.finding'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.document'));
  function ticked(name) {
    var values = new Set();
    nav.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (box) { values.add(box.value); });
    return values;
  }
  function apply() {
    var outcomes = ticked('outcome');
    var areas = ticked('area');
    var severities = ticked('severity');
    var doc = choice.value;
    var shown = 0;
    findings.forEach(function (f) {
      var d = f.dataset;
      var visible = outcomes.has(d.outcome) && areas.has(d.area) && severities.has(d.severity) &&
        (doc === '' || d.doc === doc);
      f.hidden = !visible;
      if (visible) { shown += 1; }
    });
    sections.forEach(function (s) {
      var mine = doc === '' || s.id === doc;
      var own = s.querySelectorAll('article.finding');
      var left = s.querySelector('article.finding:not([hidden]), .problem') !== null;
      s.hidden = !mine || (own.length > 0 && !left);
    });
    count.textContent = shown + ' of ' + findings.length + ' findings shown';
  }
  nav.addEventListener('change', apply);
  nav.hidden = false;
  apply();
}());
