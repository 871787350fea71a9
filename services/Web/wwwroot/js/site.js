// VulnPlatform's only script, served by the platform itself (the Content-Security-Policy allows
// nothing else). Every page works without it; with it: copy buttons on the receipt, and attachments
// chosen or dropped on the report form are uploaded one by one after the report is accepted, each
// with its own progress bar.
(function () {
  'use strict';

  function initCopy(root) {
    root.querySelectorAll('[data-copy]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-copy'));
        if (!target || !navigator.clipboard) return;
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = button.getAttribute('data-copied');
        });
      });
    });
  }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(1) + ' MB'; }

  function initUpload(form) {
    var input = form.querySelector('input[type=file]');
    var zone = form.querySelector('[data-dropzone]');
    var list = form.querySelector('[data-uploads]');
    if (!input || !zone || !list) return;
    var maxFiles = Number(form.getAttribute('data-max-files'));
    var maxFileBytes = Number(form.getAttribute('data-max-file-bytes'));
    var maxTotalBytes = Number(form.getAttribute('data-max-total-bytes'));
    var files = [];
    var rows = [];
    zone.querySelector('.dropzone-text').hidden = false;

    function render() {
      list.replaceChildren();
      rows = files.map(function (file, index) {
        var item = document.createElement('li');
        var name = document.createElement('span');
        name.className = 'upload-name';
        name.textContent = file.name + ' (' + megabytes(file.size) + ')';
        var bar = document.createElement('progress');
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute('aria-label', file.name);
        var state = document.createElement('span');
        state.className = 'upload-state';
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'link';
        remove.textContent = '×';
        remove.setAttribute('aria-label', (list.getAttribute('data-remove') || 'Remove') + ' ' + file.name);
        remove.addEventListener('click', function () { files.splice(index, 1); render(); });
        item.append(name, bar, state, remove);
        list.append(item);
        return { item: item, bar: bar, state: state, remove: remove };
      });
    }

    function add(chosen) {
      var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
      var refused = [];
      Array.prototype.forEach.call(chosen, function (file) {
        if (files.length >= maxFiles || file.size > maxFileBytes || total + file.size > maxTotalBytes) { refused.push(file.name); return; }
        files.push(file);
        total += file.size;
      });
      render();
      var note = form.querySelector('[data-upload-refused]');
      if (refused.length > 0) {
        if (!note) {
          note = document.createElement('p');
          note.className = 'field-error';
          note.setAttribute('data-upload-refused', '');
          note.setAttribute('role', 'alert');
          list.after(note);
        }
        note.textContent = (document.getElementById('files-hint') || {}).textContent + ' — ' + refused.join(', ');
      } else if (note) {
        note.remove();
      }
    }

    input.addEventListener('change', function () { add(input.files); input.value = ''; });
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove('over'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files) add(event.dataTransfer.files);
    });

    function upload(trackingNumber, file, row, token) {
      return new Promise(function (resolve) {
        var request = new XMLHttpRequest();
        request.open('POST', '/reports/' + encodeURIComponent(trackingNumber) + '/files');
        request.upload.addEventListener('progress', function (event) {
          if (event.lengthComputable) row.bar.value = Math.round(event.loaded * 100 / event.total);
        });
        request.addEventListener('load', function () {
          var ok = request.status >= 200 && request.status < 300;
          if (ok) row.bar.value = 100;
          row.item.classList.add(ok ? 'done' : 'failed');
          row.state.textContent = ok ? '✓' : '✗';
          resolve(ok);
        });
        request.addEventListener('error', function () { row.item.classList.add('failed'); row.state.textContent = '✗'; resolve(false); });
        var data = new FormData();
        data.append('__RequestVerificationToken', token);
        data.append('files', file, file.name);
        request.send(data);
      });
    }

    form.addEventListener('submit', function (event) {
      if (files.length === 0) return; // a plain post: nothing to show progress for
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      rows.forEach(function (row) { row.remove.hidden = true; });
      var data = new FormData(form);
      data.delete('files');
      data.set('Form.DeferFiles', 'true');
      var token = data.get('__RequestVerificationToken');
      fetch(form.getAttribute('action') || window.location.href, { method: 'POST', body: data, credentials: 'same-origin' })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, 'text/html');
          var receipt = page.querySelector('[data-receipt]');
          if (!receipt) {
            // Refused (a field to correct): show the answer; the chosen files stay listed.
            document.querySelector('main').replaceWith(document.adoptNode(page.querySelector('main')));
            var again = document.querySelector('[data-upload-form]');
            if (again) { initUpload(again); add(files); }
            var error = document.getElementById('form-error');
            if (error) error.focus();
            return null;
          }
          var trackingNumber = receipt.getAttribute('data-tracking-number');
          return files.reduce(function (previous, file, index) {
            return previous.then(function (results) {
              return upload(trackingNumber, file, rows[index], token).then(function (ok) { results.push({ name: file.name, ok: ok }); return results; });
            });
          }, Promise.resolve([])).then(function (results) {
            document.title = page.title;
            var main = document.adoptNode(page.querySelector('main'));
            var place = main.querySelector('[data-upload-results]');
            if (place) {
              var done = document.createElement('ul');
              done.className = 'uploaded';
              results.forEach(function (result) {
                var item = document.createElement('li');
                item.className = result.ok ? 'done' : 'failed';
                item.textContent = (result.ok ? '✓ ' : '✗ ') + result.name;
                done.append(item);
              });
              place.append(done);
            }
            document.querySelector('main').replaceWith(main);
            initCopy(main);
            main.focus();
            return null;
          });
        })
        .catch(function () { button.disabled = false; form.submit(); });
    });
  }

  // Deadlines count down while the page is open ("in 3 h 12 min", "overdue by 20 min").
  function initCountdowns() {
    var nodes = document.querySelectorAll('[data-countdown]');
    if (nodes.length === 0) return;
    function tick() {
      var now = Date.now();
      nodes.forEach(function (node) {
        var left = Date.parse(node.getAttribute('datetime')) - now;
        var span = Math.abs(left);
        var days = Math.floor(span / 86400000), hours = Math.floor(span / 3600000), minutes = Math.floor(span % 3600000 / 60000);
        var text = days >= 2 ? days + ' d ' + (hours % 24) + ' h' : hours >= 1 ? hours + ' h ' + minutes + ' min' : minutes + ' min';
        node.textContent = node.getAttribute(left < 0 ? 'data-overdue' : 'data-in').replace('{0}', text);
        node.classList.toggle('overdue', left < 0);
        node.classList.toggle('soon', left >= 0 && left < 4 * 3600000);
      });
    }
    tick();
    window.setInterval(tick, 30000);
  }

  // The CVSS calculator: choosing metrics builds the vector; the score is asked of /api/cvss as it changes.
  function initCvss(box) {
    var input = box.querySelector('[data-cvss-vector]');
    var picker = box.querySelector('[data-cvss-picker]');
    var version = box.querySelector('[data-cvss-version]');
    var result = box.querySelector('[data-cvss-result]');
    if (!input || !picker || !version || !result) return;
    picker.hidden = false;
    var pending = null, asked = 0;
    function group(v) { return box.querySelector('[data-cvss-metrics="' + v + '"]'); }
    function showVersion() {
      box.querySelectorAll('[data-cvss-metrics]').forEach(function (g) { g.hidden = g.getAttribute('data-cvss-metrics') !== version.value; });
    }
    function fromVector() {
      var match = /^CVSS:(3\.1|4\.0)\//.exec(input.value.trim());
      if (!match) return;
      version.value = match[1];
      showVersion();
      var metrics = group(match[1]);
      metrics.querySelectorAll('[data-metric]').forEach(function (select) { select.value = ''; });
      input.value.trim().split('/').slice(1).forEach(function (part) {
        var pair = part.split(':');
        var select = metrics.querySelector('[data-metric="' + pair[0] + '"]');
        if (select) select.value = pair[1] || '';
      });
    }
    function toVector() {
      var parts = [];
      group(version.value).querySelectorAll('[data-metric]').forEach(function (select) {
        if (select.value) parts.push(select.getAttribute('data-metric') + ':' + select.value);
      });
      input.value = 'CVSS:' + version.value + '/' + parts.join('/');
      score();
    }
    // A vector of a version the picker knows that still lacks a base metric is not sent: the server could
    // only refuse it (400), while the user is still choosing.
    function incomplete(vector) {
      var match = /^CVSS:(3\.1|4\.0)\//.exec(vector);
      if (!match) return false;
      var named = {};
      vector.split('/').slice(1).forEach(function (part) { var pair = part.split(':'); if (pair[1]) named[pair[0]] = true; });
      return Array.prototype.some.call(group(match[1]).querySelectorAll('[data-metric]'), function (select) { return !named[select.getAttribute('data-metric')]; });
    }
    function score() {
      var vector = input.value.trim();
      window.clearTimeout(pending);
      ++asked; // an answer still on its way is for an older vector
      if (!vector) { result.textContent = ''; return; }
      if (incomplete(vector)) {
        result.textContent = result.getAttribute('data-incomplete');
        result.className = 'cvss-result';
        return;
      }
      pending = window.setTimeout(function () {
        var mine = ++asked;
        fetch('/api/cvss?vector=' + encodeURIComponent(vector), { credentials: 'omit' })
          .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
          .then(function (answer) {
            if (mine !== asked) return; // a later vector was asked for meanwhile
            if (answer.ok) {
              result.textContent = answer.body.baseScore.toFixed(1) + ' ' + answer.body.severity;
              result.className = 'cvss-result severity-' + String(answer.body.severity).toLowerCase();
            } else {
              result.textContent = result.getAttribute('data-invalid') + ' ' + (answer.body.detail || '');
              result.className = 'cvss-result invalid';
            }
          })
          .catch(function () { result.textContent = ''; });
      }, 150);
    }
    version.addEventListener('change', function () { showVersion(); toVector(); });
    box.querySelectorAll('[data-metric]').forEach(function (select) { select.addEventListener('change', toVector); });
    input.addEventListener('input', function () { fromVector(); score(); });
    fromVector();
    showVersion();
    score();
  }

  initCopy(document);
  initCountdowns();
  document.querySelectorAll('[data-cvss]').forEach(initCvss);
  document.querySelectorAll('[data-upload-form]').forEach(initUpload);
})();
