// Negotiation rooms, progressive: the live "what is this worth to me" score (computed from this
// seat's own utility tables embedded in its page), live updates over server-sent events
// (falling back to polling), the facilitator's status. Every page works without this script.
(function () {
  'use strict';

  function worth(builder) {
    var data;
    try { data = JSON.parse(builder.getAttribute('data-utility')); } catch (e) { return; }
    var out = document.getElementById('worth');
    if (!out || !data) return;
    var u = 0, red = false;
    builder.querySelectorAll('select[data-issue]').forEach(function (s) {
      var k = +s.getAttribute('data-issue');
      var v = data.tables[k][+s.value];
      if (v === null) red = true; else u += v;
    });
    if (red) { out.textContent = 'red line (unacceptable)'; out.className = 'below'; return; }
    out.textContent = u.toFixed(3);
    out.className = u >= data.batna ? 'above' : 'below';
  }

  // Replaces the live parts of the page with the server's current rendering, keeping what
  // the user is typing in the builder.
  function refresh(url) {
    fetch(url, { headers: { accept: 'text/html' } }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (!html) return;
      var doc = new DOMParser().parseFromString(html, 'text/html');
      ['session-state', 'inbox', 'on-table', 'debrief-link', 'left'].forEach(function (id) {
        var now = document.getElementById(id), next = doc.getElementById(id);
        if (now && next) now.replaceWith(next);
        else if (now && !next) now.remove();
        else if (!now && next && id === 'on-table') {
          var brief = document.getElementById('brief');
          if (brief) brief.after(next);
        }
      });
      var st = doc.getElementById('session-state');
      if (st && st.getAttribute('data-state') === 'ended' && document.getElementById('offer-builder')) {
        location.reload();
      }
    });
  }

  function live(token) {
    var url = '/s/' + token;
    if (window.EventSource) {
      var es = new EventSource(url + '/events');
      es.addEventListener('update', function () { refresh(url); });
      es.onerror = function () { es.close(); setInterval(function () { refresh(url); }, 5000); };
    } else {
      setInterval(function () { refresh(url); }, 5000);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var builder = document.getElementById('offer-builder');
    if (builder && builder.getAttribute('data-utility')) {
      builder.addEventListener('change', function () { worth(builder); });
      worth(builder);
    }
    var seat = document.getElementById('seat');
    if (seat) live(seat.getAttribute('data-token'));
    var fac = document.getElementById('facilitator');
    if (fac) {
      var t = fac.getAttribute('data-token');
      setInterval(function () {
        fetch('/api/f/' + t + '/state').then(function (r) { return r.json(); }).then(function (s) {
          if (s.state === 'ended' && !document.getElementById('debrief-link')) location.reload();
        });
      }, 5000);
    }
  });
})();
