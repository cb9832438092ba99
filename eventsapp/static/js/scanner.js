// The door scanner (/events/<id>/scan). The camera reads QR codes continuously (the browser's
// BarcodeDetector where it reads QR, otherwise jsQR served by the app from static/vendor); what
// was read, typed or picked from a search is posted to the server, which alone decides the
// verdict. This script only shows what comes back: colour, Persian message, name and NGO, with
// a sound and a vibration, then goes straight back to scanning.
(function () {
  "use strict";

  var FRAME_MS = 150;          // ~6–7 decodes a second
  var MAX_SIDE = 800;          // frames are scaled down to this before decoding
  var SAME_CODE_MS = 3000;     // the same code read again this soon after its verdict is ignored
  var SHOW_OK_MS = 1800;       // how long a verdict stays on screen (a tap closes it sooner)
  var SHOW_OTHER_MS = 3000;    // refusals carry a reason to read
  var SEARCH_DELAY_MS = 300;
  var RECENT_MAX = 5;
  var COLOURS = { green: "green", red: "red", amber: "amber" };
  var ICONS = { green: "✓", red: "✕", amber: "!", grey: "!" };
  var STATUS_LABELS = { waitlisted: "فهرست انتظار", pending: "در انتظار تأیید" };
  var HINT = "کد بلیت را در کادر زیر بنویسید یا شرکت‌کننده را با نام، موبایل یا کد ملی جست‌وجو کنید.";
  var PROBLEMS = {
    denied: "اجازهٔ دسترسی به دوربین داده نشد. می‌توانید از تنظیمات مرورگر اجازه دهید؛ تا آن زمان " + HINT,
    none: "دوربینی در دسترس نیست. " + HINT,
    insecure: "مرورگر فقط روی نشانی امن (https) به دوربین دسترسی می‌دهد. " + HINT,
    busy: "دوربین در دست برنامهٔ دیگری است یا روشن نشد. " + HINT,
    decoder: "این مرورگر نمی‌تواند کد QR را بخواند. " + HINT
  };

  function fa(value) {
    return String(value).replace(/\d/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }

  function $(root, name) { return root.querySelector("[data-" + name + "]"); }

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }  // blocked storage throws
  }

  function read(kind, key) {
    var s = store(kind);
    try { return s ? s.getItem(key) : null; } catch (e) { return null; }
  }

  function write(kind, key, value) {
    var s = store(kind);
    try { if (s) s.setItem(key, value); } catch (e) { /* private mode: not remembered */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("script")); };
      document.head.appendChild(script);
    });
  }

  // --- sound and vibration ----------------------------------------------------------------

  var audio = null;

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) {
      try { audio = new Ctx(); } catch (e) { return null; }
    }
    if (audio.state === "suspended") audio.resume().catch(function () {});
    return audio;
  }

  function tone(ctx, freq, start, length, type) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.5, start + 0.01);
    gain.gain.setValueAtTime(0.5, start + length - 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(start);
    osc.stop(start + length + 0.02);
  }

  function signal(good) {
    var ctx = audioContext();
    if (ctx) {
      var t = ctx.currentTime + 0.01;
      if (good) {
        tone(ctx, 1760, t, 0.14, "sine");
      } else {
        tone(ctx, 160, t, 0.2, "square");
        tone(ctx, 160, t + 0.28, 0.2, "square");
      }
    }
    if (navigator.vibrate) {
      try { navigator.vibrate(good ? [80] : [200, 100, 200]); } catch (e) { /* not allowed yet */ }
    }
  }

  // --- talking to the server --------------------------------------------------------------

  function problemFor(response) {
    if (response.status === 401 || /\/login(\?|$)/.test(response.url || "")) {
      return "نشست شما به پایان رسیده است؛ صفحه را دوباره باز کنید و وارد شوید.";
    }
    if (response.status === 400) return "این صفحه کهنه شده است؛ آن را دوباره باز کنید.";
    if (response.status === 403 || response.status === 404) return "اجازهٔ پذیرش این رویداد را ندارید.";
    return "پاسخ سامانه خوانده نشد؛ دوباره امتحان کنید.";
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) {
      return Promise.reject(new Error(problemFor(response)));
    }
    return response.json().then(function (data) {
      if (!response.ok) throw new Error((data && data.message) || problemFor(response));
      return data;
    });
  }

  function offline() {
    return new Error("اتصال به سامانه برقرار نشد؛ اینترنت را بررسی کنید و دوباره امتحان کنید.");
  }

  // --- the page ---------------------------------------------------------------------------

  function Scanner(root) {
    this.root = root;
    this.eventId = root.getAttribute("data-event-id");
    this.checkUrl = root.getAttribute("data-check-url");
    this.searchUrl = root.getAttribute("data-search-url");
    this.undoUrl = root.getAttribute("data-undo-url");
    this.jsqrUrl = root.getAttribute("data-jsqr-url");
    var meta = document.querySelector('meta[name="csrf-token"]');
    this.csrf = meta ? meta.getAttribute("content") : "";
    this.gateKey = "eventsapp.scan.gate." + this.eventId;
    this.countKey = "eventsapp.scan.count." + this.eventId;

    this.gate = read("localStorage", this.gateKey) || "";
    this.count = parseInt(read("sessionStorage", this.countKey) || "0", 10) || 0;
    this.stream = null;
    this.decoder = null;
    this.timer = null;
    this.busy = false;
    this.shown = null;       // the verdict on screen: {source, text, timer}
    this.lastText = "";      // the last code the camera read…
    this.lastUntil = 0;      // …and until when reading it again is ignored
    this.searchTimer = null;
    this.searchSeq = 0;
    this.recent = [];

    this.video = $(root, "video");
    this.canvas = document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    this.wire();
    this.showCount();
    if (this.gate) this.openMain(); else this.openGateForm();
  }

  Scanner.prototype.wire = function () {
    var self = this, root = this.root;
    var unlock = function () { audioContext(); };
    document.addEventListener("pointerdown", unlock, { once: true });

    $(root, "gate-form").addEventListener("submit", function (event) {
      event.preventDefault();
      audioContext();
      self.saveGate();
    });
    $(root, "gate-change").addEventListener("click", function () { self.openGateForm(); });
    $(root, "camera-retry").addEventListener("click", function () { self.startCamera(); });

    $(root, "code-form").addEventListener("submit", function (event) {
      event.preventDefault();
      audioContext();
      var input = event.target.elements.code;
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      self.submit(text, "typed").then(function (done) { if (done) input.value = ""; });
    });

    var search = $(root, "search");
    search.addEventListener("input", function () {
      clearTimeout(self.searchTimer);
      self.searchTimer = setTimeout(function () { self.runSearch(); }, SEARCH_DELAY_MS);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(self.searchTimer);
        self.runSearch();
      }
    });

    var overlay = $(root, "verdict");
    overlay.addEventListener("click", function () { self.closeVerdict(); });
    overlay.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        self.closeVerdict();
      }
    });
    $(root, "verdict-undo").addEventListener("click", function (event) {
      event.stopPropagation();
      var id = this.getAttribute("data-checkin-id");
      if (id) self.undo(id);
    });

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) self.schedule();
    });
  };

  // --- the gate ---------------------------------------------------------------------------

  Scanner.prototype.openGateForm = function () {
    var form = $(this.root, "gate-form");
    $(this.root, "scan-main").hidden = true;
    $(this.root, "gate-show").hidden = true;
    form.hidden = false;
    form.elements.gate.value = this.gate;
    form.elements.gate.focus();
  };

  Scanner.prototype.saveGate = function () {
    var form = $(this.root, "gate-form");
    var value = form.elements.gate.value.replace(/\s+/g, " ").trim().slice(0, 60);
    $(this.root, "gate-error").hidden = !!value;
    if (!value) { form.elements.gate.focus(); return; }
    this.gate = value;
    write("localStorage", this.gateKey, value);
    this.openMain();
  };

  Scanner.prototype.openMain = function () {
    $(this.root, "gate-form").hidden = true;
    $(this.root, "gate-name").textContent = this.gate;
    $(this.root, "gate-show").hidden = false;
    $(this.root, "scan-main").hidden = false;
    if (this.stream) this.schedule(); else this.startCamera();
  };

  // --- the camera -------------------------------------------------------------------------

  Scanner.prototype.cameraStatus = function (text) {
    var status = $(this.root, "camera-status");
    status.textContent = text || "";
    status.hidden = !text;
  };

  Scanner.prototype.cameraProblem = function (kind) {
    this.stopCamera();
    $(this.root, "viewfinder").hidden = true;
    this.cameraStatus("");
    $(this.root, "camera-problem-text").textContent = PROBLEMS[kind] || PROBLEMS.none;
    $(this.root, "camera-retry").hidden = kind === "insecure" || kind === "decoder";
    $(this.root, "camera-problem").hidden = false;
    this.root.setAttribute("data-camera", kind);
  };

  Scanner.prototype.stopCamera = function () {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) this.stream.getTracks().forEach(function (t) { t.stop(); });
    this.stream = null;
    this.video.srcObject = null;
  };

  Scanner.prototype.startCamera = function () {
    var self = this;
    $(this.root, "camera-problem").hidden = true;
    $(this.root, "viewfinder").hidden = false;
    this.cameraStatus("در حال روشن کردن دوربین…");
    this.root.setAttribute("data-camera", "starting");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.cameraProblem(window.isSecureContext === false ? "insecure" : "none");
      return Promise.resolve();
    }
    var constraints = { audio: false, video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } } };
    return navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      self.stream = stream;
      stream.getVideoTracks().forEach(function (track) {
        track.addEventListener("ended", function () { if (self.stream === stream) self.cameraProblem("busy"); });
      });
      self.video.srcObject = stream;
      var playing = self.video.play();
      if (playing && playing.catch) playing.catch(function () {});
      return self.makeDecoder().then(function (decoder) {
        self.decoder = decoder;
        self.root.setAttribute("data-decoder", decoder.kind);
        self.root.setAttribute("data-camera", "on");
        self.cameraStatus("کد QR بلیت را جلوی دوربین بگیرید.");
        self.schedule();
      }, function () { self.cameraProblem("decoder"); });
    }, function (err) {
      var name = err && err.name;
      if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
        self.cameraProblem("denied");
      } else if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") {
        self.cameraProblem("busy");
      } else {
        self.cameraProblem("none");
      }
    });
  };

  Scanner.prototype.makeDecoder = function () {
    var self = this;
    if (this.decoder) return Promise.resolve(this.decoder);
    var viaJsqr = function () {
      var ready = window.jsQR ? Promise.resolve() : loadScript(self.jsqrUrl);
      return ready.then(function () {
        if (!window.jsQR) throw new Error("jsQR");
        var decode = function (canvas, ctx) {
          var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          return Promise.resolve(found ? found.data : null);
        };
        decode.kind = "jsqr";
        return decode;
      });
    };
    if (!("BarcodeDetector" in window)) return viaJsqr();
    return Promise.resolve()
      .then(function () { return window.BarcodeDetector.getSupportedFormats(); })
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) return viaJsqr();
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        var decode = function (canvas) {
          return detector.detect(canvas).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
        decode.kind = "barcode-detector";
        return decode;
      })
      .catch(viaJsqr);
  };

  Scanner.prototype.schedule = function () {
    var self = this;
    if (this.timer || !this.stream || !this.decoder) return;
    this.timer = setTimeout(function () { self.timer = null; self.tick(); }, FRAME_MS);
  };

  Scanner.prototype.tick = function () {
    var self = this, video = this.video;
    if (!this.stream || document.hidden) return;  // visibilitychange starts it again
    if (this.busy || this.shown || $(this.root, "scan-main").hidden ||
        video.readyState < 2 || !video.videoWidth) {
      this.schedule();
      return;
    }
    var scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    this.ctx.drawImage(video, 0, 0, w, h);
    this.decoder(this.canvas, this.ctx)
      .then(function (text) { if (text) self.read(text); }, function () { /* a bad frame */ })
      .then(function () { self.schedule(); });
  };

  Scanner.prototype.read = function (text) {
    if (this.busy || this.shown) return;
    if (text === this.lastText && Date.now() < this.lastUntil) return;
    this.submit(text, "camera");
  };

  // --- scans and verdicts -----------------------------------------------------------------

  // Posts what was read; resolves true when the server answered with a verdict.
  Scanner.prototype.submit = function (text, source) {
    var self = this;
    if (this.busy) return Promise.resolve(false);
    this.busy = true;
    if (source === "camera") {
      this.lastText = text;
      this.lastUntil = Infinity;  // until its verdict closes
    }
    this.cameraStatus("در حال بررسی…");
    return fetch(this.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": this.csrf },
      // A code typed or picked from the search is a check-in by hand: the audit log keeps it.
      body: JSON.stringify({ code: text, gate: this.gate, manual: source !== "camera" })
    }).catch(function () { throw offline(); })
      .then(readJson)
      .then(function (data) {
        self.busy = false;
        self.showVerdict(data, source, text);
        return true;
      }, function (err) {
        self.busy = false;
        self.showOverlay({ colour: "grey", message: err.message }, source, text);
        return false;
      });
  };

  Scanner.prototype.showVerdict = function (data, source, text) {
    var attendee = data.attendee || {};
    var time = "";
    if (data.checkin_id && data.checked_in_at_jalali) {
      var at = data.checked_in_at_jalali, cut = at.lastIndexOf("، ");
      time = cut >= 0 ? at.slice(cut + 2) : at;
    }
    if (data.verdict === "ok") this.setCount(this.count + 1);
    var shown = {
      colour: COLOURS[data.colour] || "grey", message: data.message || "", verdict: data.verdict,
      name: attendee.full_name || "", ngo: attendee.ngo || "", time: time, checkinId: data.checkin_id
    };
    this.remember(shown);
    this.showOverlay(shown, source, text);
  };

  Scanner.prototype.showOverlay = function (v, source, text) {
    var root = this.root, self = this;
    var overlay = $(root, "verdict");
    var message = v.message || "";
    var cut = message.indexOf("؛");
    if (this.shown) clearTimeout(this.shown.timer);
    overlay.className = "verdict verdict-" + v.colour;
    overlay.setAttribute("data-verdict", v.verdict || "error");
    $(root, "verdict-icon").textContent = ICONS[v.colour] || "!";
    $(root, "verdict-message").textContent = cut >= 0 ? message.slice(0, cut) : message;
    var fields = {
      "verdict-detail": cut >= 0 ? message.slice(cut + 1).trim() : "",
      "verdict-name": v.name, "verdict-ngo": v.ngo, "verdict-time": v.time
    };
    Object.keys(fields).forEach(function (name) {
      var node = $(root, name);
      node.textContent = fields[name] || "";
      node.hidden = !fields[name];
    });
    var undo = $(root, "verdict-undo");
    undo.hidden = !v.checkinId;
    if (v.checkinId) undo.setAttribute("data-checkin-id", v.checkinId); else undo.removeAttribute("data-checkin-id");
    this.returnFocus = this.shown ? this.returnFocus : document.activeElement;
    overlay.hidden = false;
    overlay.tabIndex = -1;
    overlay.focus({ preventScroll: true });
    this.cameraStatus("");
    signal(v.colour === "green");
    this.shown = {
      source: source, text: text,
      timer: setTimeout(function () { self.closeVerdict(); }, v.colour === "green" ? SHOW_OK_MS : SHOW_OTHER_MS)
    };
  };

  Scanner.prototype.closeVerdict = function () {
    if (!this.shown) return;
    clearTimeout(this.shown.timer);
    if (this.shown.source === "camera") this.lastUntil = Date.now() + SAME_CODE_MS;
    this.shown = null;
    $(this.root, "verdict").hidden = true;
    var back = this.returnFocus;
    this.returnFocus = null;
    if (back && back !== document.body && document.contains(back) && back.focus) back.focus({ preventScroll: true });
    if (this.stream) this.cameraStatus("کد QR بلیت را جلوی دوربین بگیرید.");
    this.schedule();
  };

  Scanner.prototype.setCount = function (n) {
    this.count = Math.max(0, n);
    write("sessionStorage", this.countKey, String(this.count));
    this.showCount();
  };

  Scanner.prototype.showCount = function () {
    $(this.root, "count").textContent = fa(this.count);
  };

  // --- undo -------------------------------------------------------------------------------

  Scanner.prototype.undo = function (checkinId) {
    var self = this;
    if (this.busy) return;
    this.busy = true;
    if (this.shown) clearTimeout(this.shown.timer);
    var entry = this.recent.filter(function (r) { return String(r.checkinId) === String(checkinId); })[0];
    fetch(this.undoUrl.replace("{id}", encodeURIComponent(checkinId)), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": this.csrf }
    }).catch(function () { throw offline(); })
      .then(readJson)
      .then(function (data) {
        self.busy = false;
        if (entry && !entry.undone) {
          entry.undone = true;
          self.setCount(self.count - 1);
          self.drawRecent();
        }
        self.showOverlay({ colour: "amber", verdict: "undone", message: data.message || "ورود لغو شد.",
                           name: entry ? entry.name : "", ngo: entry ? entry.ngo : "" }, "undo", "");
      }, function (err) {
        self.busy = false;
        self.showOverlay({ colour: "grey", message: err.message }, "undo", "");
      });
  };

  // --- this session's last scans ------------------------------------------------------------

  // The time of day in Tehran, whatever the phone's own time zone (the server's verdicts and
  // the event's hours are Tehran time too).
  function tehranClock(when) {
    try {
      var parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tehran", hour: "2-digit",
                                                     minute: "2-digit", hour12: false }).format(when);
      return fa(parts);
    } catch (e) {
      return fa(("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2));
    }
  }

  Scanner.prototype.remember = function (v) {
    v.at = tehranClock(new Date());
    this.recent.unshift(v);
    this.recent = this.recent.slice(0, RECENT_MAX);
    this.drawRecent();
  };

  Scanner.prototype.drawRecent = function () {
    var self = this;
    var list = $(this.root, "recent");
    list.textContent = "";
    this.recent.forEach(function (v) {
      var li = el("li", "recent-item recent-" + v.colour + (v.undone ? " is-undone" : ""));
      var text = el("span", "recent-text");
      var head = v.message.split("؛")[0];
      text.appendChild(el("strong", null, v.name || head));
      text.appendChild(el("span", "muted", (v.name ? head : "") + (v.undone ? " (لغو شد)" : "")));
      li.appendChild(el("span", "recent-at", v.at));
      li.appendChild(text);
      if (v.checkinId && !v.undone) {
        var button = el("button", "button secondary small", "لغو");
        button.type = "button";
        button.setAttribute("aria-label", "لغو ورود " + (v.name || ""));
        button.addEventListener("click", function () { self.undo(v.checkinId); });
        li.appendChild(button);
      }
      list.appendChild(li);
    });
    $(this.root, "recent-box").hidden = this.recent.length === 0;
  };

  // --- finding a person ---------------------------------------------------------------------

  Scanner.prototype.runSearch = function () {
    var self = this;
    var q = $(this.root, "search").value.trim();
    var status = $(this.root, "search-status");
    var list = $(this.root, "search-results");
    var seq = ++this.searchSeq;
    if (q.length < 2) {
      list.textContent = "";
      status.textContent = q ? "دست‌کم دو نویسه بنویسید." : "";
      return;
    }
    status.textContent = "در حال جست‌وجو…";
    fetch(this.searchUrl + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).catch(function () { throw offline(); })
      .then(readJson)
      .then(function (data) {
        if (seq !== self.searchSeq) return;
        self.drawPeople(data.results || []);
        status.textContent = data.results && data.results.length
          ? fa(data.results.length) + " نفر پیدا شد."
          : "کسی با این مشخصات پیدا نشد.";
      }, function (err) {
        if (seq === self.searchSeq) status.textContent = err.message;
      });
  };

  Scanner.prototype.drawPeople = function (people) {
    var self = this;
    var list = $(this.root, "search-results");
    list.textContent = "";
    people.forEach(function (p) {
      var li = el("li", "person");
      var info = el("div", "person-info");
      var name = el("strong", "person-name", p.full_name);
      info.appendChild(name);
      if (STATUS_LABELS[p.status]) info.appendChild(el("span", "badge badge-warn", STATUS_LABELS[p.status]));
      var meta = [p.ngo, p.role].filter(Boolean).join(" · ");
      if (meta) info.appendChild(el("span", "person-meta", meta));
      // The last digits of the national ID and mobile, "…1234" read left to right.
      var ids = el("span", "person-ids");
      [["کد ملی", p.national_id_tail], ["موبایل", p.mobile_tail]].forEach(function (pair) {
        if (!pair[1]) return;
        if (ids.childNodes.length) ids.appendChild(document.createTextNode(" · "));
        var digits = el("bdi", null, "…" + fa(pair[1]));
        digits.dir = "ltr";
        ids.appendChild(document.createTextNode(pair[0] + " "));
        ids.appendChild(digits);
      });
      if (ids.childNodes.length) info.appendChild(ids);
      var button = el("button", "button person-in", "ورود");
      button.type = "button";
      button.setAttribute("aria-label", "ورود " + p.full_name);
      button.addEventListener("click", function () {
        audioContext();
        self.submit(p.code, "search");
      });
      li.appendChild(info);
      li.appendChild(button);
      list.appendChild(li);
    });
  };

  function start() {
    var root = document.querySelector("[data-scanner]");
    if (root) window.eventsappScanner = new Scanner(root);
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
