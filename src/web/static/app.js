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

// Keyboard shortcuts on pages with paper cards: j / k move through the papers, o (or Enter) opens the current one,
// u upvotes it, / goes to the search box, ? shows the list. Never while typing in a field, never with a modifier key.
(function () {
  'use strict';
  var cards = Array.prototype.slice.call(document.querySelectorAll('article.paper-card'));
  var search = document.getElementById('site-search-q');
  var current = -1;
  var help = null;
  var returnFocus = null;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  function titleLink(card) {
    return card.querySelector('.paper-title a');
  }

  function select(i) {
    if (cards.length === 0) return;
    current = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach(function (c, n) { c.classList.toggle('kbd-current', n === current); });
    var link = titleLink(cards[current]);
    if (link) link.focus({ preventScroll: true });
    var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    cards[current].scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
  }

  function closeHelp() {
    if (!help) return;
    help.hidden = true;
    if (returnFocus) returnFocus.focus();
  }

  function openHelp() {
    if (!help) {
      help = document.createElement('div');
      help.className = 'kbd-help';
      help.setAttribute('role', 'dialog');
      help.setAttribute('aria-modal', 'true');
      help.setAttribute('aria-labelledby', 'kbd-help-title');
      var rows = [
        ['j', 'next paper'], ['k', 'previous paper'], ['o or Enter', 'open the paper'], ['u', 'upvote it'],
        ['/', 'search'], ['?', 'this list'], ['Esc', 'close it'],
      ];
      var box = document.createElement('div');
      box.className = 'kbd-help-box';
      var h = document.createElement('h2');
      h.id = 'kbd-help-title';
      h.textContent = 'Keyboard shortcuts';
      box.appendChild(h);
      var dl = document.createElement('dl');
      rows.forEach(function (r) {
        var dt = document.createElement('dt');
        var kbd = document.createElement('kbd');
        kbd.textContent = r[0];
        dt.appendChild(kbd);
        var dd = document.createElement('dd');
        dd.textContent = r[1];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      box.appendChild(dl);
      var close = document.createElement('button');
      close.type = 'button';
      close.className = 'secondary-button';
      close.textContent = 'Close';
      close.addEventListener('click', closeHelp);
      box.appendChild(close);
      help.appendChild(box);
      help.addEventListener('click', function (e) { if (e.target === help) closeHelp(); });
      document.body.appendChild(help);
    }
    returnFocus = document.activeElement;
    help.hidden = false;
    var button = help.querySelector('button');
    if (button) button.focus();
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (help && !help.hidden) {
      if (e.key === 'Escape' || e.key === '?') { e.preventDefault(); closeHelp(); }
      return;
    }
    if (typing(e.target)) {
      if (e.key === 'Escape' && e.target === search) search.blur();
      return;
    }
    if (e.key === '?') { e.preventDefault(); openHelp(); return; }
    if (e.key === '/' && search) { e.preventDefault(); search.focus(); search.select(); return; }
    if (cards.length === 0) return;
    if (e.key === 'j') { e.preventDefault(); select(current + 1); return; }
    if (e.key === 'k') { e.preventDefault(); select(current < 0 ? 0 : current - 1); return; }
    if (current < 0) return;
    if (e.key === 'o' || (e.key === 'Enter' && e.target === document.body)) {
      var link = titleLink(cards[current]);
      if (link) { e.preventDefault(); link.click(); }
      return;
    }
    if (e.key === 'u') {
      var form = cards[current].querySelector('form[data-vote]');
      if (form && form.requestSubmit) { e.preventDefault(); form.requestSubmit(); }
      else if (!form) {
        var signIn = cards[current].querySelector('a.votes');
        if (signIn) { e.preventDefault(); signIn.click(); }
      }
    }
  });
})();
