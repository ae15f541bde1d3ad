// The report's one script, inlined at the end of the page. Progressive: the page reads fully
// without it (every mark's <title> is its tooltip on hover), and it changes nothing in print.
// 1. A legend entry that names an actor (data-actor) toggles that actor's marks in every chart
//    (click, Enter or Space; aria-pressed says the state).
// 2. A chart mark with a <title> (class "mk") shows it in a tooltip on hover and on keyboard
//    focus; Escape closes it.
(function () {
  var d = document;
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var off = {};
  d.documentElement.className += ' js';

  function marks(a) {
    return d.querySelectorAll('[data-actor="' + CSS.escape(a) + '"]');
  }

  // In a label shared by several actors, a comma only between the names still shown.
  function commas() {
    each(d.querySelectorAll('svg text.lbl'), function (t) {
      var shown = false;
      each(t.children, function (s) {
        if (s.classList.contains('sep')) {
          var next = s.nextElementSibling;
          s.style.display = shown && next && !next.classList.contains('off') ? '' : 'none';
        } else if (!s.classList.contains('off')) {
          shown = true;
        }
      });
    });
  }

  function toggle(a) {
    off[a] = !off[a];
    each(marks(a), function (m) {
      m.classList.toggle('off', off[a]);
      if (m.getAttribute('role') === 'button') m.setAttribute('aria-pressed', String(!off[a]));
    });
    commas();
  }

  each(d.querySelectorAll('.legend [data-actor]'), function (e) {
    e.setAttribute('role', 'button');
    e.setAttribute('tabindex', '0');
    e.setAttribute('aria-pressed', 'true');
    e.title = 'Hide or show ' + e.textContent + ' in every chart';
  });

  var tip = d.createElement('div');
  tip.id = 'tip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  d.body.appendChild(tip);

  each(d.querySelectorAll('svg .mk'), function (g) {
    var t = g.querySelector('title');
    if (!t) return;
    g.setAttribute('data-tip', t.textContent);
    g.setAttribute('aria-label', t.textContent.replace(/\n/g, '; '));
    g.setAttribute('role', 'img');
    g.setAttribute('tabindex', '0');
    g.removeChild(t);
  });

  function show(g) {
    tip.textContent = '';
    g.getAttribute('data-tip').split('\n').forEach(function (line, k) {
      var e = d.createElement(k ? 'div' : 'b');
      e.textContent = line;
      tip.appendChild(e);
    });
    tip.hidden = false;
    var r = g.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = r.right + 12;
    if (x + w > innerWidth - 8) x = Math.max(8, r.left - w - 12);
    var y = Math.max(8, Math.min(r.top - 8, innerHeight - h - 8));
    tip.style.left = x + scrollX + 'px';
    tip.style.top = y + scrollY + 'px';
  }

  function hide() { tip.hidden = true; }

  function target(ev, sel) { return ev.target.closest ? ev.target.closest(sel) : null; }

  d.addEventListener('click', function (ev) {
    var e = target(ev, '.legend [data-actor]');
    if (e) toggle(e.getAttribute('data-actor'));
  });
  d.addEventListener('keydown', function (ev) {
    var e = target(ev, '.legend [data-actor]');
    if (e && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      toggle(e.getAttribute('data-actor'));
    }
    if (ev.key === 'Escape') hide();
  });
  d.addEventListener('mouseover', function (ev) {
    var g = target(ev, '[data-tip]');
    if (g) show(g);
  });
  d.addEventListener('focusin', function (ev) {
    var g = target(ev, '[data-tip]');
    if (!g) return;
    g.scrollIntoView({ block: 'nearest', inline: 'nearest' }); // first, so the tip fits the view
    show(g);
  });
  ['mouseout', 'focusout'].forEach(function (type) {
    d.addEventListener(type, function (ev) {
      if (target(ev, '[data-tip]')) hide();
    });
  });
})();
