/*!
 * hessen-chat.js – Chat-Widget für den Integrations-Chatbot Hessen (Rasa, socket.io-Kanal).
 *
 * Warum ein eigenes Widget und nicht rasa-webchat? rasa-webchat hat seit 2023 keine
 * Veröffentlichung mehr und dokumentiert keine Barrierefreiheit. Öffentliche Stellen in
 * Hessen müssen nach BITV 2.0 (und Anbieter nach dem BFSG) barrierefrei sein (WCAG 2.1 AA):
 * Bedienung nur mit der Tastatur, sichtbarer Fokus, deutsche Beschriftungen für
 * Screenreader, ausreichende Kontraste, Nutzung auf kleinen Bildschirmen. Dieses Widget ist
 * klein genug, um es vollständig zu prüfen: reines JavaScript, kein Build-Schritt, keine
 * Abhängigkeit außer socket.io-client (lokal ausgeliefert, kein CDN).
 *
 * Einbinden:
 *   <link rel="stylesheet" href="https://bot.example.de/webhooks/widget/hessen-chat.css">
 *   <script src="https://bot.example.de/webhooks/widget/socket.io.min.js"></script>
 *   <script src="https://bot.example.de/webhooks/widget/hessen-chat.js"
 *           data-server="https://bot.example.de"></script>
 *
 * Optionale data-Attribute am <script>-Tag:
 *   data-server       Adresse des Rasa-Servers (Standard: Herkunft dieser Skriptdatei)
 *   data-socket-path  Pfad des socket.io-Endpunkts (Standard: /socket.io/)
 *   data-title        Überschrift des Chatfensters
 *
 * Sicherheit: Nachrichten werden nie als HTML eingefügt (nur textContent und erzeugte
 * DOM-Knoten); Links entstehen nur für http(s)-Adressen, Telefonnummern und E-Mail-Adressen.
 * Datenschutz: Erst wenn jemand den Chat öffnet, wird eine Verbindung aufgebaut.
 */
(function () {
  "use strict";

  if (window.HessenChat) return; // nur einmal pro Seite

  var script = document.currentScript;
  var dataset = (script && script.dataset) || {};
  var scriptOrigin = (function () {
    try {
      return new URL(script.src, location.href).origin;
    } catch (e) {
      return location.origin;
    }
  })();
  var SERVER = (dataset.server || scriptOrigin).replace(/\/+$/, "");
  var SOCKET_PATH = dataset.socketPath || "/socket.io/";
  var TITLE = dataset.title || "Integrations-Chatbot Hessen";
  var REPLY_TIMEOUT_MS = 45000;
  var MAX_HISTORY = 200;

  var KEY_SESSION = "hessenChat.sessionId"; // localStorage: Rasa-Konversation bleibt erhalten
  var KEY_HISTORY = "hessenChat.history"; // sessionStorage: angezeigter Verlauf dieses Tabs
  var KEY_OPEN = "hessenChat.open"; // sessionStorage: Fenster nach Neuladen wieder offen

  // ---------------------------------------------------------------- Speicher
  function storageGet(store, key) {
    try {
      return window[store].getItem(key);
    } catch (e) {
      return null; // Speicher gesperrt (z. B. strenge Datenschutzeinstellungen)
    }
  }
  function storageSet(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key);
      else window[store].setItem(key, value);
    } catch (e) {
      /* Speicher voll oder gesperrt: Widget funktioniert ohne Verlauf weiter */
    }
  }
  function loadHistory() {
    try {
      var parsed = JSON.parse(storageGet("sessionStorage", KEY_HISTORY) || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch (e) {
      return [];
    }
  }
  function saveHistory() {
    storageSet("sessionStorage", KEY_HISTORY, JSON.stringify(history.slice(-MAX_HISTORY)));
  }

  // ------------------------------------------------ Text -> sichere DOM-Knoten
  // Eine Liste von Treffern, von links nach rechts; an derselben Stelle gewinnt die erste
  // Alternative: Web-Adresse, E-Mail, lange Telefonnummer, kurze Notruf-/Servicenummer.
  var LINK_RE = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"“”„]+|www\\.[^\\s<>\"“”„]+)", // 1 URL
      "([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})", // 2 E-Mail
      // 3 Telefonnummer: +49 … oder 0…, Gruppen getrennt durch Leerzeichen, / oder -
      "((?:\\+\\d{2,3}(?:[ \\u00a0]?\\(0\\))?[ \\u00a0]?|\\(?0)\\d+\\)?(?:(?:[ \\u00a0]?[/\\-–][ \\u00a0]?|[ \\u00a0])\\d+)*)",
      // 4 kurze Nummern: 110, 112, 115, 116 xxx (z. B. 116 016, 116 117)
      "(11[025]|116[ \\u00a0]?\\d{3})",
    ].join("|"),
    "g"
  );

  function digitCount(s) {
    return s.replace(/\D/g, "").length;
  }

  function trimUrl(url) {
    // Satzzeichen am Ende gehören nicht zur Adresse; ")" nur, wenn sie keine "(" schließt.
    var m;
    while ((m = /[.,;:!?'’)\]]$/.exec(url))) {
      if (m[0] === ")" && url.split("(").length > url.split(")").length - 1) break;
      url = url.slice(0, -1);
    }
    return url;
  }

  function isBoundary(ch) {
    // Treffer nur, wenn davor keine Ziffer/kein Buchstabe/kein Trenner steht
    return !ch || !/[0-9A-Za-zÄÖÜäöüß.\-/+]/.test(ch);
  }

  function makeLink(href, text, external) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      var hint = document.createElement("span");
      hint.className = "hc-visually-hidden";
      hint.textContent = " (öffnet in neuem Fenster)";
      a.appendChild(hint);
    }
    return a;
  }

  /** Fügt `text` als Text- und Link-Knoten an `parent` an (Adressen, E-Mail, Telefon). */
  function appendLinkified(parent, text) {
    var last = 0;
    var m;
    LINK_RE.lastIndex = 0;
    while ((m = LINK_RE.exec(text)) !== null) {
      var raw = m[0];
      var start = m.index;
      var node = null;
      if (m[1]) {
        raw = trimUrl(raw);
        var href = /^www\./i.test(raw) ? "https://" + raw : raw;
        if (/^https?:\/\/[^/\s]/i.test(href)) node = makeLink(href, raw, true);
      } else if (m[2]) {
        node = makeLink("mailto:" + raw, raw, false);
      } else if (m[3] || m[4]) {
        raw = raw.replace(/[ \u00a0/\-–]+$/, "");
        var digits = digitCount(raw);
        var endCh = text.charAt(start + raw.length);
        var okEnd = !endCh || !/[0-9A-Za-zÄÖÜäöüß]/.test(endCh);
        var okLen = m[4] ? true : digits >= 6 && digits <= 15;
        if (isBoundary(text.charAt(start - 1)) && okEnd && okLen) {
          var tel = (raw.trim().charAt(0) === "+" ? "+" : "") + raw.replace(/\(0\)/, "").replace(/\D/g, "");
          node = makeLink("tel:" + tel, raw, false);
        }
      }
      if (!node) {
        // kein Link: Zeichen als Text behalten und hinter dem ersten Zeichen weitersuchen
        LINK_RE.lastIndex = start + 1;
        continue;
      }
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(node);
      last = start + raw.length;
      LINK_RE.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Markdown, wie der socket.io-Kanal ihn sendet (channels/socketio.py): Link "[Text](https://…)",
  // Adresse in spitzen Klammern "<https://…>" und "  " vor einem Zeilenumbruch (harter Umbruch).
  // Ein ")" in der Adresse ist nur als Klammerpaar erlaubt, z. B. https://example.de/a_(b).
  var MARKDOWN_LINK_RE = /\[([^\[\]\n]+)\]\((https?:\/\/(?:[^\s()<>]|\([^\s()<>]*\))+)\)|<(https?:\/\/[^\s<>]+)>/g;

  /** Fügt Bot-Text als Text- und Link-Knoten an `parent` an. Nie innerHTML. */
  function appendRichText(parent, text) {
    text = text.replace(/ +\n/g, "\n");
    var last = 0;
    var m;
    MARKDOWN_LINK_RE.lastIndex = 0;
    while ((m = MARKDOWN_LINK_RE.exec(text)) !== null) {
      if (m.index > last) appendLinkified(parent, text.slice(last, m.index));
      // "&amp;" im Linktext steht für "&" (channels/text_format.py)
      parent.appendChild(m[1] ? makeLink(m[2], m[1].replace(/&amp;/g, "&"), true) : makeLink(m[3], m[3], true));
      last = MARKDOWN_LINK_RE.lastIndex;
    }
    if (last < text.length) appendLinkified(parent, text.slice(last));
  }

  // ------------------------------------------------------------------ Elemente
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
      }
    }
    if (text) node.textContent = text;
    return node;
  }

  var root = el("div", { class: "hc-root", lang: "de" });
  var launcher = el("button", {
    type: "button",
    class: "hc-launcher",
    "aria-label": "Chat öffnen",
    "aria-expanded": "false",
    "aria-controls": "hc-panel",
  });
  launcher.appendChild(el("span", { class: "hc-launcher-icon", "aria-hidden": "true" }));
  launcher.appendChild(el("span", { class: "hc-launcher-text" }, "Chat"));

  var panel = el("section", {
    id: "hc-panel",
    class: "hc-panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "hc-title",
  });
  panel.hidden = true;

  var header = el("div", { class: "hc-header" });
  var titleEl = el("h2", { id: "hc-title", class: "hc-title" }, TITLE);
  var closeBtn = el("button", { type: "button", class: "hc-close", "aria-label": "Chat schließen" });
  closeBtn.appendChild(el("span", { "aria-hidden": "true" }, "×"));
  header.appendChild(titleEl);
  header.appendChild(closeBtn);

  var notice = el(
    "p",
    { id: "hc-notice", class: "hc-notice" },
    "Sie schreiben mit einem Computerprogramm. Bitte schreiben Sie keine Namen, Adressen oder Aktenzeichen."
  );

  var log = el("div", {
    class: "hc-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Chatverlauf",
    tabindex: "0",
  });

  var status = el("div", { class: "hc-status", role: "status", "aria-live": "polite" });
  var typing = el("div", { class: "hc-typing", "aria-hidden": "true" });
  typing.hidden = true;
  for (var d = 0; d < 3; d++) typing.appendChild(el("span", { class: "hc-dot" }));

  var form = el("form", { class: "hc-form", autocomplete: "off" });
  var input = el("input", {
    type: "text",
    class: "hc-input",
    "aria-label": "Nachricht eingeben",
    "aria-describedby": "hc-notice", // Datenschutzhinweis wird mit vorgelesen
    placeholder: "Nachricht eingeben …", // dieselben Wörter wie der zugängliche Name
    maxlength: "1000",
    autocomplete: "off",
    enterkeyhint: "send",
  });
  var sendBtn = el("button", { type: "submit", class: "hc-send", "aria-label": "Senden" }, "Senden");
  form.appendChild(input);
  form.appendChild(sendBtn);

  panel.appendChild(header);
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ------------------------------------------------------------------- Zustand
  var history = loadHistory();
  var socket = null;
  var sessionId = storageGet("localStorage", KEY_SESSION);
  var confirmed = false;
  var queue = [];
  var typingTimer = null;
  var connectErrorShown = false;
  var answerStart = null; // erste Nachricht der laufenden Antwort des Bots

  // ---------------------------------------------------------------- Darstellung
  function renderMessage(entry) {
    var wrap = el("div", { class: "hc-msg hc-msg--" + entry.from });
    var who = el("span", { class: "hc-visually-hidden" }, entry.from === "user" ? "Sie: " : entry.from === "bot" ? "Chatbot: " : "Hinweis: ");
    wrap.appendChild(who);
    if (entry.text) {
      var body = el("div", { class: "hc-text" });
      if (entry.from === "bot") appendRichText(body, entry.text);
      else body.textContent = entry.text; // eigene Eingaben immer nur als Text
      wrap.appendChild(body);
    }
    if (entry.image && /^https?:\/\//i.test(entry.image)) {
      wrap.appendChild(el("img", { class: "hc-image", src: entry.image, alt: entry.alt || "Bild vom Chatbot" }));
    }
    log.appendChild(wrap);
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", { class: "hc-replies", role: "group", "aria-label": "Antwortvorschläge" });
      entry.buttons.forEach(function (b) {
        var btn = el("button", { type: "button", class: "hc-reply" }, b.title);
        btn.addEventListener("click", function () {
          send(b.payload, b.title);
          input.focus();
        });
        group.appendChild(btn);
      });
      log.appendChild(group);
    }
    return wrap;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // Eine neue Antwort wird von ihrem Anfang an gezeigt: nach unten scrollen, aber höchstens
  // so weit, dass ihre erste Nachricht oben im Verlauf steht.
  function scrollToAnswer() {
    var offset = answerStart.getBoundingClientRect().top - log.getBoundingClientRect().top;
    log.scrollTop += offset - 8; // der Browser begrenzt auf das Ende des Verlaufs
  }

  function addEntry(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    saveHistory();
    var node = renderMessage(entry);
    if (entry.from === "bot" && !answerStart) answerStart = node;
    if (entry.from === "bot") scrollToAnswer();
    else scrollToEnd();
  }

  function dropQuickReplies() {
    // Antwortvorschläge gelten nur bis zur nächsten Eingabe
    var groups = log.querySelectorAll(".hc-replies");
    for (var i = 0; i < groups.length; i++) groups[i].parentNode.removeChild(groups[i]);
    history.forEach(function (h) {
      delete h.buttons;
    });
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    status.textContent = on ? "Der Chatbot schreibt …" : "";
    if (on) {
      scrollToEnd();
      typingTimer = setTimeout(function () {
        setTyping(false);
        addEntry({ from: "system", text: "Der Chatbot antwortet gerade nicht. Bitte versuchen Sie es später noch einmal." });
      }, REPLY_TIMEOUT_MS);
    }
  }

  // ------------------------------------------------------------------ Verbindung
  function connect() {
    if (socket) return;
    if (typeof window.io !== "function") {
      addEntry({ from: "system", text: "Der Chat konnte nicht geladen werden (socket.io fehlt)." });
      return;
    }
    socket = window.io(SERVER, { path: SOCKET_PATH, reconnectionDelayMax: 10000 });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (data) {
      var id = typeof data === "string" ? data : data && data.session_id;
      if (id) {
        sessionId = id;
        storageSet("localStorage", KEY_SESSION, id);
      }
      confirmed = true;
      connectErrorShown = false;
      var pending = queue;
      queue = [];
      pending.forEach(emitMessage);
    });
    socket.on("bot_uttered", function (msg) {
      if (!msg) return;
      setTyping(false);
      var entry = { from: "bot", text: typeof msg.text === "string" ? msg.text : "" };
      var buttons = msg.quick_replies || msg.buttons;
      if (Array.isArray(buttons) && buttons.length) {
        entry.buttons = buttons
          .filter(function (b) {
            return b && typeof b.title === "string";
          })
          .map(function (b) {
            return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title };
          });
      }
      var att = msg.attachment;
      if (att && att.type === "image" && att.payload && typeof att.payload.src === "string") {
        entry.image = att.payload.src;
      }
      if (entry.text || entry.buttons || entry.image) addEntry(entry);
    });
    socket.on("connect_error", function () {
      if (!connectErrorShown) {
        connectErrorShown = true;
        status.textContent = "Keine Verbindung zum Chat-Server. Neuer Versuch läuft …";
      }
    });
  }

  function emitMessage(text) {
    socket.emit("user_uttered", { message: text, session_id: sessionId });
  }

  /** Sendet `payload`; `shown` ist der angezeigte Text (null = unsichtbar, z. B. /greet). */
  function send(payload, shown) {
    if (!payload) return;
    connect();
    dropQuickReplies();
    answerStart = null;
    if (shown !== null) addEntry({ from: "user", text: shown });
    setTyping(true);
    if (socket && confirmed) emitMessage(payload);
    else queue.push(payload);
  }

  // ----------------------------------------------------------------- Bedienung
  function open(focusInput) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("hc-open");
    storageSet("sessionStorage", KEY_OPEN, "1");
    connect();
    scrollToEnd();
    if (focusInput !== false) input.focus();
    if (!history.length && !queue.length && !storageGet("sessionStorage", "hessenChat.greeted")) {
      storageSet("sessionStorage", "hessenChat.greeted", "1");
      send("/greet", null); // der Bot stellt sich vor (und sagt, dass er kein Mensch ist)
    }
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("hc-open");
    storageSet("sessionStorage", KEY_OPEN, null);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    open(true);
  });
  closeBtn.addEventListener("click", close);
  // Auf schmalen Bildschirmen verdeckt das Fenster die Seite: dann bleibt der Fokus darin
  // (sonst landet er auf verdeckten Elementen, WCAG 2.4.11).
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 30rem)") : { matches: false };
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") {
      e.preventDefault();
      close();
    } else if (e.key === "Tab" && fullScreen.matches) {
      var items = panel.querySelectorAll("button, input, [tabindex='0']");
      var first = items[0];
      var last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    send(text, text);
    input.focus();
  });

  // ------------------------------------------------------------------- Start
  function mount() {
    history.forEach(renderMessage);
    document.body.appendChild(root);
    if (storageGet("sessionStorage", KEY_OPEN) === "1") open(false);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.HessenChat = { open: open, close: close, linkify: appendRichText };
})();
