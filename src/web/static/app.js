// Progressive enhancement for Paperboy pages; every page works without this file.
// Copy buttons: <button data-copy-target="ID" hidden> copies the text of #ID. They stay hidden without JavaScript.
(function () {
  'use strict';

  function selectAndCopy(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    if (!selection) return false;
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  }

  function copyText(el) {
    var text = el.textContent || '';
    // navigator.clipboard exists only in secure contexts (https, localhost); fall back to selecting the text.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return selectAndCopy(el); }
      );
    }
    return Promise.resolve(selectAndCopy(el));
  }

  var buttons = document.querySelectorAll('button[data-copy-target]');
  Array.prototype.forEach.call(buttons, function (button) {
    var target = document.getElementById(button.getAttribute('data-copy-target'));
    if (!target) return;
    var label = button.textContent;
    var timer = 0;
    button.setAttribute('aria-live', 'polite');
    button.hidden = false;
    button.addEventListener('click', function () {
      copyText(target).then(function (ok) {
        button.textContent = ok ? 'Copied!' : 'Selected: press Ctrl+C';
        button.classList.toggle('copied', ok);
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = label;
          button.classList.remove('copied');
        }, 2000);
      });
    });
  });
})();
