// Progressive enhancement for Paperboy pages; every page works without this file.
// Copy buttons: <button data-copy-target="ID" hidden> copies the text of #ID (the value of an input). They stay hidden
// without JavaScript.
(function () {
  'use strict';

  function isField(el) {
    return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
  }

  function selectAndCopy(el) {
    if (isField(el)) {
      el.focus();
      el.select();
      try {
        return document.execCommand('copy');
      } catch (e) {
        return false;
      }
    }
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
    var text = (isField(el) ? el.value : el.textContent) || '';
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

// Upvotes in place: a vote form (data-vote) is sent with fetch and the box updated from the JSON answer; without
// JavaScript, after a network failure or a server error, the plain form POST (and its redirect) runs.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-vote]');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      var button = form.querySelector('button');
      var actionField = form.querySelector('input[name="action"]');
      var count = form.querySelector('.votes-count');
      if (!button || !actionField || !count || button.disabled) return;
      button.disabled = true;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute('action'), { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          // A server error: let the plain form try (and show its page). Any other refusal is said here.
          if (res.status >= 500) { form.submit(); return; }
          if (!res.ok) {
            return res.json().then(
              function (err) { window.alert(err.message || 'Your vote was not recorded.'); },
              function () { window.alert('Your vote was not recorded (' + res.status + ').'); }
            );
          }
          return res.json().then(function (result) {
            count.textContent = String(result.upvotes);
            button.setAttribute('aria-pressed', result.upvoted ? 'true' : 'false');
            button.classList.toggle('voted', result.upvoted);
            button.title = result.upvoted ? 'Withdraw your upvote' : 'Upvote';
            actionField.value = result.upvoted ? 'withdraw' : 'up';
          });
        })
        .catch(function () { form.submit(); })
        .then(function () { button.disabled = false; });
    });
  });
})();
