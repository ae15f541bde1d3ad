// detente-server's progressive script. Every page works without it.
(function () {
  'use strict';
  window.detente = window.detente || {};
  window.detente.csrf = function () {
    var m = document.querySelector('meta[name=csrf-token]');
    return m ? m.getAttribute('content') : '';
  };
})();
