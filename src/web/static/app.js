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

// Upvotes in place, optimistically: a vote form (data-vote) shows the new state and count the moment it is sent, then
// sends it with fetch; the server's answer (its count) wins. Clicks made while a vote is on its way are queued: one
// request at a time per form, the last intent wins (a double click ends where it started, and so does the server). A
// refusal or a failed request puts the box back as the server last said and says why in a polite status line.
// Without JavaScript the plain form POST (and its redirect) runs.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-vote]');
  if (forms.length === 0 || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var STATUS_MS = 10000;
  // The status line exists before anything is said in it, so screen readers announce what appears there (polite: after
  // what they are reading; no role=status, so the page's own status messages stay the only ones).
  var status = document.createElement('div');
  status.className = 'live-status';
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('aria-atomic', 'true');
  document.body.appendChild(status);
  var statusTimer = 0;
  function say(text) {
    status.textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () { status.textContent = ''; }, STATUS_MS);
  }

  function refusal(code, err) {
    var why = err && typeof err.message === 'string' && err.message ? err.message
      : code === 429 ? 'Too many votes in a short time: wait a minute and try again.'
      : code === 401 || code === 403 ? 'Your session has ended: reload the page (or sign in again) and try again.'
      : code >= 500 ? 'The server had a problem: try again in a moment.'
      : 'The server refused it (' + code + ').';
    return 'Your vote was not recorded. ' + why;
  }

  Array.prototype.forEach.call(forms, function (form) {
    var button = form.querySelector('button');
    var actionField = form.querySelector('input[name="action"]');
    var count = form.querySelector('.votes-count');
    if (!button || !actionField || !count) return;
    var noun = button.querySelector('.visually-hidden');
    // What the server last said, and what the member wants now.
    var confirmed = { upvoted: button.getAttribute('aria-pressed') === 'true', upvotes: Number(count.textContent) || 0 };
    var wanted = confirmed.upvoted;
    var sending = false;

    function show(upvoted, upvotes) {
      count.textContent = String(upvotes);
      if (noun) noun.textContent = upvotes === 1 ? ' upvote' : ' upvotes';
      button.setAttribute('aria-pressed', upvoted ? 'true' : 'false');
      button.classList.toggle('voted', upvoted);
      button.title = upvoted ? 'Withdraw your upvote' : 'Upvote';
      actionField.value = upvoted ? 'withdraw' : 'up';
    }
    function showWanted() {
      show(wanted, Math.max(0, confirmed.upvotes + (wanted ? 1 : 0) - (confirmed.upvoted ? 1 : 0)));
    }
    function settle() {
      sending = false;
      showWanted();
      if (wanted !== confirmed.upvoted) send();
      else form.removeAttribute('aria-busy');
    }
    function fail(message) {
      sending = false;
      wanted = confirmed.upvoted;
      form.removeAttribute('aria-busy');
      show(confirmed.upvoted, confirmed.upvotes);
      say(message);
    }
    function send() {
      sending = true;
      form.setAttribute('aria-busy', 'true');
      var body = new URLSearchParams(new FormData(form));
      body.set('action', wanted ? 'up' : 'withdraw');
      // The form's action attribute: the hidden field named "action" shadows the form's `action` property.
      fetch(form.getAttribute('action'), { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          return res.json().then(
            function (data) { return { res: res, data: data }; },
            function () { return { res: res, data: null }; }
          );
        })
        .then(
          function (r) {
            if (r.res.ok && r.data && typeof r.data.upvotes === 'number') {
              confirmed = { upvoted: r.data.upvoted === true, upvotes: r.data.upvotes };
              settle();
            } else {
              fail(refusal(r.res.status, r.data));
            }
          },
          function () { fail('Your vote was not recorded: the server could not be reached. Check your connection and try again.'); }
        );
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      wanted = !wanted;
      showWanted();
      if (!sending) send();
    });
  });
})();

// Search suggestions as you type, on the header's search box and the search page's (the WAI-ARIA combobox pattern):
// from two characters on, after a short pause, papers from /search/suggest are listed under the box. ArrowDown and
// ArrowUp choose one, Enter opens it (with none chosen, Enter searches as before), Escape closes the list, a click
// opens a paper; a polite status says how many there are. A newer keystroke aborts the request on its way and answers
// that arrive late are ignored. Suggestions are built as text (textContent), never as HTML.
(function () {
  'use strict';
  var boxes = ['site-search-q', 'search-q'].map(function (id) { return document.getElementById(id); }).filter(Boolean);
  if (boxes.length === 0 || !window.fetch || !window.URLSearchParams) return;
  var MIN_CHARS = 2;
  var MAX_CHARS = 200;
  var PAUSE_MS = 150;
  // How many suggestions there are, said politely (made before the first answer, so screen readers announce it).
  var status = document.createElement('div');
  status.className = 'visually-hidden';
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('aria-atomic', 'true');
  document.body.appendChild(status);

  function localHref(href) {
    return typeof href === 'string' && /^\/(?![\/\\])/.test(href) ? href : null;
  }

  boxes.forEach(function (input) {
    var form = input.form;
    if (!form) return;
    var listId = input.id + '-suggestions';
    var list = document.createElement('ul');
    list.id = listId;
    list.className = 'suggest-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Suggested papers');
    list.hidden = true;
    form.classList.add('has-suggestions');
    form.appendChild(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);

    var options = [];
    var active = -1;
    var listedFor = null;
    var timer = 0;
    var controller = null;
    var asked = 0;

    function setActive(i) {
      active = i;
      options.forEach(function (li, n) {
        li.setAttribute('aria-selected', n === i ? 'true' : 'false');
        li.classList.toggle('active', n === i);
      });
      if (i >= 0) {
        input.setAttribute('aria-activedescendant', options[i].id);
        options[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }
    function open() {
      if (options.length === 0) return;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }
    function cancel() {
      clearTimeout(timer);
      asked++;
      if (controller) controller.abort();
      controller = null;
    }
    function go(i) {
      var href = options[i] ? localHref(options[i].getAttribute('data-href')) : null;
      if (!href) return;
      close();
      window.location.assign(href);
    }
    function render(q, suggestions) {
      list.textContent = '';
      listedFor = q;
      options = suggestions.filter(function (s) { return s && localHref(s.href); }).map(function (s, i) {
        var li = document.createElement('li');
        li.id = listId + '-' + i;
        li.className = 'suggest-option';
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-href', s.href);
        var title = document.createElement('span');
        title.className = 'suggest-title';
        title.textContent = String(s.title || s.id);
        var meta = document.createElement('span');
        meta.className = 'suggest-meta';
        meta.textContent = [s.authors, s.year].filter(Boolean).join(' · ');
        li.appendChild(title);
        li.appendChild(document.createTextNode(' '));
        li.appendChild(meta);
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute('aria-activedescendant');
      if (options.length === 0) {
        close();
        status.textContent = 'No suggestions.';
        return;
      }
      open();
      status.textContent = options.length + (options.length === 1 ? ' suggestion' : ' suggestions') + ': use the up and down arrow keys to choose.';
    }
    function ask() {
      var q = input.value;
      cancel();
      if (q.trim().length < MIN_CHARS || q.length > MAX_CHARS) { close(); return; }
      var mine = asked;
      controller = window.AbortController ? new AbortController() : null;
      var init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
      if (controller) init.signal = controller.signal;
      fetch('/search/suggest?' + new URLSearchParams({ q: q }).toString(), init)
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(
          function (data) {
            // Only the answer to the latest question, and only while the box still has the focus.
            if (mine !== asked || document.activeElement !== input) return;
            controller = null;
            if (!data || !Array.isArray(data.suggestions)) { close(); return; }
            render(q, data.suggestions);
          },
          function () { /* aborted, or offline: the box is a plain search box */ }
        );
    }

    input.addEventListener('input', function () {
      cancel();
      if (input.value.trim().length < MIN_CHARS) { close(); return; }
      timer = setTimeout(ask, PAUSE_MS);
    });
    input.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.isComposing) return;
      var shown = !list.hidden;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (!shown) {
          if (options.length && listedFor === input.value) open();
          else ask();
          return;
        }
        setActive(active + 1 >= options.length ? 0 : active + 1);
      } else if (e.key === 'ArrowUp') {
        if (!shown) return;
        e.preventDefault();
        setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (e.key === 'Enter') {
        if (shown && active >= 0) { e.preventDefault(); go(active); }
        else { cancel(); close(); }
      } else if (e.key === 'Escape') {
        // Close the list only (the shortcuts' Escape, which leaves the box, waits for the next one).
        if (shown) { e.preventDefault(); e.stopPropagation(); cancel(); close(); }
      } else if (e.key === 'Tab') {
        close();
      }
    });
    input.addEventListener('blur', function () { cancel(); close(); });
    form.addEventListener('submit', function () { cancel(); close(); });
    // Keep the focus in the box while clicking in the list, so the click reaches the option.
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    list.addEventListener('click', function (e) {
      var li = e.target && e.target.closest ? e.target.closest('[role="option"]') : null;
      var i = li ? options.indexOf(li) : -1;
      if (i >= 0) go(i);
    });
  });
})();

// "New since your last visit" on feed pages (the ones with a [data-new-since] line): papers that entered the feed
// (data-entered on the card) after the visitor's previous visit get a "New" badge, and the line says how many. The visits
// are kept in this browser's localStorage only; nothing is sent. A visit is a run of page views less than 30 minutes
// apart: the previous visit's time (the last page view before such a pause) moves forward only when a page view comes
// more than 30 minutes after the one before, so the marks stay while the visitor moves between pages of one visit.
// First visit (nothing stored): no marks.
(function () {
  'use strict';
  var KEY = 'paperboy.visits';
  var VISIT_GAP_MS = 30 * 60 * 1000;
  var now = Date.now();
  var stored = null;
  try {
    stored = JSON.parse(window.localStorage.getItem(KEY) || 'null');
  } catch (e) {
    return; // storage turned off (or not ours to read): no marks
  }
  var previous = null;
  if (stored && typeof stored.last === 'number') {
    previous = now - stored.last > VISIT_GAP_MS ? stored.last : typeof stored.previous === 'number' ? stored.previous : null;
  }
  try {
    window.localStorage.setItem(KEY, JSON.stringify({ previous: previous, last: now }));
  } catch (e) { /* full or refused: marks for this page only */ }
  var note = document.querySelector('[data-new-since]');
  if (!note || previous === null) return;
  var fresh = 0;
  Array.prototype.forEach.call(document.querySelectorAll('article.paper-card[data-entered]'), function (card) {
    var entered = Date.parse(card.getAttribute('data-entered'));
    if (!(entered > previous)) return;
    fresh++;
    card.classList.add('is-new');
    var badge = document.createElement('span');
    badge.className = 'new-badge';
    badge.textContent = 'New';
    var more = document.createElement('span');
    more.className = 'visually-hidden';
    more.textContent = ' since your last visit';
    badge.appendChild(more);
    var body = card.querySelector('.paper-card-body') || card;
    body.insertBefore(badge, body.firstChild);
  });
  if (fresh > 0) note.textContent = fresh + (fresh === 1 ? ' new paper' : ' new papers') + ' since your last visit';
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

// Colour theme: the footer's System / Light / Dark radio buttons (hidden without JavaScript, when the site follows the
// system setting). A choice switches <html data-theme> at once and is kept a year in the cookie pb_theme, which the
// server reads to render later pages in that theme from the first paint; System removes both.
(function () {
  'use strict';
  var box = document.querySelector('.theme-choice');
  if (!box) return;
  var root = document.documentElement;
  var radios = Array.prototype.slice.call(box.querySelectorAll('input[name="pb-theme"]'));

  function saved() {
    var m = /(?:^|;)\s*pb_theme=(light|dark)\s*(?:;|$)/.exec(document.cookie);
    return m ? m[1] : 'system';
  }

  function apply(choice) {
    if (choice === 'light' || choice === 'dark') root.setAttribute('data-theme', choice);
    else root.removeAttribute('data-theme');
  }

  function save(choice) {
    var tail = '; Path=/; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
    document.cookie = choice === 'light' || choice === 'dark' ? 'pb_theme=' + choice + '; Max-Age=31536000' + tail : 'pb_theme=; Max-Age=0' + tail;
  }

  // A page from the browser's cache may have been rendered before the last change: the cookie has the last word.
  var current = saved();
  apply(current);
  radios.forEach(function (radio) {
    radio.checked = radio.value === current;
    radio.addEventListener('change', function () {
      if (!radio.checked) return;
      apply(radio.value);
      save(radio.value);
    });
  });
  box.hidden = false;
})();
