/*!
 * hessen-chat.js – Chat-Widget für den Integrations-Chatbot Hessen (Rasa, socket.io-Kanal).
 *
 * Warum ein eigenes Widget und nicht rasa-webchat? rasa-webchat hat seit 2023 keine
 * Veröffentlichung mehr und dokumentiert keine Barrierefreiheit. Öffentliche Stellen in
 * Hessen müssen nach BITV 2.0 (und Anbieter nach dem BFSG) barrierefrei sein (WCAG 2.1 AA):
 * Bedienung nur mit der Tastatur, sichtbarer Fokus, Beschriftungen für Screenreader (in der
 * gewählten Sprache), ausreichende Kontraste, Nutzung auf kleinen Bildschirmen. Dieses Widget ist
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
 *   data-title        Überschrift des Chatfensters (sonst je nach Sprache aus TEXTS)
 *   data-language     Sprache beim ersten Öffnen (de, en, tr, uk, ru, ar, fa; Standard: de)
 *   data-set-page-language="false"
 *                     die Sprachwahl setzt nur lang/dir des Widgets, nicht die von <html>
 *
 * Sprachen: Die Auswahl „Sprache / Language“ im Kopf des Fensters stellt die Texte des
 * Widgets um (TEXTS), setzt lang/dir (rtl für ar und fa) und schickt dem Bot unsichtbar
 * /choose_language{"language_choice":"<code>"}. Jede Bot-Nachricht trägt lang/dir aus dem
 * socket.io-Ereignis bot_language vor der Nachricht (fehlt es: die aktuelle Sprache).
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
  var CUSTOM_TITLE = dataset.title || null;
  var SET_PAGE_LANGUAGE = dataset.setPageLanguage !== "false";
  var REPLY_TIMEOUT_MS = 45000;
  var MAX_HISTORY = 200;
  var CHOICE_DELAY_MS = 600; // Pfeiltasten in der Auswahl: nur die zuletzt gewählte Sprache geht an den Bot

  var KEY_SESSION = "hessenChat.sessionId"; // localStorage: Rasa-Konversation bleibt erhalten
  var KEY_HISTORY = "hessenChat.history"; // sessionStorage: angezeigter Verlauf dieses Tabs
  var KEY_OPEN = "hessenChat.open"; // sessionStorage: Fenster nach Neuladen wieder offen
  var KEY_LANG = "hessenChat.language"; // sessionStorage: gewählte Sprache dieses Tabs

  // ------------------------------------------------------------------ Sprachen
  // Eigene Texte des Widgets. Kurz und einfach; die Antworten schreibt der Bot selbst.
  var LANGUAGES = ["de", "en", "tr", "uk", "ru", "ar", "fa"];
  var RTL = { ar: 1, fa: 1, he: 1, ur: 1, ps: 1, ckb: 1, dv: 1, yi: 1 };
  var TEXTS = {
    de: {
      name: "Deutsch",
      title: "Integrations-Chatbot Hessen",
      open: "Chat öffnen",
      launcher: "Chat",
      close: "Chat schließen",
      noticeShort: "Hinweis zum Datenschutz",
      notice: "Sie schreiben mit einem Computerprogramm. Bitte schreiben Sie keine Namen, Adressen oder Aktenzeichen.",
      input: "Nachricht eingeben",
      send: "Senden",
      log: "Chatverlauf",
      replies: "Antwortvorschläge",
      you: "Sie: ",
      bot: "Chatbot: ",
      note: "Hinweis: ",
      typing: "Der Chatbot schreibt …",
      timeout: "Der Chatbot antwortet gerade nicht. Bitte versuchen Sie es später noch einmal.",
      noSocket: "Der Chat konnte nicht geladen werden (socket.io fehlt).",
      offline: "Keine Verbindung zum Chat-Server. Neuer Versuch läuft …",
      newWindow: " (öffnet in neuem Fenster)",
      image: "Bild vom Chatbot",
    },
    en: {
      name: "English",
      title: "Hessen integration chatbot",
      open: "Open chat",
      launcher: "Chat",
      close: "Close chat",
      noticeShort: "Privacy note",
      notice: "You are writing to a computer program. Please do not write names, addresses or file numbers.",
      input: "Type a message",
      send: "Send",
      log: "Chat history",
      replies: "Suggested replies",
      you: "You: ",
      bot: "Chatbot: ",
      note: "Note: ",
      typing: "The chatbot is typing …",
      timeout: "The chatbot is not answering right now. Please try again later.",
      noSocket: "The chat could not be loaded (socket.io is missing).",
      offline: "No connection to the chat server. Trying again …",
      newWindow: " (opens in a new window)",
      image: "Image from the chatbot",
    },
    tr: {
      name: "Türkçe",
      title: "Hessen Entegrasyon Chatbotu",
      open: "Sohbeti aç",
      launcher: "Sohbet",
      close: "Sohbeti kapat",
      noticeShort: "Gizlilik notu",
      notice: "Bir bilgisayar programıyla yazışıyorsunuz. Lütfen isim, adres veya dosya numarası yazmayın.",
      input: "Mesajınızı yazın",
      send: "Gönder",
      log: "Sohbet geçmişi",
      replies: "Cevap önerileri",
      you: "Siz: ",
      bot: "Chatbot: ",
      note: "Not: ",
      typing: "Chatbot yazıyor …",
      timeout: "Chatbot şu anda cevap vermiyor. Lütfen daha sonra tekrar deneyin.",
      noSocket: "Sohbet yüklenemedi (socket.io eksik).",
      offline: "Sohbet sunucusuna bağlantı yok. Yeniden deneniyor …",
      newWindow: " (yeni pencerede açılır)",
      image: "Chatbottan resim",
    },
    uk: {
      name: "Українська",
      title: "Чат-бот з інтеграції в Гессені",
      open: "Відкрити чат",
      launcher: "Чат",
      close: "Закрити чат",
      noticeShort: "Про захист даних",
      notice: "Ви пишете комп’ютерній програмі. Будь ласка, не пишіть імен, адрес або номерів справ.",
      input: "Введіть повідомлення",
      send: "Надіслати",
      log: "Історія чату",
      replies: "Варіанти відповіді",
      you: "Ви: ",
      bot: "Чат-бот: ",
      note: "Примітка: ",
      typing: "Чат-бот пише …",
      timeout: "Чат-бот зараз не відповідає. Будь ласка, спробуйте пізніше.",
      noSocket: "Не вдалося завантажити чат (немає socket.io).",
      offline: "Немає з’єднання з сервером чату. Пробуємо ще раз …",
      newWindow: " (відкривається в новому вікні)",
      image: "Зображення від чат-бота",
    },
    ru: {
      name: "Русский",
      title: "Чат-бот по интеграции в Гессене",
      open: "Открыть чат",
      launcher: "Чат",
      close: "Закрыть чат",
      noticeShort: "О защите данных",
      notice: "Вы пишете компьютерной программе. Пожалуйста, не пишите имена, адреса или номера дел.",
      input: "Введите сообщение",
      send: "Отправить",
      log: "История чата",
      replies: "Варианты ответа",
      you: "Вы: ",
      bot: "Чат-бот: ",
      note: "Примечание: ",
      typing: "Чат-бот печатает …",
      timeout: "Чат-бот сейчас не отвечает. Пожалуйста, попробуйте позже.",
      noSocket: "Не удалось загрузить чат (нет socket.io).",
      offline: "Нет соединения с сервером чата. Пробуем ещё раз …",
      newWindow: " (открывается в новом окне)",
      image: "Изображение от чат-бота",
    },
    ar: {
      name: "العربية",
      title: "روبوت محادثة الاندماج في هيسن",
      open: "فتح المحادثة",
      launcher: "محادثة",
      close: "إغلاق المحادثة",
      noticeShort: "ملاحظة حول حماية البيانات",
      notice: "أنت تكتب إلى برنامج حاسوب. يرجى عدم كتابة أسماء أو عناوين أو أرقام ملفات.",
      input: "اكتب رسالتك",
      send: "إرسال",
      log: "سجل المحادثة",
      replies: "ردود مقترحة",
      you: "أنت: ",
      bot: "روبوت المحادثة: ",
      note: "ملاحظة: ",
      typing: "روبوت المحادثة يكتب …",
      timeout: "روبوت المحادثة لا يرد الآن. يرجى المحاولة مرة أخرى لاحقًا.",
      noSocket: "تعذر تحميل المحادثة (socket.io غير موجود).",
      offline: "لا يوجد اتصال بخادم المحادثة. تجري محاولة جديدة …",
      newWindow: " (يفتح في نافذة جديدة)",
      image: "صورة من روبوت المحادثة",
    },
    fa: {
      name: "فارسی",
      title: "چت\u200cبات ادغام در هسن",
      open: "باز کردن گفتگو",
      launcher: "گفتگو",
      close: "بستن گفتگو",
      noticeShort: "نکته دربارهٔ حریم خصوصی",
      notice: "شما با یک برنامهٔ کامپیوتری می\u200cنویسید. لطفاً نام، نشانی یا شمارهٔ پرونده ننویسید.",
      input: "پیام خود را بنویسید",
      send: "ارسال",
      log: "تاریخچهٔ گفتگو",
      replies: "پاسخ\u200cهای پیشنهادی",
      you: "شما: ",
      bot: "چت\u200cبات: ",
      note: "توجه: ",
      typing: "چت\u200cبات در حال نوشتن است …",
      timeout: "چت\u200cبات الان پاسخ نمی\u200cدهد. لطفاً بعداً دوباره امتحان کنید.",
      noSocket: "گفتگو بارگیری نشد (socket.io وجود ندارد).",
      offline: "اتصال به سرور گفتگو برقرار نیست. دوباره تلاش می\u200cکنیم …",
      newWindow: " (در پنجرهٔ جدید باز می\u200cشود)",
      image: "تصویر از چت\u200cبات",
    },
  };

  /** Sprachcode wie "ar" aus "ar", "AR", "ar-SY"; null, wenn es keiner ist. */
  function normLang(code) {
    if (typeof code !== "string") return null;
    var m = /^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$/.exec(code.trim());
    return m ? m[1].toLowerCase() : null;
  }
  function dirOf(code) {
    return RTL[code] ? "rtl" : "ltr";
  }
  /** Text `key` in `code` (Sprachen ohne eigene Texte: die aktuelle Sprache des Widgets). */
  function t(key, code) {
    var table = TEXTS[code] || TEXTS[currentLang] || TEXTS.de;
    return key === "title" && CUSTOM_TITLE ? CUSTOM_TITLE : table[key];
  }
  function textLang(code) {
    return TEXTS[code] ? code : currentLang;
  }

  var storedLang = null; // gespeicherte Wahl (sessionStorage), siehe unten
  var currentLang = "de";

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
    while ((m = /[.,;:!?'’)\]،؛؟۔]$/.exec(url))) {
      if (m[0] === ")" && url.split("(").length > url.split(")").length - 1) break;
      url = url.slice(0, -1);
    }
    return url;
  }

  function isBoundary(ch) {
    // Treffer nur, wenn davor keine Ziffer/kein Buchstabe/kein Trenner steht
    return !ch || !/[0-9A-Za-zÄÖÜäöüß.\-/+]/.test(ch);
  }

  var RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

  /**
   * Ein Link, eingepackt in <bdi dir="ltr">: Adressen, E-Mail und Telefonnummern bleiben
   * auch in arabischem oder persischem Text von links nach rechts lesbar (die Isolierung
   * verhindert, dass der Browser Ziffern, "/" und "-" mit dem Text davor umordnet).
   * Ein Linktext mit arabischer oder hebräischer Schrift bekommt dir="auto".
   */
  function makeLink(href, text, external, lang) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (external) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      var hint = document.createElement("span");
      hint.className = "hc-visually-hidden";
      hint.textContent = t("newWindow", lang);
      a.appendChild(hint);
    }
    var iso = document.createElement("bdi");
    iso.setAttribute("dir", RTL_CHAR.test(text) ? "auto" : "ltr");
    iso.appendChild(a);
    return iso;
  }

  /**
   * Fügt `text` als Text- und Link-Knoten an `parent` an (Adressen, E-Mail, Telefon).
   * `plain`: keine Links, die Adressen und Nummern nur in <bdi dir="ltr"> (eigene Eingaben).
   */
  function appendLinkified(parent, text, lang, plain) {
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
        if (/^https?:\/\/[^/\s]/i.test(href)) node = makeLink(href, raw, true, lang);
      } else if (m[2]) {
        node = makeLink("mailto:" + raw, raw, false, lang);
      } else if (m[3] || m[4]) {
        raw = raw.replace(/[ \u00a0/\-–]+$/, "");
        var digits = digitCount(raw);
        var endCh = text.charAt(start + raw.length);
        var okEnd = !endCh || !/[0-9A-Za-zÄÖÜäöüß]/.test(endCh);
        var okLen = m[4] ? true : digits >= 6 && digits <= 15;
        if (isBoundary(text.charAt(start - 1)) && okEnd && okLen) {
          var tel = (raw.trim().charAt(0) === "+" ? "+" : "") + raw.replace(/\(0\)/, "").replace(/\D/g, "");
          node = makeLink("tel:" + tel, raw, false, lang);
        }
      }
      if (node && plain) {
        node = document.createElement("bdi");
        node.setAttribute("dir", "ltr");
        node.textContent = raw;
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

  /** Fügt Bot-Text als Text- und Link-Knoten an `parent` an. Nie innerHTML. `lang`: Sprache des Texts. */
  function appendRichText(parent, text, lang) {
    text = text.replace(/ +\n/g, "\n");
    var last = 0;
    var m;
    MARKDOWN_LINK_RE.lastIndex = 0;
    while ((m = MARKDOWN_LINK_RE.exec(text)) !== null) {
      if (m.index > last) appendLinkified(parent, text.slice(last, m.index), lang);
      // "&amp;" im Linktext steht für "&" (channels/text_format.py)
      if (m[1]) {
        parent.appendChild(makeLink(m[2], m[1].replace(/&amp;/g, "&"), true, lang));
      } else {
        // "<https://…،>": arabische/persische Satzzeichen am Ende gehören nicht zur Adresse
        var url = m[3].replace(/[،؛؟۔]+$/, "");
        parent.appendChild(makeLink(url, url, true, lang));
        if (url.length < m[3].length) parent.appendChild(document.createTextNode(m[3].slice(url.length)));
      }
      last = MARKDOWN_LINK_RE.lastIndex;
    }
    if (last < text.length) appendLinkified(parent, text.slice(last), lang);
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

  var root = el("div", { class: "hc-root", lang: "de", dir: "ltr" });
  var launcher = el("button", {
    type: "button",
    class: "hc-launcher",
    "aria-expanded": "false",
    "aria-controls": "hc-panel",
  });
  var launcherText = el("span", { class: "hc-launcher-text" });
  launcher.appendChild(el("span", { class: "hc-launcher-icon", "aria-hidden": "true" }));
  launcher.appendChild(launcherText);

  var panel = el("section", {
    id: "hc-panel",
    class: "hc-panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "hc-title",
  });
  panel.hidden = true;

  // Kopf: Überschrift, Sprachwahl, Schließen (in dieser Reihenfolge auch für die Tab-Taste)
  var header = el("div", { class: "hc-header" });
  var titleEl = el("h2", { id: "hc-title", class: "hc-title" });
  var langBox = el("div", { class: "hc-lang" });
  // Die Beschriftung ist in jeder Sprache dieselbe, damit man die Auswahl immer findet.
  var langLabel = el("label", { for: "hc-lang-select", class: "hc-lang-label" });
  langLabel.appendChild(el("span", { lang: "de" }, "Sprache"));
  langLabel.appendChild(document.createTextNode(" / "));
  langLabel.appendChild(el("span", { lang: "en" }, "Language"));
  var langSelect = el("select", { id: "hc-lang-select", class: "hc-lang-select" });
  LANGUAGES.forEach(function (code) {
    langSelect.appendChild(el("option", { value: code, lang: code, dir: dirOf(code) }, TEXTS[code].name));
  });
  langBox.appendChild(langLabel);
  langBox.appendChild(langSelect);
  var closeBtn = el("button", { type: "button", class: "hc-close" });
  closeBtn.appendChild(el("span", { "aria-hidden": "true" }, "×"));
  header.appendChild(titleEl);
  header.appendChild(langBox);
  header.appendChild(closeBtn);

  // Datenschutzhinweis; auf sehr niedrigen Bildschirmen (400 % Zoom) zugeklappt
  var noticeBox = el("details", { class: "hc-notice-box", open: "" });
  var noticeSummary = el("summary", { class: "hc-notice-summary" });
  var notice = el("p", { id: "hc-notice", class: "hc-notice" });
  noticeBox.appendChild(noticeSummary);
  noticeBox.appendChild(notice);

  var log = el("div", {
    class: "hc-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
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
    "aria-describedby": "hc-notice", // Datenschutzhinweis wird mit vorgelesen
    maxlength: "1000",
    autocomplete: "off",
    enterkeyhint: "send",
  });
  var sendBtn = el("button", { type: "submit", class: "hc-send" });
  form.appendChild(input);
  form.appendChild(sendBtn);

  panel.appendChild(header);
  panel.appendChild(noticeBox);
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
  var statusKey = null; // Schlüssel des Texts in .hc-status (wird beim Sprachwechsel übersetzt)
  var connectErrorShown = false;
  var answerStart = null; // erste Nachricht der laufenden Antwort des Bots
  var pendingChoice = null; // gewählte Sprache, die der Bot noch nicht bestätigt hat
  var choiceTimer = null;
  var pageLang = { lang: document.documentElement.getAttribute("lang"), dir: document.documentElement.getAttribute("dir") };
  storedLang = normLang(storageGet("sessionStorage", KEY_LANG));
  if (!TEXTS[storedLang]) storedLang = null;
  currentLang = storedLang || (TEXTS[normLang(dataset.language)] ? normLang(dataset.language) : "de");

  // ------------------------------------------------------------ Sprache wechseln
  /** Setzt lang/dir von Widget (und Seite) und übersetzt die eigenen Texte des Widgets. */
  function applyLanguage(code, setPage) {
    currentLang = code;
    var dir = dirOf(code);
    root.setAttribute("lang", code);
    root.setAttribute("dir", dir);
    if (setPage && SET_PAGE_LANGUAGE) {
      var html = document.documentElement;
      if (normLang(pageLang.lang) === code) {
        // zurück zur Sprache der Seite: ihre eigenen Angaben wiederherstellen (z. B. "de-DE")
        html.setAttribute("lang", pageLang.lang);
        if (pageLang.dir) html.setAttribute("dir", pageLang.dir);
        else html.removeAttribute("dir");
      } else {
        html.setAttribute("lang", code);
        html.setAttribute("dir", dir);
      }
    }
    langSelect.value = code;
    titleEl.textContent = t("title", code);
    if (CUSTOM_TITLE) {
      // eigene Überschrift der Seite (data-title): in deren Sprache, in jeder Sprache des Widgets
      titleEl.setAttribute("lang", pageLang.lang || "de");
      titleEl.setAttribute("dir", "auto");
    }
    launcher.setAttribute("aria-label", t("open", code));
    launcherText.textContent = t("launcher", code);
    closeBtn.setAttribute("aria-label", t("close", code));
    noticeSummary.textContent = t("noticeShort", code);
    notice.textContent = t("notice", code);
    log.setAttribute("aria-label", t("log", code));
    input.setAttribute("aria-label", t("input", code));
    input.setAttribute("placeholder", t("input", code) + " …"); // dieselben Wörter wie der zugängliche Name
    sendBtn.textContent = t("send", code);
    sendBtn.setAttribute("aria-label", t("send", code));
    if (statusKey) status.textContent = t(statusKey, code);
  }

  /** Sprache wechseln und merken; `notify`: dem Bot die Wahl mitteilen (unsichtbare Nachricht). */
  function setLanguage(code, notify) {
    code = normLang(code);
    if (!TEXTS[code]) return;
    if (code !== currentLang || storedLang !== code) applyLanguage(code, true);
    storedLang = code;
    storageSet("sessionStorage", KEY_LANG, code);
    if (!notify) return;
    pendingChoice = code;
    clearTimeout(choiceTimer);
    choiceTimer = setTimeout(flushChoice, CHOICE_DELAY_MS);
  }

  function flushChoice() {
    clearTimeout(choiceTimer);
    choiceTimer = null;
    if (!pendingChoice) return;
    send("/choose_language" + JSON.stringify({ language_choice: pendingChoice }), null);
  }

  // ---------------------------------------------------------------- Darstellung
  function setLangDir(node, code) {
    node.setAttribute("lang", code);
    node.setAttribute("dir", dirOf(code));
  }

  function renderMessage(entry) {
    var lang = normLang(entry.lang) || currentLang; // ältere Verläufe haben kein lang
    var uiLang = textLang(lang);
    var wrap = el("div", { class: "hc-msg hc-msg--" + entry.from });
    var who = el("span", { class: "hc-visually-hidden" }, t(entry.from === "user" ? "you" : entry.from === "bot" ? "bot" : "note", uiLang));
    setLangDir(who, uiLang);
    wrap.appendChild(who);
    if (entry.from === "user") {
      // Richtung aus dem ersten Buchstaben der Eingabe (die Sprache kennt das Widget nicht);
      // "Sie: " hat ein eigenes dir und zählt dafür nicht mit.
      wrap.setAttribute("dir", "auto");
    } else {
      setLangDir(wrap, lang);
    }
    if (entry.text) {
      var body = el("div", { class: "hc-text" });
      if (entry.from === "bot") appendRichText(body, entry.text, lang);
      else appendLinkified(body, entry.text, lang, true); // eigene Eingaben nur als Text, nie als Link
      wrap.appendChild(body);
    }
    if (entry.image && /^https?:\/\//i.test(entry.image)) {
      wrap.appendChild(el("img", { class: "hc-image", src: entry.image, alt: entry.alt || t("image", uiLang) }));
    }
    log.appendChild(wrap);
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", { class: "hc-replies", role: "group", "aria-label": t("replies", uiLang) });
      setLangDir(group, lang);
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
    if (!entry.lang) entry.lang = currentLang; // bei eigenen Nachrichten: Sprache von „Sie:“
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

  function setStatus(key) {
    statusKey = key;
    status.textContent = key ? t(key, currentLang) : "";
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    setStatus(on ? "typing" : null);
    if (on) {
      scrollToEnd();
      typingTimer = setTimeout(function () {
        setTyping(false);
        addEntry({ from: "system", text: t("timeout", currentLang) });
      }, REPLY_TIMEOUT_MS);
    }
  }

  // ------------------------------------------------------------------ Verbindung
  function connect() {
    if (socket) return;
    if (typeof window.io !== "function") {
      addEntry({ from: "system", text: t("noSocket", currentLang) });
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
    // Der Server nennt die Sprache der nächsten Nachricht im Ereignis bot_language (bot_uttered
    // selbst bleibt im Format von Rasa, das andere Widgets erwarten).
    var nextLang = null;
    socket.on("bot_language", function (info) {
      nextLang = normLang(info && info.lang);
    });
    socket.on("bot_uttered", function (msg) {
      if (!msg) return;
      setTyping(false);
      // Sprache der Nachricht: vom Server (bot_language), sonst die aktuelle Sprache des Widgets
      var lang = normLang(msg.lang) || nextLang || currentLang;
      nextLang = null;
      var entry = { from: "bot", lang: lang, text: typeof msg.text === "string" ? msg.text : "" };
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
      if (!(entry.text || entry.buttons || entry.image)) return;
      if (pendingChoice && lang === pendingChoice) pendingChoice = null; // der Bot hat die Wahl übernommen
      // Antwortet der Bot in einer anderen Sprache (z. B. weil jemand Arabisch schreibt), folgt
      // das Widget ihr: nach der ersten Nachricht einer Antwort, ohne dem Bot etwas zu senden.
      if (!answerStart && !pendingChoice && lang !== currentLang && TEXTS[lang]) setLanguage(lang, false);
      addEntry(entry);
    });
    socket.on("connect_error", function () {
      if (!connectErrorShown) {
        connectErrorShown = true;
        setStatus("offline");
      }
    });
  }

  function emitMessage(text) {
    socket.emit("user_uttered", { message: text, session_id: sessionId });
  }

  /** Sendet `payload`; `shown` ist der angezeigte Text (null = unsichtbar, z. B. /greet). */
  function send(payload, shown) {
    if (!payload) return;
    if (choiceTimer) flushChoice(); // eine eben gewählte Sprache geht vor der Nachricht an den Bot
    connect();
    dropQuickReplies();
    answerStart = null;
    if (shown !== null) {
      addEntry({ from: "user", text: shown });
      pendingChoice = null; // jetzt bestimmt wieder die Antwort des Bots die Sprache
    }
    setTyping(true);
    if (socket && confirmed) emitMessage(payload);
    else queue.push(payload);
  }

  // --------------------------------------------------- Vollbild: Seite dahinter
  // Bis 480 px Breite oder Höhe (Handy, 200 %/400 % Zoom) verdeckt das Fenster die Seite:
  // dann ist es modal (aria-modal="true"), die Seite dahinter ist inert, der Fokus bleibt im
  // Fenster. Dieselbe Grenze steht in hessen-chat.css.
  var FULL_SCREEN = "(max-width: 30rem), (max-height: 30rem)";
  var SHORT_SCREEN = "(max-height: 30rem)";
  function media(query) {
    return window.matchMedia ? window.matchMedia(query) : { matches: false };
  }
  function onMediaChange(mq, fn) {
    if (mq.addEventListener) mq.addEventListener("change", fn);
    else if (mq.addListener) mq.addListener(fn);
  }
  var fullScreen = media(FULL_SCREEN);
  var shortScreen = media(SHORT_SCREEN);
  var inerted = [];

  function updateModal() {
    var modal = !panel.hidden && fullScreen.matches;
    panel.setAttribute("aria-modal", modal ? "true" : "false");
    if (modal && !inerted.length) {
      // alle Geschwister des Widgets und seiner Vorfahren bis <body>
      for (var node = root; node.parentElement && node !== document.body; node = node.parentElement) {
        for (var s = node.parentElement.firstElementChild; s; s = s.nextElementSibling) {
          if (s === node || s.hasAttribute("inert") || /^(SCRIPT|STYLE|LINK|TEMPLATE)$/.test(s.tagName)) continue;
          s.setAttribute("inert", "");
          inerted.push(s);
        }
      }
    } else if (!modal) {
      inerted.forEach(function (s) {
        s.removeAttribute("inert");
      });
      inerted = [];
    }
  }

  function updateNotice() {
    // sehr niedrige Fenster: Hinweis zugeklappt (aufklappbar); sonst immer offen
    if (shortScreen.matches) noticeBox.removeAttribute("open");
    else noticeBox.setAttribute("open", "");
  }

  onMediaChange(fullScreen, updateModal);
  onMediaChange(shortScreen, updateNotice);

  // ----------------------------------------------------------------- Bedienung
  function open(focusInput) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("hc-open");
    storageSet("sessionStorage", KEY_OPEN, "1");
    updateModal();
    connect();
    scrollToEnd();
    if (focusInput !== false) input.focus();
    if (!history.length && !queue.length && !storageGet("sessionStorage", "hessenChat.greeted")) {
      storageSet("sessionStorage", "hessenChat.greeted", "1");
      if (currentLang !== "de") {
        // gewählte oder mit data-language vorgegebene Sprache: der Bot soll schon so grüßen
        pendingChoice = currentLang;
        flushChoice();
      }
      send("/greet", null); // der Bot stellt sich vor (und sagt, dass er kein Mensch ist)
    }
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("hc-open");
    storageSet("sessionStorage", KEY_OPEN, null);
    updateModal();
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    open(true);
  });
  closeBtn.addEventListener("click", close);
  langSelect.addEventListener("change", function () {
    setLanguage(langSelect.value, true);
  });

  function focusables() {
    var items = panel.querySelectorAll("button, input, select, summary, a[href], [tabindex='0']");
    return Array.prototype.filter.call(items, function (node) {
      return !node.disabled && node.getClientRects().length > 0;
    });
  }

  // Im Vollbild bleibt der Fokus im Fenster (sonst landet er auf verdeckten Elementen, WCAG 2.4.11).
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") {
      e.preventDefault();
      close();
    } else if (e.key === "Tab" && fullScreen.matches) {
      var items = focusables();
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

  // Neben dem Fenster (nicht Vollbild): Kommt der Tastaturfokus auf ein Element der Seite,
  // das das Fenster verdeckt, wird die Seite so weit gescrollt, dass es darüber steht (WCAG 2.4.11).
  document.addEventListener("focusin", function (e) {
    var target = e.target;
    if (panel.hidden || fullScreen.matches || !target || root.contains(target) || !target.getBoundingClientRect) return;
    try {
      if (!target.matches(":focus-visible")) return; // nur Tastatur, nicht Mausklick
    } catch (err) {
      /* ältere Browser ohne :focus-visible */
    }
    var r = target.getBoundingClientRect();
    var p = panel.getBoundingClientRect();
    var covered = r.right > p.left && r.left < p.right && r.bottom > p.top && r.top < p.bottom;
    if (covered && r.height + 16 <= p.top) window.scrollBy(0, r.bottom - p.top + 16);
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
    // eine gewählte Sprache gilt nach dem Neuladen wieder (auch für <html>), sonst bleibt die Seite unberührt
    applyLanguage(currentLang, !!storedLang);
    updateNotice();
    history.forEach(renderMessage);
    document.body.appendChild(root);
    if (storageGet("sessionStorage", KEY_OPEN) === "1") open(false);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.HessenChat = {
    open: open,
    close: close,
    linkify: appendRichText,
    /** Sprache wechseln wie mit der Auswahl (sendet dem Bot die Wahl). */
    setLanguage: function (code) {
      setLanguage(code, true);
    },
    language: function () {
      return currentLang;
    },
  };
})();
